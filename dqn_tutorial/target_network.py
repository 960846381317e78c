"""The target network (Chapter 8): a frozen copy of the Q-network that the TD targets are computed with.

Mnih et al. 2015 (Methods): every C updates the online weights are copied into the target network,
which otherwise does not move, so the regression target stays still between syncs. The paper's table
says C = 10,000 "parameter updates"; DeepMind's code syncs every 10,000 agent steps (2,500 updates).
"""

from __future__ import annotations

import copy

import torch
from torch import nn

from dqn_tutorial.q_learning import td_targets


def make_target_network(online: nn.Module) -> nn.Module:
    """A deep copy that never receives gradients and stays in eval mode."""
    target = copy.deepcopy(online)
    for parameter in target.parameters():
        parameter.requires_grad_(False)
    return target.eval()


@torch.no_grad()
def sync_target_network(target: nn.Module, online: nn.Module) -> None:
    """Copy every parameter and buffer of the online network into the target, in place."""
    target.load_state_dict(online.state_dict())


def should_sync(step: int, sync_every: int) -> bool:
    """True on the agent steps where the target is refreshed (sync_every in agent steps)."""
    return sync_every > 0 and step % sync_every == 0


def td_targets_from_target(target: nn.Module, rewards: torch.Tensor, next_observations: torch.Tensor,
                           terminals: torch.Tensor, gamma: float) -> torch.Tensor:
    """y = r + gamma * (1 - terminal) * max_a' target(s')[a'], with no gradient (Chapter 8's grader uses it).

    The same computation as `update.dqn_loss` makes for its targets; without a target network (2013)
    the online network itself is passed as `target`, which is why no graph may be built through it.
    """
    with torch.no_grad():
        return td_targets(rewards, target(next_observations), terminals, gamma)
