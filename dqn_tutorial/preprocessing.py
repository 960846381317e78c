"""Preprocessing (Chapter 2: Preprocessing): turn raw Atari screens into what the network sees.

The papers feed the network 84x84 grayscale images, the last 4 of them stacked, instead of the
210x160 colour screen: four 84x84 gray frames show the motion of the ball in 28,224 numbers, fewer
than the 100,800 of one colour screen. Starts are varied with random no-ops so the agent cannot memorise
one fixed opening. Each step is a small gymnasium wrapper, so each can be read on its own.

Two choices here are ours, not the papers': FIRE is pressed automatically after a reset and after
every lost life (see `FireReset`), and rewards are left unclipped (the learner clips them when it
stores a transition), so every score the environment reports is the real game score.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import cv2
import gymnasium as gym
import numpy as np

from dqn_tutorial.errors import UserError

FRAME_SIZE = 84  # the papers' input is 84x84 pixels


def to_grayscale(rgb: np.ndarray) -> np.ndarray:
    """Luminance of an RGB frame (H, W, 3) as uint8 (H, W): the paper's "Y channel".

    Colour carries little for the game and triples the input; brightness keeps the shapes.
    ALE can also return grayscale directly (`obs_type="grayscale"`), which is what our env uses.
    """
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise UserError(f"to_grayscale expects an RGB frame of shape (height, width, 3), got {rgb.shape}")
    return cv2.cvtColor(rgb.astype(np.uint8, copy=False), cv2.COLOR_RGB2GRAY)


def resize_frame(gray: np.ndarray) -> np.ndarray:
    """Shrink a grayscale frame (H, W) to (84, 84) uint8.

    INTER_AREA averages the pixels that fall into each output pixel, so thin objects such as the
    ball fade instead of vanishing; gymnasium's AtariPreprocessing resizes the same way.
    """
    gray = np.asarray(gray)
    if gray.ndim != 2:
        raise UserError(f"resize_frame expects a grayscale frame of shape (height, width), got {gray.shape}")
    # cv2 takes the size as (width, height); both are 84 here.
    return cv2.resize(gray.astype(np.uint8, copy=False), (FRAME_SIZE, FRAME_SIZE), interpolation=cv2.INTER_AREA)


class NoopReset(gym.Wrapper):
    """After reset, play a random number (0..noop_max, uniform) of NOOP emulator frames.

    Without sticky actions the emulator is deterministic, so every game would start in exactly the
    same state; the Nature paper varies the start with "no-op max" 30 (Extended Data Table 1; its
    evaluation protocol, too). We draw 0..30 frames, zero included, in both engines (the fast
    one's C++ emulators do the same); DeepMind's code draws 1..30 (alewrap `nextRandomGame`), so the
    two differ by at most one frame. Put this wrapper below FrameSkip so each no-op is one emulator
    frame. The count is drawn from the env's own seeded generator, so `reset(seed=...)` gives
    reproducible starts.
    """

    NOOP = 0  # ALE puts NOOP first in every game's action set

    def __init__(self, env: gym.Env, noop_max: int = 30):
        super().__init__(env)
        if isinstance(noop_max, bool) or not isinstance(noop_max, (int, np.integer)) or noop_max < 0:
            raise UserError(f"noop_max must be a whole number >= 0, got {noop_max!r}")
        if noop_max > 0 and env.unwrapped.get_action_meanings()[self.NOOP] != "NOOP":
            raise UserError("noop_max > 0 needs a game whose action 0 is NOOP")
        self.noop_max = int(noop_max)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        observation, info = self.env.reset(seed=seed, options=options)
        noops = int(self.unwrapped.np_random.integers(0, self.noop_max + 1))
        for _ in range(noops):
            observation, _, terminated, truncated, info = self.env.step(self.NOOP)
            if terminated or truncated:  # no game ends within 30 frames of doing nothing; stay safe
                observation, info = self.env.reset(options=options)
        return observation, info


class FireReset(gym.Wrapper):
    """Press FIRE (one agent step) after reset and after every lost life.

    Breakout does not launch the ball until FIRE is pressed. DeepMind's agent had to learn that
    itself; an agent that never learns it stalls forever, a trap many reimplementations fell into.
    We press it for the agent: a deliberate deviation that removes a nuisance, not the task.
    The step that lost the life returns the state after the FIRE, with both rewards added.
    Needs `info["life_lost"]`, so put it above FrameSkip.
    """

    def __init__(self, env: gym.Env):
        super().__init__(env)
        meanings = env.unwrapped.get_action_meanings()
        if "FIRE" not in meanings:
            raise UserError(f"FireReset needs a game with a FIRE action; this one has {meanings}")
        self.fire_action = meanings.index("FIRE")

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        self.env.reset(seed=seed, options=options)
        observation, _, terminated, truncated, info = self.env.step(self.fire_action)
        if terminated or truncated:  # cannot happen in one step of a fresh game; stay safe
            observation, info = self.env.reset(options=options)
        return observation, dict(info, life_lost=False)

    def step(self, action):
        observation, reward, terminated, truncated, info = self.env.step(action)
        if info.get("life_lost") and not (terminated or truncated):
            observation, fire_reward, terminated, truncated, info = self.env.step(self.fire_action)
            reward += fire_reward
            info = dict(info, life_lost=True)
        return observation, reward, terminated, truncated, info


class Resize84(gym.ObservationWrapper):
    """Shrink every grayscale frame to 84x84 (see `resize_frame`)."""

    def __init__(self, env: gym.Env):
        super().__init__(env)
        self.observation_space = gym.spaces.Box(0, 255, (FRAME_SIZE, FRAME_SIZE), np.uint8)

    def observation(self, observation: np.ndarray) -> np.ndarray:
        return resize_frame(observation)


class FrameStack(gym.Wrapper):
    """Observation = the last `history_length` frames, shape (history_length, 84, 84), oldest first.

    One frame shows where the ball is, not where it is going; a short history shows its motion.
    At reset the stack is filled with copies of the first frame (no frames from a previous game).
    """

    def __init__(self, env: gym.Env, history_length: int = 4):
        super().__init__(env)
        if isinstance(history_length, bool) or not isinstance(history_length, (int, np.integer)) or history_length < 1:
            raise UserError(f"history_length must be a whole number >= 1, got {history_length!r}")
        self.history_length = int(history_length)
        self.frames: deque[np.ndarray] = deque(maxlen=self.history_length)
        frame_shape = env.observation_space.shape
        self.observation_space = gym.spaces.Box(0, 255, (self.history_length, *frame_shape), np.uint8)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        observation, info = self.env.reset(seed=seed, options=options)
        for _ in range(self.history_length):
            self.frames.append(observation)
        return np.stack(self.frames), info

    def step(self, action):
        observation, reward, terminated, truncated, info = self.env.step(action)
        self.frames.append(observation)  # the oldest frame drops out of the deque
        return np.stack(self.frames), reward, terminated, truncated, info

    def get_wrapper_state(self) -> dict:
        """The frames in the stack, oldest first, so a resumed run continues the same game exactly."""
        return {"frames": [np.array(frame, copy=True) for frame in self.frames]}

    def set_wrapper_state(self, state: dict) -> None:
        self.frames.clear()
        self.frames.extend(np.array(frame, copy=True) for frame in state["frames"])


def resize_to(gray: np.ndarray, height: int, width: int) -> np.ndarray:
    """Shrink a grayscale frame (H, W) to (height, width) uint8 with INTER_AREA (Chapter 2, Exercise 2.2).

    `resize_frame` is this with height = width = 84. Other sizes show the 2013 paper's first step
    (210x160 -> 110x84, then a crop to 84x84). cv2 wants the size as (width, height).
    """
    gray = np.asarray(gray)
    if gray.ndim != 2:
        raise UserError(f"resize_to expects a grayscale frame of shape (height, width), got {gray.shape}")
    return cv2.resize(gray.astype(np.uint8, copy=False), (int(width), int(height)), interpolation=cv2.INTER_AREA)


def push_frame(stack: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """A new stack (k, H, W): `stack` without its oldest frame (index 0), `frame` added last (Exercise 2.3).

    The input stack is left unchanged: a stack already handed out (e.g. to the replay memory) must not
    change under the caller's feet. This is what `FrameStack.step` does with its deque.
    """
    stack, frame = np.asarray(stack), np.asarray(frame)
    if stack.ndim != 3 or frame.shape != stack.shape[1:]:
        raise UserError(f"push_frame needs a stack (k, H, W) and a frame (H, W), got {stack.shape} and {frame.shape}")
    return np.concatenate([stack[1:], frame[None].astype(stack.dtype, copy=False)], axis=0)


def reset_stack(frame: np.ndarray, history_length: int = 4) -> np.ndarray:
    """The first stack of a game: `history_length` copies of its first frame, (history_length, H, W) (Exercise 2.4).

    This is what `FrameStack.reset` does: no frame of the previous game may leak into the new one.
    """
    frame = np.asarray(frame)
    if isinstance(history_length, bool) or not isinstance(history_length, (int, np.integer)) or history_length < 1:
        raise UserError(f"history_length must be a whole number >= 1, got {history_length!r}")
    return np.repeat(frame[None], int(history_length), axis=0)
