"""Optimizers: RMSProp exactly as DeepMind's DQN ran it, and Adam, the common modern substitute (Chapter 7).

DeepMind's Lua code (NeuralQLearner) uses a *centred* RMSProp with the constant inside the square root:
    g  = 0.95 g  + 0.05 dw
    g2 = 0.95 g2 + 0.05 dw^2
    w -= lr * dw / sqrt(g2 - g^2 + 0.01)
torch.optim.RMSprop(centered=True) adds eps *outside* the square root, a different update, hence this class.

The scale of dw matters. DeepMind back-propagates the clipped TD errors of the 32 transitions without
dividing by the batch size, so dw is the SUM of their gradients, and 0.01 is sized for that scale. Our
losses are means (dw / B). Scaling the gradient by 1/B scales g by 1/B and g2 - g^2 by 1/B^2, so
    lr * (dw/B) / sqrt((g2 - g^2)/B^2 + 0.01/B^2) = lr * dw / sqrt(g2 - g^2 + 0.01):
a mean loss with the floor 0.01 / B^2 takes exactly DeepMind's step. With a mean loss and the floor
0.01, the floor dominates the divisor and the step is ~20x smaller (Chapter 7 measures it).
"""

from __future__ import annotations

import torch

from dqn_tutorial.errors import UserError

DEEPMIND_MIN_SQUARED_GRADIENT = 0.01  # Nature, Extended Data Table 1; sized for a SUMMED minibatch gradient


class DeepMindRMSprop(torch.optim.Optimizer):
    """Centred RMSProp with 'min squared gradient' inside the square root (Nature, Extended Data Table 1).

    `batch_size` is the number of transitions the loss *averages* over (1 for a summed loss, as in
    DeepMind's code): the floor inside the square root becomes 0.01 / batch_size^2, which makes the
    step on a mean loss exactly DeepMind's step on the summed one. It has no default, so no caller can
    silently take a step 20x too small.
    """

    def __init__(
        self,
        params,
        lr: float = 2.5e-4,
        *,
        batch_size: int,
        momentum: float = 0.95,
        min_squared_gradient: float = DEEPMIND_MIN_SQUARED_GRADIENT,
    ):
        if lr <= 0:
            raise UserError(f"learning rate must be positive, got {lr}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise UserError(
                f"batch_size must be the number of transitions the loss averages over "
                f"(a whole number >= 1; 1 for a summed loss), got {batch_size!r}"
            )
        self.batch_size = batch_size
        floor = min_squared_gradient / batch_size**2
        super().__init__(params, dict(lr=lr, momentum=momentum, min_squared_gradient=floor))

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
            torch._foreach_lerp_(grad_avg, grads, 1 - beta)  # g  = b g  + (1-b) grad
            torch._foreach_mul_(square_avg, beta)
            torch._foreach_addcmul_(square_avg, grads, grads, value=1 - beta)  # g2 = b g2 + (1-b) grad^2
            denominator = torch._foreach_mul(grad_avg, grad_avg)
            torch._foreach_sub_(denominator, square_avg)
            torch._foreach_neg_(denominator)  # g2 - g^2
            torch._foreach_add_(denominator, floor)
            torch._foreach_sqrt_(denominator)
            torch._foreach_addcdiv_(params, grads, denominator, value=-lr)
        return loss


def make_optimizer(
    name: str, parameters, lr: float, batch_size: int, capturable: bool = False, adam_epsilon: float = 1.5e-4
) -> torch.optim.Optimizer:
    """'rmsprop' (the paper's, as DeepMind ran it) or 'adam' (eps 1.5e-4 as in Rainbow/Dopamine by default).

    Our losses average over the minibatch, so RMSProp is told `batch_size` to take DeepMind's step
    (see the module docstring). Adam divides the gradient's mean by the root of its mean square, so a
    gradient scaled by 1/B gives the same step *as long as eps is small beside the gradient*: with a
    mean loss, early DQN gradients are 1e-5 to 1e-2 per weight, where eps = 1.5e-4 still shrinks the
    steps (about 3x on Breakout, Chapter 7); CleanRL keeps PyTorch's 1e-8. `capturable` lets Adam's
    step be recorded in a CUDA graph (its step count then stays on the GPU); DeepMindRMSprop has no
    host-side state and is always capturable.
    """
    if name == "rmsprop":
        return DeepMindRMSprop(parameters, lr=lr, batch_size=batch_size)
    if name == "adam":
        return torch.optim.Adam(parameters, lr=lr, eps=adam_epsilon, capturable=capturable)
    raise UserError(f"unknown optimizer {name!r}: choose 'rmsprop' or 'adam'")
