"""Chapter 10, frame skipping: your answers to the exercises.

Write your code between `### YOUR CODE HERE` and `### END YOUR CODE`, replacing the
placeholder line that raises; leave the rest of the file as it is. Grade your work from the
repository root with `pytest -k ch10` (or `make grade CH=10`).
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np


def max_of_last_two(frame_a: np.ndarray, frame_b: np.ndarray) -> np.ndarray:
    """Exercise 10.1: the pixelwise maximum of two emulator frames.

    `frame_a` and `frame_b` are two frames of the same shape and dtype (uint8 screens, e.g. (210, 160)
    grayscale or (210, 160, 3) colour). Returns a new array of that same shape and dtype whose every
    pixel is the larger of the two frames' values there. Do not modify the inputs.
    """
    ### BEGIN SOLUTION
    return np.maximum(frame_a, frame_b)
    ### END SOLUTION


def skip_step(env: gym.Env, action: int, skip: int) -> tuple[np.ndarray, float, bool, bool, bool]:
    """Exercise 10.2: one agent step = `action` repeated for `skip` emulator frames.

    `env` is a raw ALE game stepped one emulator frame at a time (frameskip=1, no sticky actions),
    already reset. Repeat `action` up to `skip` times, adding up the rewards of every frame, and stop
    as soon as a frame says terminated or truncated (never step a game that has ended). Watch the lives
    counter on every frame: `life_lost` is True if it went down on any frame of this skip.
    The observation is the pixelwise maximum of the last two frames seen: the last two frames of the
    skip, or, when the skip stopped after its first frame (or skip == 1), the first frame of the skip
    and the frame that was on screen just before it.

    Before the first repeat, `env.unwrapped.ale.getScreenGrayscale()` is the screen shown last and
    `env.unwrapped.ale.lives()` the lives left (the env is created with obs_type="grayscale").
    Returns (observation uint8 like the env's frames, total reward as a float, terminated, truncated,
    life_lost), the three flags as Python bools.
    """
    ### BEGIN SOLUTION
    ale = env.unwrapped.ale
    frames = [ale.getScreenGrayscale()]
    lives = ale.lives()
    total_reward = 0.0
    life_lost = False
    terminated = truncated = False
    for _ in range(skip):
        frame, reward, terminated, truncated, info = env.step(action)
        frames.append(frame)
        total_reward += float(reward)
        if info["lives"] < lives:
            life_lost = True
        lives = info["lives"]
        if terminated or truncated:
            break
    observation = np.maximum(frames[-2], frames[-1])
    return observation, total_reward, bool(terminated), bool(truncated), life_lost
    ### END SOLUTION


def updates_due(step: int, learning_starts: int, update_every: int, updates_done: int) -> int:
    """Exercise 10.3: how many SGD updates the training loop must make now.

    `step` is the number of agent steps taken so far (it may grow by more than one between calls, when
    several emulators run in parallel), `updates_done` the number of updates made so far. No update
    happens until more than `learning_starts` steps have been taken; from then on the run makes one
    update per `update_every` agent steps, so that after `step` steps it has made
    (step - learning_starts) // update_every updates in total. Return the number still missing, an
    int >= 0 (0 before learning starts, and 0 if `updates_done` is already ahead).
    """
    ### BEGIN SOLUTION
    if step <= learning_starts:
        return 0
    total = (step - learning_starts) // update_every
    return max(total - updates_done, 0)
    ### END SOLUTION
