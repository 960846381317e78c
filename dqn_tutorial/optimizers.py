"""Optimizers: RMSProp exactly as DeepMind's DQN ran it, and Adam, the common modern substitute.

DeepMind's Lua code (NeuralQLearner) uses a *centred* RMSProp with the constant inside the square root:
    g  = 0.95 g  + 0.05 grad
    g2 = 0.95 g2 + 0.05 grad^2
    w -= lr * grad / sqrt(g2 - g^2 + 0.01)
torch.optim.RMSprop(centered=True) adds eps *outside* the square root, a different update, hence this class.
"""

from __future__ import annotations

import torch

from dqn_tutorial.errors import UserError


class DeepMindRMSprop(torch.optim.Optimizer):
    """Centred RMSProp with 'min squared gradient' inside the square root (Nature, Extended Data Table 1)."""

    def __init__(self, params, lr: float = 2.5e-4, momentum: float = 0.95, min_squared_gradient: float = 0.01):
        if lr <= 0:
            raise UserError(f"learning rate must be positive, got {lr}")
        super().__init__(params, dict(lr=lr, momentum=momentum, min_squared_gradient=min_squared_gradient))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta, lr, floor = group["momentum"], group["lr"], group["min_squared_gradient"]
            params = [p for p in group["params"] if p.grad is not None]
            if not params:
                continue
            grads = [p.grad for p in params]
            for param in params:
                if not self.state[param]:
                    self.state[param]["grad_avg"] = torch.zeros_like(param)
                    self.state[param]["square_avg"] = torch.zeros_like(param)
            grad_avg = [self.state[p]["grad_avg"] for p in params]
            square_avg = [self.state[p]["square_avg"] for p in params]
            # The same arithmetic as the docstring, on all tensors at once (one kernel per op, not per tensor).
            torch._foreach_lerp_(grad_avg, grads, 1 - beta)                        # g  = b g  + (1-b) grad
            torch._foreach_mul_(square_avg, beta)
            torch._foreach_addcmul_(square_avg, grads, grads, value=1 - beta)      # g2 = b g2 + (1-b) grad^2
            denominator = torch._foreach_mul(grad_avg, grad_avg)
            torch._foreach_sub_(denominator, square_avg)
            torch._foreach_neg_(denominator)                                      # g2 - g^2
            torch._foreach_add_(denominator, floor)
            torch._foreach_sqrt_(denominator)
            torch._foreach_addcdiv_(params, grads, denominator, value=-lr)
        return loss


def make_optimizer(name: str, parameters, lr: float, capturable: bool = False) -> torch.optim.Optimizer:
    """'rmsprop' (the paper's, as DeepMind ran it) or 'adam' (eps = 1.5e-4 as in Rainbow/Dopamine).

    `capturable` lets Adam's step be recorded in a CUDA graph (its step count then stays on the GPU);
    DeepMindRMSprop has no host-side state and is always capturable.
    """
    if name == "rmsprop":
        return DeepMindRMSprop(parameters, lr=lr)
    if name == "adam":
        return torch.optim.Adam(parameters, lr=lr, eps=1.5e-4, capturable=capturable)
    raise UserError(f"unknown optimizer {name!r}: choose 'rmsprop' or 'adam'")
