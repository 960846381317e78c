"""Chapter 7, the 2013 DQN assembled: your answers to the exercises.

Write your code between `### YOUR CODE HERE` and `### END YOUR CODE`, replacing the
placeholder line that raises; leave the rest of the file as it is. Grade your work from the
repository root with `pytest -k ch07` (or `make grade CH=07`).
"""

from __future__ import annotations

import numpy as np
import torch

from dqn_tutorial.update import TensorBatch


def compute_dqn_loss(network: torch.nn.Module, batch: TensorBatch, gamma: float) -> torch.Tensor:
    """Exercise 7.1: the 2013 DQN loss of one minibatch, with targets from the network itself.

    `batch` holds B transitions as tensors: observations and next_observations (B, ...) as the
    environment gives them (uint8 frame stacks for Atari; the network scales them itself), actions
    int64 (B,), rewards float32 (B,) (already clipped), terminals float32 (B,) with 1.0 where the
    transition ended the (learning) episode.

    For each transition: y = r if terminal, else r + gamma * max_a' Q(s', a'), with Q(s', .) computed
    by the same `network` without gradients (2013: no target network). Return the mean over the batch
    of 0.5 * (y - Q(s, a))^2, Q(s, a) being the value of the action actually taken, as a scalar
    tensor that gradients flow back from (into Q(s, a) only). Do not call backward.
    """
    ### BEGIN SOLUTION
    with torch.no_grad():
        next_q_values = network(batch.next_observations)
        best_next = next_q_values.max(dim=1).values
        targets = batch.rewards + gamma * (1.0 - batch.terminals) * best_next
    q_values = network(batch.observations)
    q_taken = q_values.gather(1, batch.actions.unsqueeze(1)).squeeze(1)
    td_error = targets - q_taken
    return (0.5 * td_error ** 2).mean()
    ### END SOLUTION


def dqn_update_step(network: torch.nn.Module, optimizer: torch.optim.Optimizer, batch: TensorBatch,
                    gamma: float) -> float:
    """Exercise 7.2: one 2013 DQN update: the loss of `batch` (your `compute_dqn_loss`), its gradients
    with respect to the network's parameters, and one step of `optimizer` (which holds those
    parameters). Gradients left over from an earlier update must not leak into this one.
    Returns the loss before the step, as a Python float.
    """
    ### BEGIN SOLUTION
    loss = compute_dqn_loss(network, batch, gamma)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item()
    ### END SOLUTION


def clip_reward(rewards: np.ndarray) -> np.ndarray:
    """Exercise 7.3: the reward the agent learns from, for an array of game rewards (any shape).

    Clip every value to [-1, 1]: larger rewards become 1, smaller ones -1, values already inside stay
    as they are (0.5 stays 0.5). Return a new float32 array of the same shape and leave `rewards`
    unchanged: the real score is still needed to measure how well the agent plays.
    """
    ### BEGIN SOLUTION
    clipped = np.clip(rewards, -1.0, 1.0)
    return clipped.astype(np.float32)
    ### END SOLUTION


def should_update(step: int, learning_starts: int, update_every: int) -> bool:
    """Exercise 7.4: whether the agent makes an SGD update right after agent step number `step`.

    `step` counts the agent steps taken so far, this one included (1 after the first action). No
    update during the first `learning_starts` steps (random play that fills the replay memory); after
    that, one update every `update_every` agent steps, the first one at step
    learning_starts + update_every. Returns a bool.
    """
    ### BEGIN SOLUTION
    if step <= learning_starts:
        return False
    return (step - learning_starts) % update_every == 0
    ### END SOLUTION
