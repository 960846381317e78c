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
    ### BEGIN SOLUTION
    fraction = min(step / duration, 1.0)
    return start + fraction * (end - start)
    ### END SOLUTION


def epsilon_greedy(q_values: np.ndarray, epsilon: float, rng: np.random.Generator) -> np.ndarray:
    """Exercise 6.2: one epsilon-greedy action for each row of `q_values` (shape (batch, num_actions)).

    For each row, independently: with probability `epsilon` pick an action uniformly at random among
    all num_actions actions (the greedy one included); otherwise pick the greedy action, the index of
    the row's largest Q-value. Draw every random number from `rng`. Returns an integer array (batch,).
    """
    ### BEGIN SOLUTION
    batch_size, num_actions = q_values.shape
    greedy_actions = q_values.argmax(axis=1)
    random_actions = rng.integers(0, num_actions, size=batch_size)
    explore = rng.random(batch_size) < epsilon
    return np.where(explore, random_actions, greedy_actions)
    ### END SOLUTION


def greedy_action(network: torch.nn.Module, observation: np.ndarray) -> int:
    """Exercise 6.3: the action with the largest Q-value for one observation, as a Python int.

    `observation` is a single observation as the environment returns it (for Breakout, a uint8 array
    (4, 84, 84)); the network expects a batch. Acting is not learning: compute no gradients.
    """
    ### BEGIN SOLUTION
    device = next(network.parameters()).device
    batch = torch.as_tensor(observation, device=device).unsqueeze(0)
    with torch.no_grad():
        q_values = network(batch)
    return int(q_values[0].argmax().item())
    ### END SOLUTION
