"""Chapter 1, Atari: your answers to the exercises.

Write your code between `### YOUR CODE HERE` and `### END YOUR CODE`, replacing the
placeholder line that raises; leave the rest of the file as it is. Grade your work from the
repository root with `pytest -k ch01` (or `make grade CH=01`).
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np


def lost_a_life(previous_info: dict, info: dict) -> bool:
    """Exercise 1.1: did the agent lose a life between two consecutive steps?

    `previous_info` and `info` are the `info` dicts of two consecutive calls (reset or step) of an
    Atari environment, any game; both hold the number of lives left under "lives" (other keys too).
    Return True if a life was lost between them, False otherwise; a new game after a reset (the
    count goes back up, to however many lives that game starts with) is not a lost life.
    Returns a Python bool. Both dicts are left unchanged.
    """
    ### BEGIN SOLUTION
    return bool(info["lives"] < previous_info["lives"])
    ### END SOLUTION


def play_random_game(env: gym.Env, rng: np.random.Generator) -> tuple[float, int]:
    """Exercise 1.2: play one whole game with uniformly random actions; return (score, agent_steps).

    The caller has seeded `env`: the game starts with a reset without a seed, and lasts until a step
    reports terminated or truncated (not one step more). The action of each step is
    `int(rng.integers(env.action_space.n))`: exactly one such draw from `rng` per step, and no other
    source of randomness. Returns a tuple (score, agent_steps): score, a Python float, is the sum of
    the rewards the steps returned (unclipped); agent_steps, a Python int, is the number of calls to
    `env.step`.
    """
    ### BEGIN SOLUTION
    env.reset()
    score = 0.0
    steps = 0
    done = False
    while not done:
        action = int(rng.integers(env.action_space.n))
        _, reward, terminated, truncated, _ = env.step(action)
        score += reward
        steps += 1
        done = terminated or truncated
    return float(score), steps
    ### END SOLUTION


def summarize_scores(scores: list[float]) -> tuple[float, float, float]:
    """Exercise 1.3: (mean, standard deviation, standard error of the mean) of game scores.

    `scores` is a list or a 1-D numpy array (any integer or float dtype) of at least 2 scores, which
    may be large (a million points) or all equal. The standard deviation is the sample standard
    deviation, s = sqrt(sum((x - mean)²) / (n - 1)), and the standard error of the mean is s / sqrt(n).
    Returns a tuple of three Python floats, accurate to about 1e-9 relative. `scores` is left unchanged.
    """
    ### BEGIN SOLUTION
    values = np.asarray(scores, dtype=np.float64)
    n = len(values)
    mean = values.mean()
    std = np.sqrt(((values - mean) ** 2).sum() / (n - 1))
    return float(mean), float(std), float(std / np.sqrt(n))
    ### END SOLUTION
