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
    grayscale or (210, 160, 3) colour). Returns a new array of that same shape and dtype (uint8 in,
    uint8 out) whose every pixel is the larger of the two frames' values there. Both inputs are left
    exactly as they were.
    """
    ### YOUR CODE HERE
    # A new uint8 frame, pixel by pixel the brighter of the two; the inputs stay as they are.
    raise NotImplementedError("Exercise 10.1: write max_of_last_two")
    ### END YOUR CODE


def skip_step(
    env: gym.Env,
    action: int,
    skip: int,
    previous_frame: np.ndarray,
    lives: int,
) -> tuple[tuple[np.ndarray, np.ndarray], float, bool, bool, bool, dict]:
    """Exercise 10.2: one agent step = `action` repeated for up to `skip` emulator frames.

    `env` steps one emulator frame at a time (an ALE game with frameskip=1, no sticky actions, or a
    wrapper of one), is already reset, and its `info` has the lives counter `info["lives"]`.
    `previous_frame` is the frame on screen before this step and `lives` the lives counter before it:
    the caller keeps them (the `FrameSkip` wrapper does, from the frame and info of the step before).
    `action` is played for `skip` emulator frames (skip >= 1), or fewer if a frame says terminated or
    truncated: a game that has ended is never stepped again, and never reset here (the caller does).
    Games differ in their lives (Breakout 5, Space Invaders 3, Pong none).

    Returns ((frame_before_last, last_frame), total_reward, terminated, truncated, life_lost, info):
    - the last two frames seen, as env.step returned them (when only one frame was played, the first
      of the two is `previous_frame` itself, not the emulator's screen);
    - total_reward: the sum of the rewards of every frame played, a Python float;
    - terminated, truncated: as the last frame played reported them; life_lost: True if the lives
      counter fell on any frame played (the first frame compared with `lives`); all three Python bools;
    - info: the dict returned by the last frame played.
    `previous_frame` is left exactly as it was.
    """
    ### YOUR CODE HERE
    # One agent step, emulator frame by emulator frame: see the docstring for the 6 items returned.
    raise NotImplementedError("Exercise 10.2: write skip_step")
    ### END YOUR CODE
