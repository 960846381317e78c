"""One DQN update (Chapters 7, 8, 11): sample -> TD targets -> loss -> one optimizer step.

Mnih et al. 2013, Algorithm 1 and Mnih et al. 2015, Algorithm 1: regress Q(s, a) towards
y = r + gamma * max_a' Q_target(s', a'), where Q_target is the frozen target network (2015) or the
online network itself as it is before this step (2013, "the parameters from the previous iteration").
The loss is passed in as a function of the TD errors (the engines pass `losses.LOSSES[config.loss]`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Callable

import numpy as np
import torch
from torch import nn

from dqn_tutorial.q_learning import q_values_of_actions
from dqn_tutorial.target_network import td_targets_from_target


@dataclass
class TensorBatch:
    observations: torch.Tensor
    actions: torch.Tensor
    rewards: torch.Tensor
    next_observations: torch.Tensor
    terminals: torch.Tensor

    def __getitem__(self, index) -> "TensorBatch":
        """The index-th of several minibatches stacked along a leading dimension (the fast engine's)."""
        return TensorBatch(*(getattr(self, field.name)[index] for field in fields(self)))


def batch_to_tensors(batch, device: torch.device | str) -> TensorBatch:
    """Move a replay-memory batch (numpy) to the device; frames stay uint8 until the network scales them."""

    def move(array: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(array)).to(device, non_blocking=True)

    return TensorBatch(
        move(batch.observations),
        move(batch.actions).long(),
        move(batch.rewards).float(),
        move(batch.next_observations),
        move(batch.terminals).float(),
    )


def dqn_loss(
    online: nn.Module, target: nn.Module, batch: TensorBatch, gamma: float, loss: Callable[[torch.Tensor], torch.Tensor]
) -> tuple[torch.Tensor, torch.Tensor]:
    """The loss of one minibatch, and its Q(s, a) detached (for logging).

    Chapter 7, Exercise 7.1. The targets y come from `target` without gradient (Chapter 8's
    `td_targets_from_target`; the 2013 agent passes the online network itself), Q(s, a) from `online`
    for the actions taken (Chapter 3's `q_values_of_actions`); `loss` is a function of the TD error
    y - Q(s, a) (`losses.mse_loss` in 2013, `losses.huber_loss` in 2015, Chapter 11), so the gradient
    reaches the online network through Q(s, a) only.
    """
    targets = td_targets_from_target(target, batch.rewards, batch.next_observations, batch.terminals, gamma)
    q_taken = q_values_of_actions(online(batch.observations), batch.actions)
    return loss(targets - q_taken), q_taken.detach()


def update_step(
    online: nn.Module,
    target: nn.Module | None,
    optimizer: torch.optim.Optimizer,
    batch: TensorBatch,
    gamma: float,
    loss: Callable[[torch.Tensor], torch.Tensor],
) -> tuple[torch.Tensor, torch.Tensor]:
    """One SGD step on the loss of `batch`; `target=None` means no target network (2013).

    Chapter 7, Exercise 7.2. Gradients are cleared first (PyTorch adds them up), then backward, then one
    optimizer step. Returns the loss and the mean Q(s, a), detached tensors on the device, so the
    caller decides when to synchronise with the host (reading them every step would stall a GPU).
    """
    value, q_taken = dqn_loss(online, online if target is None else target, batch, gamma, loss)
    optimizer.zero_grad(set_to_none=True)
    value.backward()
    optimizer.step()
    return value.detach(), q_taken.mean()


def clip_rewards(rewards: np.ndarray) -> np.ndarray:
    """The rewards the agent learns from: every value clipped to [-1, 1], as a new float32 array.

    Chapter 7, Exercise 7.3. Learning-only reward clipping (Mnih et al. 2013, §5; 2015, Methods) makes
    every score change a reward in [-1, 1], so one learning rate suits every game. The input (the real
    game score, still needed for logging and evaluation) is left untouched. DeepMind's code clips (a 0.5
    would stay 0.5); for Atari's whole-number scores this is the papers' sign(r). `dqn.store` calls
    this very function.
    """
    return np.clip(np.asarray(rewards, dtype=np.float32), -1.0, 1.0)
