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

    Returns a new network with the same architecture and the same weights as `online` (so the same
    outputs), whose parameters and buffers are tensors of its own (changing `online` afterwards must not
    change the copy) and whose parameters never receive gradients (requires_grad is False for every
    parameter of the copy). `online` itself is left exactly as it was (weights, requires_grad,
    train/eval mode): it keeps learning.
    """
    ### YOUR CODE HERE
    # Write your code here: the docstring is the contract; stuck? The chapter has two hints.
    raise NotImplementedError("Exercise 8.1: write make_target_network")
    ### END YOUR CODE


def td_targets_from_target(
    target: nn.Module, rewards: torch.Tensor, next_observations: torch.Tensor, terminals: torch.Tensor, gamma: float
) -> torch.Tensor:
    """Exercise 8.2: the TD targets y = r + gamma * (1 - terminal) * max_a' target(s')[a'] of a batch.

    rewards: float32 (B,); next_observations: (B, ...) as the network takes them (uint8 frame stacks for
    Atari); terminals: float32 (B,), 1.0 where the transition ended the episode (no bootstrapping);
    gamma: the discount; every tensor on the network's device. Returns a float32 tensor (B,) on that
    device that carries no gradient (requires_grad False), whatever `target` is: without a target
    network (2013), the online network itself is passed here, so no graph may be built through it.
    `target` runs once, on the whole batch. The formula is Chapter 3's `q_learning.td_targets` (the
    package's; `dqn-tutorial train --impl chapters` runs yours). The inputs and the network (weights,
    train/eval mode) are left as they were. Chapter 7's `dqn_loss` computes its targets with this
    function.
    """
    ### YOUR CODE HERE
    # Write your code here: the docstring is the contract; stuck? The chapter has two hints.
    raise NotImplementedError("Exercise 8.2: write td_targets_from_target")
    ### END YOUR CODE


def sync_target(target: nn.Module, online: nn.Module) -> None:
    """Exercise 8.3: copy every weight and bias (and buffer) of `online` into `target`, in place.

    Afterwards `target` (the same object the caller holds) computes exactly what `online` computes.
    In place: the values land in the tensors `target` already has, at the same memory addresses (a
    recorded CUDA graph reads them there), so its parameters stay tensors of its own (a later update of
    `online` must not move them) and still do not require gradients. `online` is not changed, and
    neither network changes train/eval mode. Returns None.
    """
    ### YOUR CODE HERE
    # Write your code here: the docstring is the contract; stuck? The chapter has two hints.
    raise NotImplementedError("Exercise 8.3: write sync_target")
    ### END YOUR CODE


def is_sync_step(step: int, sync_every: int) -> bool:
    """Exercise 8.4: whether the target network is refreshed after agent step `step`.

    step: the number of agent steps taken so far (1 after the first step; one agent step = 4 emulator
    frames with action repeat 4); assume step >= 1. sync_every: the period C in agent steps (10,000 in
    DeepMind's code); 0 means never. Returns True when step is a multiple of sync_every, else False, as
    a Python bool in every case (also for sync_every == 0).
    """
    ### YOUR CODE HERE
    # Write your code here: the docstring is the contract; stuck? The chapter has two hints.
    raise NotImplementedError("Exercise 8.4: write is_sync_step")
    ### END YOUR CODE
