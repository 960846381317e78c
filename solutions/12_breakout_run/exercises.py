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
    ### BEGIN SOLUTION
    frame_bytes = 1
    for size in frame_shape:
        frame_bytes *= size
    action_bytes, reward_bytes, flag_bytes = 1, 4, 2
    return int(capacity * (frame_bytes + action_bytes + reward_bytes + flag_bytes))
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    observation, _ = env.reset(seed=seed)
    score, steps, done = 0.0, 0, False
    while not done:
        action = int(select_actions(network, observation[None], epsilon, rng)[0])
        observation, reward, terminated, truncated, _ = env.step(action)
        score += float(reward)
        steps += 1
        done = terminated or truncated
    return score, steps
    ### END SOLUTION


def find_silent_bug() -> str:
    """Exercise 12.3: the name of the one wrong function in chapters/12_breakout_run/silent_bug/buggy_train.py.

    Return the name exactly as it is written after `def` in that file (for a method, "Class.method"),
    as a string, e.g. "make_env". The script is not imported by the grader's check of your answer.
    """
    ### BEGIN SOLUTION
    # The curve stays flat and mean Q(s, a) climbs towards 1 / (1 - gamma) = 100, far above the real
    # returns: the targets never see a terminal. The replay buffer holds almost no terminal flags
    # although hundreds of games ended; play_step unpacks env.step as (obs, reward, truncated,
    # terminated, info), swapping gymnasium's two flags, so the time-limit flag became the terminal.
    return "play_step"
    ### END SOLUTION
