"""One DQN update (Chapters 7, 8, 11): sample -> TD targets -> loss -> one optimizer step.

Mnih et al. 2013, Algorithm 1 and Mnih et al. 2015, Algorithm 1: regress Q(s, a) towards
y = r + gamma * max_a' Q_target(s', a'), where Q_target is the frozen target network (2015) or the
online network itself as it is before this step (2013, "the parameters from the previous iteration").
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import torch
from torch import nn

from dqn_tutorial.losses import LOSSES
from dqn_tutorial.q_learning import q_values_of_actions, td_errors, td_targets


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
    return TensorBatch(move(batch.observations), move(batch.actions).long(), move(batch.rewards).float(),
                       move(batch.next_observations), move(batch.terminals).float())


def dqn_loss(online: nn.Module, target: nn.Module, batch: TensorBatch, gamma: float, loss: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The loss of one minibatch and its Q(s, a) values (for logging)."""
    with torch.no_grad():
        targets = td_targets(batch.rewards, target(batch.next_observations), batch.terminals, gamma)
    q_taken = q_values_of_actions(online(batch.observations), batch.actions)
    return LOSSES[loss](td_errors(q_taken, targets)), q_taken.detach()


def update_step(online: nn.Module, target: nn.Module | None, optimizer: torch.optim.Optimizer,
                batch: TensorBatch, gamma: float, loss: str) -> tuple[torch.Tensor, torch.Tensor]:
    """One SGD step; `target=None` means no target network (2013): targets from the online network.

    Returns the loss and the mean Q(s, a) as tensors on the device, so the caller decides when to
    synchronise with the host (reading them every step would stall a GPU).
    """
    value, q_taken = dqn_loss(online, online if target is None else target, batch, gamma, loss)
    optimizer.zero_grad(set_to_none=True)
    value.backward()
    optimizer.step()
    return value.detach(), q_taken.mean()


def clip_rewards(rewards) -> np.ndarray:
    """Learning-only reward clipping (Mnih et al. 2013, §5; 2015, Methods): every score change becomes
    a reward in [-1, 1], so one learning rate suits every game. Returns a new float32 array; the input
    (the real game score, still needed for logging and evaluation) is left untouched. DeepMind's code
    clips (a 0.5 would stay 0.5); for Atari's whole-number scores this is the papers' sign(r).
    `Trainer.store` calls this very function."""
    return np.clip(np.asarray(rewards, dtype=np.float32), -1.0, 1.0)


def should_update(step: int, learning_starts: int, update_every: int) -> bool:
    """Whether the agent makes an SGD update right after its agent step number `step` (1 = the first).

    No update during the first `learning_starts` steps of random play; then one every `update_every`
    steps (2013: 1, every step; 2015: 4), the first at step learning_starts + update_every. This is
    the single-emulator case of the training loop's count `(step - learning_starts) // update_every`.
    """
    return step > learning_starts and (step - learning_starts) % update_every == 0
