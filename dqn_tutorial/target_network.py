"""The target network (Chapter 8): a frozen copy of the Q-network that the TD targets are computed with.

Mnih et al. 2015 (Methods): every C updates the online weights are copied into the target network,
which otherwise does not move, so the regression target stays still between syncs. The paper's table
says C = 10,000 "parameter updates"; DeepMind's code syncs every 10,000 agent steps (2,500 updates).
When to sync is `schedules.is_sync_step` (Exercise 8.4).
"""

from __future__ import annotations

import copy

import torch
from torch import nn

from dqn_tutorial.q_learning import td_targets


def make_target_network(online: nn.Module) -> nn.Module:
    """A deep copy of `online` whose parameters never receive gradients (Chapter 8, Exercise 8.1).

    Tensors of its own, so that training the online network does not move it; requires_grad False, so
    that no gradient can reach it. `online` is left as it is: it keeps learning.
    """
    target = copy.deepcopy(online)
    for parameter in target.parameters():
        parameter.requires_grad_(False)
    return target


def td_targets_from_target(
    target: nn.Module, rewards: torch.Tensor, next_observations: torch.Tensor, terminals: torch.Tensor, gamma: float
) -> torch.Tensor:
    """y = r + gamma * (1 - terminal) * max_a' target(s')[a'], with no gradient (Chapter 8, Exercise 8.2).

    `update.dqn_loss` computes its targets with this function. Without a target network (2013) the
    online network itself is passed as `target`, which is why no graph may be built through it: the
    network runs under torch.no_grad(), and Chapter 3's `td_targets` applies the formula.
    """
    with torch.no_grad():
        return td_targets(rewards, target(next_observations), terminals, gamma)


@torch.no_grad()
def sync_target(target: nn.Module, online: nn.Module) -> None:
    """Copy every parameter and buffer of the online network into the target, in place (Chapter 8, Exercise 8.3).

    The values are copied into the target's own tensors (load_state_dict), so the target stays frozen
    and does not follow the online network after the sync.
    """
    target.load_state_dict(online.state_dict())
