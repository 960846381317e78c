"""Losses on the TD error d = y - Q(s, a) (Chapter 11): squared error (2013) and Huber with threshold 1 (2015).

The Nature paper (Methods, "Training algorithm") clips the error term y - Q(s, a) to [-1, 1]. DeepMind's
code clamps the TD error before back-propagating it, which is exactly the gradient of the Huber loss
with threshold kappa = 1 (the argument `delta`, as torch names it): quadratic near zero, linear
(gradient +-1) beyond. Clipping the *loss* instead would zero the gradient of large errors, the
opposite of what the paper means.
"""

from __future__ import annotations

import torch


def mse_loss(td_error: torch.Tensor) -> torch.Tensor:
    """Mean of 0.5 * d^2 over the TD errors d (Chapter 11, Exercise 11.1): the 2013 loss.

    Why: with the 0.5 the gradient with respect to Q(s, a) is exactly -d / N, unbounded in d.
    """
    return (0.5 * td_error**2).mean()


def huber_loss(td_error: torch.Tensor, delta: float = 1.0) -> torch.Tensor:
    """Mean Huber loss of the TD errors d, threshold `delta` (kappa) (Chapter 11, Exercise 11.2): the 2015 loss.

    Per element 0.5 * d^2 for |d| <= delta, delta * (|d| - 0.5 * delta) beyond. Why: its gradient with
    respect to Q(s, a) is -clip(d, -delta, delta) / N, the Nature paper's error clipping with delta = 1.
    Equals torch.nn.functional.huber_loss(q, y, delta=delta).
    """
    absolute = td_error.abs()
    quadratic = 0.5 * td_error**2
    linear = delta * (absolute - 0.5 * delta)
    return torch.where(absolute <= delta, quadratic, linear).mean()


def clipped_error_gradient(td_error: torch.Tensor) -> torch.Tensor:
    """dL/dQ(s_i, a_i) = -clip(d_i, -1, 1) for L = sum_i huber(d_i), threshold 1 (Chapter 11, Exercise 11.3).

    Why: it is the paper's clipped error term, the gradient DeepMind's code back-propagates. An analysis
    function: the chapter checks autograd against it; the agent does not run it (autograd on
    `huber_loss` computes the same gradient, divided by the batch size).
    """
    return -torch.clamp(td_error.detach(), -1.0, 1.0)


# name -> loss. The lambdas look the functions up in this module when called, so that `--impl` (which
# replaces mse_loss and huber_loss here by the learner's) reaches the loss of every update.
LOSSES = {
    "mse": lambda td_error: mse_loss(td_error),
    "huber": lambda td_error: huber_loss(td_error),
}
