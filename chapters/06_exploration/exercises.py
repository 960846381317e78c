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
    at `end` forever: from step `duration` on, return exactly `end` (in floating point,
    start + (end - start) is not always end). Assume step >= 0 and duration >= 1. Returns a float.
    """
    ### YOUR CODE HERE
    # The fraction of the annealing done so far is step / duration; from step == duration on,
    # return `end` itself.
    raise NotImplementedError("Exercise 6.1: write linear_epsilon")
    ### END YOUR CODE


def epsilon_greedy(q_values: np.ndarray, epsilon: float, rng: np.random.Generator) -> np.ndarray:
    """Exercise 6.2: one epsilon-greedy action for each row of `q_values` (shape (batch, num_actions)).

    For each row, independently: with probability `epsilon` pick an action uniformly at random among
    all num_actions actions (the greedy one included); otherwise pick the greedy action, the index of
    the row's largest Q-value. Returns an integer array (batch,).

    Draw every random number from `rng`, in this order, whatever epsilon is: first the random actions
    of all rows (rng.integers(0, num_actions, size=batch_size)), then one number per row
    (rng.random(batch_size)), a row exploring when its number is below epsilon. A seed then gives the
    reference's actions exactly, and a training run with your function can equal the reference's. With
    epsilon >= 1 every row explores, so the Q-values must not matter (the agent passes zeros then).
    """
    ### YOUR CODE HERE
    # Compute, for every row at once: the greedy actions (argmax), random actions (rng.integers),
    # and a coin per row (rng.random(batch_size) < epsilon); np.where picks between them.
    raise NotImplementedError("Exercise 6.2: write epsilon_greedy")
    ### END YOUR CODE


def q_values(network: torch.nn.Module, observations) -> np.ndarray:
    """Exercise 6.3: the network's Q-values for a batch of observations, as a numpy array (batch, actions).

    `observations` is a batch as the environments give it: a numpy array or a torch tensor, uint8 frame
    stacks (batch, 4, 84, 84) for Atari or float32 vectors (batch, features); it is already a batch, so
    add no dimension. Run the network ONCE on the whole batch, on the device its parameters are on
    (move the observations there; do not rescale frames: the networks do it), without gradients
    (acting is not learning). Return a float32 numpy array on the CPU, one row per observation; leave
    `observations` unchanged.
    """
    ### YOUR CODE HERE
    # torch.as_tensor(observations, device=...) takes numpy arrays and tensors alike; the device is
    # that of next(network.parameters()). One forward pass inside `with torch.no_grad():`, then
    # .float(), .cpu() and .numpy().
    raise NotImplementedError("Exercise 6.3: write q_values")
    ### END YOUR CODE
