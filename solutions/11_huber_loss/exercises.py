"""Chapter 11, the Huber loss: your answers to the exercises.

Write your code between `### YOUR CODE HERE` and `### END YOUR CODE`, replacing the
placeholder line that raises; leave the rest of the file as it is. Grade your work from the
repository root with `pytest -k ch11` (or `make grade CH=11`).
"""

from __future__ import annotations

import torch


def mse_loss(td_error: torch.Tensor) -> torch.Tensor:
    """Exercise 11.1: the 2013 loss, the mean of 0.5 * d^2 over a batch of TD errors d.

    `td_error` is a float tensor of TD errors d = y - Q(s, a), any shape (usually (batch,)), possibly
    part of an autograd graph, on any device. Returns a scalar tensor (shape ()) of the same dtype and
    device, built with torch operations so that gradients flow back through it. The factor 0.5 makes the
    gradient with respect to Q(s, a) exactly -d (divided by the batch size, because of the mean).
    `td_error` is left exactly as it was (the caller uses it again).
    """
    ### BEGIN SOLUTION
    return (0.5 * td_error**2).mean()
    ### END SOLUTION


def huber_loss(td_error: torch.Tensor, delta: float = 1.0) -> torch.Tensor:
    """Exercise 11.2: the mean Huber loss of a batch of TD errors d, threshold `delta` (the chapter's kappa).

    Per element: 0.5 * d^2 where |d| <= delta, and delta * (|d| - 0.5 * delta) where |d| > delta;
    then the mean over all elements. `td_error` is a float tensor of TD errors d of any shape, possibly
    part of an autograd graph, on any device; `delta` > 0 (a Python float) is the threshold, not a TD
    error. Returns a scalar tensor (shape ()) of the same dtype and device, built with torch operations
    so that gradients flow back through it. Write it from the formula: the chapter then compares it with
    torch's own huber_loss. `td_error` is left exactly as it was.
    """
    ### BEGIN SOLUTION
    absolute = td_error.abs()
    quadratic = 0.5 * td_error**2
    linear = delta * (absolute - 0.5 * delta)
    return torch.where(absolute <= delta, quadratic, linear).mean()
    ### END SOLUTION


def clipped_error_gradient(td_error: torch.Tensor) -> torch.Tensor:
    """Exercise 11.3: the gradient that the Nature paper's error clipping sends back to Q(s, a).

    For the summed loss L = sum_i huber(d_i) with threshold 1 and d_i = y_i - Q(s_i, a_i), return
    dL/dQ(s_i, a_i) for every element: a tensor of the shape, dtype and device of `td_error`, written
    in closed form (no autograd) and not tracking gradients. `td_error` is a float tensor of any shape,
    possibly part of an autograd graph; it is left exactly as it was.
    """
    ### BEGIN SOLUTION
    return -torch.clamp(td_error.detach(), -1.0, 1.0)
    ### END SOLUTION
