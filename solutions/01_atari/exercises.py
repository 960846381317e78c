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
    Atari environment; both hold the number of lives left under "lives". Return True if the number of
    lives went down, False otherwise (in particular when it went up: that is a new game after a reset).
    Return a Python bool.
    """
    ### BEGIN SOLUTION
    return bool(info["lives"] < previous_info["lives"])
    ### END SOLUTION


def play_random_game(env: gym.Env, rng: np.random.Generator) -> tuple[float, int]:
    """Exercise 1.2: play one whole game with uniformly random actions; return (score, agent_steps).

    Start the game with a plain `env.reset()` (no seed: the caller has seeded the environment). Then,
    until `step` says terminated or truncated, choose an action with
    `int(rng.integers(env.action_space.n))` (one draw per step, nothing else drawn from `rng`) and step.
    Return the score (the sum of all rewards, as a float) and the number of calls to `env.step` (an int).
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

    `scores` is a list (or 1-D array) of at least 2 numbers. The standard deviation is the sample
    standard deviation (divide by n - 1), and the standard error of the mean is std / sqrt(n).
    Return a tuple of three floats.
    """
    ### BEGIN SOLUTION
    values = np.asarray(scores, dtype=np.float64)
    n = len(values)
    mean = values.mean()
    std = np.sqrt(((values - mean) ** 2).sum() / (n - 1))
    return float(mean), float(std), float(std / np.sqrt(n))
    ### END SOLUTION
