"""Losses on the TD error (Chapter 11): squared error (2013) and Huber with delta = 1 (2015).

The Nature paper (Methods, "Training algorithm") clips the error term y - Q(s, a) to [-1, 1]. DeepMind's
code clamps the TD error before back-propagating it, which is exactly the gradient of the Huber loss
with delta = 1: quadratic near zero, linear (gradient +-1) beyond. Clipping the *loss* instead would
zero the gradient of large errors, the opposite of what the paper means.
"""

from __future__ import annotations

import torch


def mse_loss(td_error: torch.Tensor) -> torch.Tensor:
    """Mean of 0.5 * delta^2; its gradient with respect to Q(s, a) is -delta, unbounded."""
    return (0.5 * td_error.pow(2)).mean()


def huber_loss(td_error: torch.Tensor, delta: float = 1.0) -> torch.Tensor:
    """Mean Huber loss: 0.5 * d^2 for |d| <= delta, delta * (|d| - 0.5 * delta) beyond.

    Equals torch.nn.functional.huber_loss(q, y, delta=delta); the gradient is -clip(d, -delta, delta).
    """
    absolute = td_error.abs()
    quadratic = absolute.clamp(max=delta)
    linear = absolute - quadratic
    return (0.5 * quadratic.pow(2) + delta * linear).mean()


LOSSES = {"mse": mse_loss, "huber": huber_loss}
