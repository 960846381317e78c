"""Chapter 7, the 2013 DQN assembled: your answers to the exercises.

Write your code between `### YOUR CODE HERE` and `### END YOUR CODE`, replacing the
placeholder line that raises; leave the rest of the file as it is. Grade your work from the
repository root with `pytest -k ch07` (or `make grade CH=07`).
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch
from torch import nn

from dqn_tutorial import q_learning, target_network
from dqn_tutorial.update import TensorBatch


def dqn_loss(
    online: nn.Module, target: nn.Module, batch: TensorBatch, gamma: float, loss: Callable[[torch.Tensor], torch.Tensor]
) -> tuple[torch.Tensor, torch.Tensor]:
    """Exercise 7.1: the DQN loss of one minibatch, and the Q(s, a) of its transitions.

    `batch` holds B transitions as tensors on the networks' device: observations and next_observations
    (B, ...) as the environment gives them (uint8 frame stacks for Atari; the networks scale them
    themselves), actions int64 (B,), rewards float32 (B,), terminals float32 (B,) with 1.0 where the
    transition ended the (learning) episode. `loss` is a function of the B TD errors that returns a
    scalar tensor: dqn_tutorial.losses.mse_loss, the mean of 0.5 * delta ** 2 (2013), or huber_loss
    (Chapter 11). It receives the TD errors y - Q(s, a), in that order, as they are: `loss` is the
    only place where errors are clipped.

    The targets y = r + gamma * (1 - terminal) * max_a' target(s')[a'] are labels: they carry no
    gradient, and no graph is built through `target`. They are what Chapter 8's
    `target_network.td_targets_from_target` computes (the package's here; `dqn-tutorial train --impl
    chapters` runs yours). The 2013 agent has no target network: it passes the online network itself
    as `target`. Q(s, a) is the online network's value of the action taken in each row (Chapter 3's
    `q_learning.q_values_of_actions`). Each network runs once, on the whole batch: `target` on the next
    observations, `online` on the observations.

    Returns (the loss, a scalar tensor whose gradient reaches the online network through Q(s, a) only;
    Q(s, a), a tensor (B,) detached from the graph, for the agent's logs), on the inputs' device.
    Does not call backward, and leaves the batch and both networks (weights, train/eval mode) as they
    were.
    """
    ### YOUR CODE HERE
    # Write your code here: the docstring is the contract; stuck? The chapter has two hints.
    raise NotImplementedError("Exercise 7.1: write dqn_loss")
    ### END YOUR CODE


def update_step(
    online: nn.Module,
    target: nn.Module | None,
    optimizer: torch.optim.Optimizer,
    batch: TensorBatch,
    gamma: float,
    loss: Callable[[torch.Tensor], torch.Tensor],
) -> tuple[torch.Tensor, torch.Tensor]:
    """Exercise 7.2: one DQN update on `batch`.

    The loss of `batch` (your `dqn_loss`, with the targets from `target`, or from `online` itself when
    `target` is None: the 2013 agent has no target network), its gradients with respect to the online
    network's parameters, and one step of `optimizer` (which holds those parameters) on exactly those
    gradients: nothing is clipped or rescaled (the loss function is the only place where errors are
    clipped). Gradients left over from an earlier update must not leak into this one, and none may
    reach the target network. The batch and the networks' train/eval modes are left as they were.

    Returns (the loss before the step, the mean of Q(s, a) over the batch), both as tensors without
    gradient, left on their device: the caller decides when to read them (reading a GPU tensor makes
    the CPU wait for the GPU, so the agent does it only for its logs).
    """
    ### YOUR CODE HERE
    # Write your code here: the docstring is the contract; stuck? The chapter has two hints.
    raise NotImplementedError("Exercise 7.2: write update_step")
    ### END YOUR CODE


def clip_rewards(rewards: np.ndarray) -> np.ndarray:
    """Exercise 7.3: the rewards the agent learns from, for an array of game rewards (any shape).

    Clip every value to [-1, 1]: larger rewards become 1, smaller ones -1, values already inside stay
    as they are (0.5 stays 0.5). `rewards` may have any numeric dtype (integer game points, float64,
    float32). Returns a new float32 array of the same shape, with the values of the rewards converted
    to float32 and then clipped. `rewards` is left unchanged: the real score is still needed to measure
    how well the agent plays.
    """
    ### YOUR CODE HERE
    # Write your code here: the docstring is the contract; stuck? The chapter has two hints.
    raise NotImplementedError("Exercise 7.3: write clip_rewards")
    ### END YOUR CODE


def should_update(step: int, learning_starts: int, update_every: int) -> bool:
    """Exercise 7.4: whether the agent makes an SGD update right after agent step number `step`.

    `step` counts the agent steps taken so far, this one included (1 after the first action). No
    update during the first `learning_starts` steps (random play that fills the replay memory); after
    that, one update every `update_every` agent steps, the first one at step
    learning_starts + update_every. Returns a Python bool (True or False, never 0 or 1), whatever the
    step.
    """
    ### YOUR CODE HERE
    # Write your code here: the docstring is the contract; stuck? The chapter has two hints.
    raise NotImplementedError("Exercise 7.4: write should_update")
    ### END YOUR CODE
