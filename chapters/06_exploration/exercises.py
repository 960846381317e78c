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
    at `end` forever. Assume step >= 0 and duration >= 1. Returns a float.
    """
    ### YOUR CODE HERE
    # The fraction of the annealing done so far is step / duration, but never more than 1.
    raise NotImplementedError("Exercise 6.1: write linear_epsilon")
    ### END YOUR CODE


def epsilon_greedy(q_values: np.ndarray, epsilon: float, rng: np.random.Generator) -> np.ndarray:
    """Exercise 6.2: one epsilon-greedy action for each row of `q_values` (shape (batch, num_actions)).

    For each row, independently: with probability `epsilon` pick an action uniformly at random among
    all num_actions actions (the greedy one included); otherwise pick the greedy action, the index of
    the row's largest Q-value. Draw every random number from `rng`. Returns an integer array (batch,).
    """
    ### YOUR CODE HERE
    # Compute, for every row at once: the greedy actions (argmax), random actions (rng.integers),
    # and a coin per row (rng.random(batch_size) < epsilon); np.where picks between them.
    raise NotImplementedError("Exercise 6.2: write epsilon_greedy")
    ### END YOUR CODE


def greedy_action(network: torch.nn.Module, observation: np.ndarray) -> int:
    """Exercise 6.3: the action with the largest Q-value for one observation, as a Python int.

    `observation` is a single observation as the environment returns it (for Breakout, a uint8 array
    (4, 84, 84)); the network expects a batch. Acting is not learning: compute no gradients.
    """
    ### YOUR CODE HERE
    # torch.as_tensor, then .unsqueeze(0) for a batch of one; run the network inside
    # `with torch.no_grad():`; .argmax() and .item() give a plain int.
    raise NotImplementedError("Exercise 6.3: write greedy_action")
    ### END YOUR CODE
