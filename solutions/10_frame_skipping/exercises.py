"""Chapter 10, frame skipping: your answers to the exercises.

Write your code between `### YOUR CODE HERE` and `### END YOUR CODE`, replacing the
placeholder line that raises; leave the rest of the file as it is. Grade your work from the
repository root with `pytest -k ch10` (or `make grade CH=10`).
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from dqn_tutorial.atari import lost_a_life


def max_of_last_two(frame_a: np.ndarray, frame_b: np.ndarray) -> np.ndarray:
    """Exercise 10.1: the pixelwise maximum of two emulator frames.

    `frame_a` and `frame_b` are two frames of the same shape and dtype (uint8 screens, e.g. (210, 160)
    grayscale or (210, 160, 3) colour). Returns a new array of that same shape and dtype whose every
    pixel is the larger of the two frames' values there. Do not modify the inputs.
    """
    ### BEGIN SOLUTION
    return np.maximum(frame_a, frame_b)
    ### END SOLUTION


def skip_step(env: gym.Env, action: int, skip: int, previous_frame: np.ndarray, lives: int,
              ) -> tuple[tuple[np.ndarray, np.ndarray], float, bool, bool, bool, dict]:
    """Exercise 10.2: one agent step = `action` repeated for up to `skip` emulator frames.

    `env` steps one emulator frame at a time (an ALE game with frameskip=1, no sticky actions, or a
    wrapper of one), is already reset, and its `info` has the lives counter `info["lives"]`.
    `previous_frame` is the frame on screen before this step and `lives` the lives counter before it:
    the caller keeps them (the `FrameSkip` wrapper does, from the frame and info of the step before).
    Repeat `action` up to `skip` times (skip >= 1), adding up the rewards of every frame as Python
    floats, in order, and stop as soon as a frame says terminated or truncated (never step a game that
    has ended). Watch the lives counter on every frame: `life_lost` is True if it went down on any
    frame of this skip (ask Chapter 1's `lost_a_life(previous_info, info)` after every frame, the
    first time with the info {"lives": lives}).

    Returns ((frame_before_last, last_frame), total_reward, terminated, truncated, life_lost, info):
    the last two frames seen, as env.step returned them (when only one frame was played, the first of
    the two is `previous_frame` itself); the total reward as a float; the three flags as Python bools;
    `info` the dict returned by the last frame played. Do not modify `previous_frame`.
    """
    ### BEGIN SOLUTION
    frames = [previous_frame]
    total_reward = 0.0
    life_lost = False
    previous_info = {"lives": lives}
    for _ in range(skip):
        frame, reward, terminated, truncated, info = env.step(action)
        frames.append(frame)
        total_reward += float(reward)
        if lost_a_life(previous_info, info):
            life_lost = True
        previous_info = info
        if terminated or truncated:
            break
    return (frames[-2], frames[-1]), total_reward, bool(terminated), bool(truncated), life_lost, info
    ### END SOLUTION
