"""Chapter 8, the target network: your answers to the exercises.

Write your code between `### YOUR CODE HERE` and `### END YOUR CODE`, replacing the
placeholder line that raises; leave the rest of the file as it is. Grade your work from the
repository root with `pytest -k ch08` (or `make grade CH=08`).
"""

from __future__ import annotations

import copy

import torch
from torch import nn

from dqn_tutorial import q_learning


def make_target_network(online: nn.Module) -> nn.Module:
    """Exercise 8.1: a frozen copy of `online`, to compute the TD targets with.

    Return a new network with the same architecture and the same weights as `online` (so the same
    outputs), whose parameters are tensors of its own (changing `online` afterwards must not change the
    copy) and never receive gradients (requires_grad is False for every parameter of the copy).
    `online` itself is left exactly as it was: it keeps learning.
    """
    ### YOUR CODE HERE
    # copy.deepcopy copies the module with tensors of its own; then turn off requires_grad
    # on each parameter of the copy (not of `online`).
    raise NotImplementedError("Exercise 8.1: write make_target_network")
    ### END YOUR CODE


def td_targets_from_target(target: nn.Module, rewards: torch.Tensor, next_observations: torch.Tensor,
                           terminals: torch.Tensor, gamma: float) -> torch.Tensor:
    """Exercise 8.2: the TD targets y = r + gamma * (1 - terminal) * max_a' target(s')[a'] of a batch.

    rewards: float32 (B,); next_observations: (B, ...) as the network takes them (uint8 frame stacks for
    Atari); terminals: float32 (B,), 1.0 where the transition ended the episode (no bootstrapping);
    gamma: the discount. Returns a float32 tensor (B,) that carries no gradient (requires_grad False),
    whatever `target` is: without a target network (2013), the online network itself is passed here.
    Run `target` on the next observations without gradients, and apply Chapter 3's formula with
    `q_learning.td_targets(rewards, next_q_values, terminals, gamma)` (the package's; `dqn-tutorial
    train --impl chapters` runs yours). Chapter 7's `dqn_loss` computes its targets with this function.
    """
    ### YOUR CODE HERE
    # Inside `with torch.no_grad():` run the target network on next_observations, then pass its
    # Q-values to q_learning.td_targets (the max over actions and the terminal mask).
    raise NotImplementedError("Exercise 8.2: write td_targets_from_target")
    ### END YOUR CODE


def sync_target(target: nn.Module, online: nn.Module) -> None:
    """Exercise 8.3: copy every weight and bias of `online` into `target`, in place.

    Afterwards `target` (the same object the caller holds) computes exactly what `online` computes.
    Its parameters stay tensors of its own (a later update of `online` must not move them) and still
    do not require gradients. `online` is not changed. Returns None.
    """
    ### YOUR CODE HERE
    # A module's state_dict() holds all its tensors; load_state_dict copies them into the
    # existing tensors of another module of the same architecture.
    raise NotImplementedError("Exercise 8.3: write sync_target")
    ### END YOUR CODE


def is_sync_step(step: int, sync_every: int) -> bool:
    """Exercise 8.4: whether the target network is refreshed after agent step `step`.

    step: the number of agent steps taken so far (1 after the first step; one agent step = 4 emulator
    frames with action repeat 4); assume step >= 1. sync_every: the period C in agent steps (10,000 in DeepMind's code);
    0 means never. Returns True when step is a multiple of sync_every, as a bool.
    """
    ### YOUR CODE HERE
    # The remainder operator % tells whether step is a multiple; handle sync_every == 0 first.
    raise NotImplementedError("Exercise 8.4: write is_sync_step")
    ### END YOUR CODE
