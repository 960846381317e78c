"""Chapter 6, exploration: your answers to the exercises.

Write your code between `### YOUR CODE HERE` and `### END YOUR CODE`, replacing the
placeholder line that raises; leave the rest of the file as it is. Grade your work from the
repository root with `pytest -k ch06` (or `make grade CH=06`).
"""

from __future__ import annotations

import numpy as np
import torch


def linear_epsilon(step: int, start: float = 1.0, end: float = 0.1, duration: int = 1_000_000) -> float:
    """Exercise 6.1: epsilon after `step` agent steps of annealing.

    Epsilon falls in a straight line from `start` (at step 0) to `end` (at step `duration`), then stays
    at `end` forever: from step `duration` on, the result is exactly `end` (in floating point,
    start + (end - start) is not always end). Assume step >= 0 and duration >= 1. Returns a Python
    float (not a numpy scalar), also when `start` and `end` are given as ints.
    """
    ### BEGIN SOLUTION
    if step >= duration:
        return float(end)
    fraction = step / duration
    return start + fraction * (end - start)
    ### END SOLUTION


def epsilon_greedy(q_values: np.ndarray, epsilon: float, rng: np.random.Generator) -> np.ndarray:
    """Exercise 6.2: one epsilon-greedy action for each row of `q_values` (shape (batch, num_actions)).

    For each row, independently: with probability `epsilon` pick an action uniformly at random among
    all num_actions actions (the greedy one included); otherwise pick the greedy action, the index of
    the row's largest Q-value. Returns an int64 array (batch,); `q_values` is left unchanged.

    Draw every random number from `rng` (never from np.random.*, the random module or a generator of
    your own), in this order, whatever epsilon is: first the random actions of all rows
    (rng.integers(0, num_actions, size=batch_size)), then one number per row (rng.random(batch_size)),
    a row exploring when its number is below epsilon; nothing else. A seed then gives the reference's
    actions exactly, and a training run with your function can equal the reference's. With
    epsilon >= 1 every row explores, so the Q-values must not matter (the agent passes zeros then).
    """
    ### BEGIN SOLUTION
    batch_size, num_actions = q_values.shape
    greedy_actions = q_values.argmax(axis=1)
    random_actions = rng.integers(0, num_actions, size=batch_size)
    explore = rng.random(batch_size) < epsilon
    return np.where(explore, random_actions, greedy_actions)
    ### END SOLUTION


def q_values(network: torch.nn.Module, observations) -> np.ndarray:
    """Exercise 6.3: the network's Q-values for a batch of observations, as a numpy array (batch, actions).

    `observations` is a batch as the environments give it: a numpy array or a torch tensor, uint8 frame
    stacks (batch, 4, 84, 84) for Atari or float32 vectors (batch, features); it is already a batch, so
    add no dimension, and the frames are not rescaled here (the networks do it). The network runs ONCE
    on the whole batch, on the device its parameters are on (which need not be the CPU, nor the GPU
    when there is one), without gradients (acting is not learning). Returns a float32 numpy array on
    the CPU, one row per observation. Leaves `observations` and the network as they were (weights and
    train/eval mode), and two identical calls give identical values.
    """
    ### BEGIN SOLUTION
    device = next(network.parameters()).device
    batch = torch.as_tensor(observations, device=device)
    with torch.no_grad():
        return network(batch).float().cpu().numpy()
    ### END SOLUTION
