"""Frame skipping (Chapter 10: Frame skipping): repeat each action for several emulator frames.

The agent chooses an action only every `skip` emulator frames (k = 4 in both papers), so one agent
step costs 4 emulator frames: 10M agent steps = 40M frames. Acting less often lets the agent play
about 4 times more game time for the same amount of network computation.

The Nature paper adds one detail: the observation is the pixelwise maximum of the last two emulator
frames, because the Atari draws some objects only on every other frame (flicker); a single frame
can miss them. The 2013 paper simply kept the last frame (`max_last_two=False`).
"""

from __future__ import annotations

from typing import Any, Sequence

import gymnasium as gym
import numpy as np

from dqn_tutorial.errors import UserError


def max_of_last_two(frames: Sequence[np.ndarray]) -> np.ndarray:
    """Pixelwise maximum of the two most recent frames (a single frame is returned as a copy).

    An object drawn on either frame survives the maximum, so flickering sprites are never lost.
    """
    if len(frames) == 0:
        raise UserError("max_of_last_two needs at least one frame, got none")
    if len(frames) == 1:
        return np.array(frames[-1], copy=True)
    return np.maximum(frames[-2], frames[-1])


class FrameSkip(gym.Wrapper):
    """Repeat the agent's action for `skip` emulator frames and add up the rewards.

    The loop stops early when the game ends, so no frame is played after the end. It also watches
    the `lives` counter on every emulator frame and reports `info["life_lost"]`, so a life lost
    in the middle of a skip is never missed. Losing a life does not end the episode here.
    """

    def __init__(self, env: gym.Env, skip: int = 4, max_last_two: bool = True):
        super().__init__(env)
        if isinstance(skip, bool) or not isinstance(skip, (int, np.integer)) or skip < 1:
            raise UserError(f"frame skip must be a whole number of frames >= 1, got {skip!r}")
        self.skip = int(skip)
        self.max_last_two = bool(max_last_two)
        self._last_frame: np.ndarray | None = None  # kept so a step cut short still has two frames
        self._lives: int | None = None

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        observation, info = self.env.reset(seed=seed, options=options)
        self._last_frame = observation
        self._lives = info.get("lives")
        info = dict(info, lives=self._lives, life_lost=False)
        return observation, info

    def step(self, action):
        total_reward = 0.0
        life_lost = False
        frames = [self._last_frame]
        for _ in range(self.skip):
            observation, reward, terminated, truncated, info = self.env.step(action)
            total_reward += float(reward)
            frames.append(observation)
            lives = info.get("lives")
            if lives is not None and self._lives is not None and lives < self._lives:
                life_lost = True
            self._lives = lives
            if terminated or truncated:
                break
        self._last_frame = frames[-1]
        if self.max_last_two:
            observation = max_of_last_two(frames)
        else:
            observation = frames[-1]
        info = dict(info, lives=self._lives, life_lost=life_lost)
        return observation, total_reward, terminated, truncated, info

    def get_wrapper_state(self) -> dict:
        """What a resumed run needs to continue this game exactly (environment.env_state).

        The last emulator frame (the first of the next step's maximum) and the lives counter (a fall
        is a lost life).
        """
        frame = None if self._last_frame is None else np.array(self._last_frame, copy=True)
        return {"last_frame": frame, "lives": None if self._lives is None else int(self._lives)}

    def set_wrapper_state(self, state: dict) -> None:
        frame = state["last_frame"]
        self._last_frame = None if frame is None else np.array(frame, copy=True)
        self._lives = None if state["lives"] is None else int(state["lives"])


def updates_due(step: int, learning_starts: int, update_every: int, updates_done: int) -> int:
    """SGD updates to make now, after `step` agent steps in total and `updates_done` updates so far.

    The 2015 agent makes one update per `update_every` agent steps (4, "update frequency" in Extended
    Data Table 1), counted from `learning_starts`: after `step` steps the total is
    (step - learning_starts) // update_every, and never less than zero. Counting totals instead of
    testing `step % update_every == 0` keeps the cadence right when `step` advances by several at
    once (several emulators in parallel) and whatever the phase of `learning_starts`.
    """
    total = max(step - learning_starts, 0) // update_every
    return max(total - updates_done, 0)
