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
            for param in group["params"]:
                if param.grad is None:
                    continue
                state = self.state[param]
                if not state:
                    state["grad_avg"] = torch.zeros_like(param)
                    state["square_avg"] = torch.zeros_like(param)
                grad_avg, square_avg = state["grad_avg"], state["square_avg"]
                grad_avg.mul_(beta).add_(param.grad, alpha=1 - beta)
                square_avg.mul_(beta).addcmul_(param.grad, param.grad, value=1 - beta)
                denominator = (square_avg - grad_avg * grad_avg + floor).sqrt_()
                param.addcdiv_(param.grad, denominator, value=-lr)
        return loss


def make_optimizer(name: str, parameters, lr: float) -> torch.optim.Optimizer:
    """'rmsprop' (the paper's, as DeepMind ran it) or 'adam' (eps = 1.5e-4 as in Rainbow/Dopamine)."""
    if name == "rmsprop":
        return DeepMindRMSprop(parameters, lr=lr)
    if name == "adam":
        return torch.optim.Adam(parameters, lr=lr, eps=1.5e-4)
    raise UserError(f"unknown optimizer {name!r}: choose 'rmsprop' or 'adam'")
