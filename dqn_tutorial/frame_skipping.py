"""Frame skipping (Chapter 10: Frame skipping): repeat each action for several emulator frames.

The agent chooses an action only every `skip` emulator frames (k = 4 in both papers), so one agent
step costs 4 emulator frames: 10M agent steps = 40M frames. Acting less often lets the agent play
about 4 times more game time for the same amount of network computation.

The Nature paper adds one detail: the observation is the pixelwise maximum of the last two emulator
frames, because the Atari draws some objects only on every other frame (flicker); a single frame
can miss them. The 2013 paper simply kept the last frame (`max_last_two=False`).

The `FrameSkip` wrapper is the two exercises of Chapter 10 put together: `skip_step` plays one agent
step, `max_of_last_two` merges its last two frames.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from dqn_tutorial.atari import lost_a_life
from dqn_tutorial.errors import UserError


def max_of_last_two(frame_a: np.ndarray, frame_b: np.ndarray) -> np.ndarray:
    """The pixelwise maximum of two emulator frames, a new array (Chapter 10, Exercise 10.1).

    Why: the Atari draws some objects only on every other frame (flicker); an object drawn on
    either frame survives the maximum (Mnih et al. 2015, Methods, "Preprocessing").
    """
    return np.maximum(frame_a, frame_b)


def skip_step(
    env: gym.Env,
    action: int,
    skip: int,
    previous_frame: np.ndarray,
    lives: int,
) -> tuple[tuple[np.ndarray, np.ndarray], float, bool, bool, bool, dict]:
    """One agent step: `action` repeated for up to `skip` emulator frames (Chapter 10, Exercise 10.2).

    Why: the agent acts on every k-th frame only (k = 4, both papers), so it plays 4 times more game
    for the same network computation. The rewards of the frames are added up, the skip stops on the
    frame that ends the game, and a life lost on any frame of it is reported. `previous_frame` and
    `lives` are the screen and lives counter before the step, kept by the caller (an emulator
    restored from a checkpoint does not restore its screen). Returns ((the frame before the last,
    the last frame), total reward, terminated, truncated, life_lost, info of the last frame).
    """
    frames = [previous_frame]
    total_reward = 0.0
    life_lost = False
    previous_info = {"lives": lives}
    for _ in range(skip):
        frame, reward, terminated, truncated, info = env.step(action)
        frames.append(frame)
        total_reward += float(reward)
        if lost_a_life(previous_info, info):  # Chapter 1, Exercise 1.1, on every emulator frame
            life_lost = True
        previous_info = info
        if terminated or truncated:
            break
    return (frames[-2], frames[-1]), total_reward, bool(terminated), bool(truncated), life_lost, info


class FrameSkip(gym.Wrapper):
    """Repeat the agent's action for `skip` emulator frames (`skip_step`) and merge the last two (`max_of_last_two`).

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
        self._lives = info["lives"]
        info = dict(info, lives=self._lives, life_lost=False)
        return observation, info

    def step(self, action):
        # module-global lookups, so that `--impl` reaches the functions the chapter's exercises replace
        (before_last, last), total_reward, terminated, truncated, life_lost, info = skip_step(
            self.env, action, self.skip, self._last_frame, self._lives
        )
        self._last_frame, self._lives = last, info["lives"]
        observation = max_of_last_two(before_last, last) if self.max_last_two else last
        info = dict(info, lives=self._lives, life_lost=life_lost)
        return observation, total_reward, terminated, truncated, info

    def get_wrapper_state(self) -> dict:
        """What a resumed run needs to continue this game exactly (environment.env_state).

        The last emulator frame (the first of the next step's maximum: ALE's restored state does not
        include the screen) and the lives counter (a fall is a lost life).
        """
        frame = None if self._last_frame is None else np.array(self._last_frame, copy=True)
        return {"last_frame": frame, "lives": None if self._lives is None else int(self._lives)}

    def set_wrapper_state(self, state: dict) -> None:
        frame = state["last_frame"]
        self._last_frame = None if frame is None else np.array(frame, copy=True)
        self._lives = None if state["lives"] is None else int(state["lives"])
