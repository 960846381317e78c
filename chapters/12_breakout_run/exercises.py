"""Chapter 12, the full Breakout run: your answers to the exercises.

Write your code between `### YOUR CODE HERE` and `### END YOUR CODE`, replacing the
placeholder line that raises; leave the rest of the file as it is. Grade your work from the
repository root with `pytest -k ch12` (or `make grade CH=12`).
"""

from __future__ import annotations

import numpy as np
import torch

from dqn_tutorial.exploration import select_actions


def replay_memory_bytes(capacity: int, frame_shape: tuple[int, ...] = (84, 84)) -> int:
    """Exercise 12.1: bytes that a replay memory of `capacity` transitions needs, as a Python int.

    The memory of Chapter 5 stores, per transition (one agent step): ONE uint8 frame of shape
    `frame_shape` (the newest frame of the observation; stacks are rebuilt from neighbouring slots),
    the action as one uint8 byte, the clipped reward as one float32, and two one-byte flags (terminal,
    episode end). Nothing else. Assume capacity >= 1 and a non-empty frame_shape of positive integers.
    """
    ### YOUR CODE HERE
    # Bytes of one frame = the product of frame_shape (uint8: 1 byte per pixel); add the bytes of
    # the action, the reward and the two flags, then multiply by the number of transitions.
    raise NotImplementedError("Exercise 12.1: write replay_memory_bytes")
    ### END YOUR CODE


def play_evaluation_game(network: torch.nn.Module, env, seed: int, epsilon: float,
                         rng: np.random.Generator) -> tuple[float, int]:
    """Exercise 12.2: play ONE whole evaluation game and return (score, agent_steps).

    `env` is an evaluation environment (dqn_tutorial.environment.make_env(config, evaluation=True)):
    its rewards are the real game points (not clipped), losing a life does not end the game, and it
    truncates the game at the 5-minute cap. Reset it once with `env.reset(seed=seed)`. Then, until the
    step reports `terminated` or `truncated`: choose the action with
    `select_actions(network, observation[None], epsilon, rng)[0]` (Chapter 6, imported above; draw
    every random number from `rng`, in this order), pass it to `env.step` as an int, and add up the
    rewards. Return the score as a float and the number of agent steps taken as an int (agent steps,
    not emulator frames). Do not modify the network.
    """
    ### YOUR CODE HERE
    # Reset once with the seed, then loop: choose an action, step, add the reward, count the step,
    # and stop when the game is over OR the 5-minute cap truncated it.
    raise NotImplementedError("Exercise 12.2: write play_evaluation_game")
    ### END YOUR CODE


def find_silent_bug() -> str:
    """Exercise 12.3: the name of the one wrong function in chapters/12_breakout_run/silent_bug/buggy_train.py.

    Return the name exactly as it is written after `def` in that file (for a method, "Class.method"),
    as a string, e.g. "make_env". The script is not imported by the grader's check of your answer.
    """
    ### YOUR CODE HERE
    # Run the script, look at its curve and at mean Q(s, a); then check its functions one by one
    # against dqn_tutorial and against what gymnasium documents. Return the guilty function's name.
    raise NotImplementedError("Exercise 12.3: write find_silent_bug")
    ### END YOUR CODE
