"""Preprocessing (Chapter 2: Preprocessing): turn raw Atari screens into what the network sees.

The papers feed the network 84x84 grayscale images, the last 4 of them stacked, instead of the
210x160 colour screen: four 84x84 gray frames show the motion of the ball in 28,224 numbers, fewer
than the 100,800 of one colour screen. Starts are varied with random no-ops so the agent cannot memorise
one fixed opening. Each step is a small gymnasium wrapper, so each can be read on its own.

Two choices here are ours, not the papers': FIRE is pressed automatically after a reset and after
every lost life (see `FireReset`), and rewards are left unclipped (the learner clips them when it
stores a transition), so every score the environment reports is the real game score.

Chapter 2's exercises are here: `resize_frame` (run by `Resize84`), `push_frame` and `reset_stack`
(run by `FrameStack`), and `to_grayscale`, which the agent does not call: the emulator hands out
ALE's grayscale screen, the very same pixels (see `to_grayscale`).
"""

from __future__ import annotations

from typing import Any

import cv2
import gymnasium as gym
import numpy as np

from dqn_tutorial.errors import UserError

FRAME_SIZE = 84  # the papers' input is 84x84 pixels


def to_grayscale(rgb: np.ndarray) -> np.ndarray:
    """The luminance Y = 0.299 R + 0.587 G + 0.114 B of an RGB frame (H, W, 3), rounded: uint8 (H, W).

    Chapter 2, Exercise 2.1.

    Why: the paper keeps the "Y channel": colour carries little in these games and triples the input.
    The agent does not call this: `make_atari_env` asks ALE for its grayscale screen, which is this
    function's result pixel for pixel on every Atari screen (tests/reference/test_preprocessing.py)
    and a third of the data to copy, so both training engines see the same frames.
    """
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise UserError(f"to_grayscale expects an RGB frame of shape (height, width, 3), got {rgb.shape}")
    weights = np.array([0.299, 0.587, 0.114])
    luminance = rgb.astype(np.float64) @ weights
    return np.round(luminance).astype(np.uint8)


def resize_frame(gray: np.ndarray, height: int = FRAME_SIZE, width: int = FRAME_SIZE) -> np.ndarray:
    """Shrink a grayscale frame (H, W) to (height, width) uint8 with area interpolation (Chapter 2, Exercise 2.2).

    Why: the 2015 network takes 84x84 inputs. INTER_AREA averages the pixels that fall into each
    output pixel, so thin objects such as the ball fade instead of vanishing (gymnasium's
    AtariPreprocessing resizes the same way; DeepMind's Torch "bilinear" shrink is the same average).
    Other sizes show the 2013 paper's first step (210x160 -> 110x84). cv2 wants the size as
    (width, height). `Resize84` calls it on every frame.
    """
    gray = np.asarray(gray)
    if gray.ndim != 2:
        raise UserError(f"resize_frame expects a grayscale frame of shape (height, width), got {gray.shape}")
    return cv2.resize(gray, (width, height), interpolation=cv2.INTER_AREA)


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
        # a module-global lookup, so that `--impl` reaches the function the chapter's exercise replaces
        return resize_frame(observation)


class FrameStack(gym.Wrapper):
    """Observation = the last `history_length` frames, shape (history_length, 84, 84), oldest first.

    One frame shows where the ball is, not where it is going; a short history shows its motion.
    At reset the stack is `reset_stack` of the first frame (no frames from a previous game); each
    step is `push_frame`. The observation returned is a copy, so a caller that writes into it cannot
    change the stack the next step builds on.
    """

    def __init__(self, env: gym.Env, history_length: int = 4):
        super().__init__(env)
        if isinstance(history_length, bool) or not isinstance(history_length, (int, np.integer)) or history_length < 1:
            raise UserError(f"history_length must be a whole number >= 1, got {history_length!r}")
        self.history_length = int(history_length)
        self.stack: np.ndarray | None = None  # (history_length, *frame_shape), oldest first; None before reset
        frame_shape = env.observation_space.shape
        self.observation_space = gym.spaces.Box(0, 255, (self.history_length, *frame_shape), np.uint8)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        observation, info = self.env.reset(seed=seed, options=options)
        # module-global lookups, so that `--impl` reaches the functions the chapter's exercises replace
        self.stack = reset_stack(observation, self.history_length)
        return self.stack.copy(), info

    def step(self, action):
        observation, reward, terminated, truncated, info = self.env.step(action)
        self.stack = push_frame(self.stack, observation)  # the oldest frame drops out
        return self.stack.copy(), reward, terminated, truncated, info

    def get_wrapper_state(self) -> dict:
        """The frames in the stack, oldest first, so a resumed run continues the same game exactly."""
        frames = [] if self.stack is None else self.stack
        return {"frames": [np.array(frame, copy=True) for frame in frames]}

    def set_wrapper_state(self, state: dict) -> None:
        frames = [np.array(frame, copy=True) for frame in state["frames"]]
        self.stack = np.stack(frames) if frames else None


def push_frame(stack: np.ndarray, frame: np.ndarray) -> np.ndarray:
    """A new stack (k, H, W): `stack` without its oldest frame (index 0), `frame` added last (Chapter 2, Exercise 2.3).

    Why: the network sees the last 4 frames, oldest first, to see motion. `FrameStack.step` calls it
    on every agent step. The input stack is left unchanged: a stack already handed out (e.g. to the
    replay memory) must not change under the caller's feet. `frame` has the stack's dtype.
    """
    stack, frame = np.asarray(stack), np.asarray(frame)
    if stack.ndim != 3 or frame.shape != stack.shape[1:] or frame.dtype != stack.dtype:
        raise UserError(
            f"push_frame needs a stack (k, H, W) and a frame (H, W) of the same dtype, got "
            f"{stack.shape} {stack.dtype} and {frame.shape} {frame.dtype}"
        )
    return np.concatenate([stack[1:], frame[np.newaxis]], axis=0)


def reset_stack(frame: np.ndarray, history_length: int = 4) -> np.ndarray:
    """The first stack of a game: `history_length` copies of its first frame, (history_length, H, W).

    Chapter 2, Exercise 2.4.

    Why: at a reset there is no history yet, and no frame of the previous game may leak into the new
    one; a still picture of the first frame is what the game looks like before anything moves.
    `FrameStack.reset` calls it.
    """
    frame = np.asarray(frame)
    if isinstance(history_length, bool) or not isinstance(history_length, (int, np.integer)) or history_length < 1:
        raise UserError(f"history_length must be a whole number >= 1, got {history_length!r}")
    return np.repeat(frame[None], int(history_length), axis=0)
