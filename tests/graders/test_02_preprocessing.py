"""Grader for Chapter 2 (preprocessing): compares chapters/02_preprocessing/exercises.py with
dqn_tutorial.preprocessing, on real Atari screens.

Run it with `pytest -k ch02`; `pytest --impl=solutions -k ch02` grades the answers instead.
"""

from __future__ import annotations

import ale_py
import gymnasium as gym
import numpy as np
import pytest

from dqn_tutorial import preprocessing as reference
from dqn_tutorial.atari import make_atari_env
from dqn_tutorial.grading import assert_matches, assert_type, call, exercise, fail

gym.register_envs(ale_py)

SEED = 2


@pytest.fixture(scope="module")
def rgb_frames():
    """Real colour screens (210, 160, 3) uint8 with a description: Breakout and Space Invaders, random play."""
    frames = []
    rng = np.random.default_rng(SEED)
    for game, keep_every in [("Breakout", 40), ("SpaceInvaders", 60)]:
        env = gym.make(f"ALE/{game}-v5", obs_type="rgb", frameskip=1, repeat_action_probability=0.0)
        observation, _ = env.reset(seed=SEED)
        frames.append((observation, f"a real {game} screen (210, 160, 3) at the start of a game"))
        for frame_number in range(1, 241):
            observation, _, terminated, truncated, _ = env.step(int(rng.integers(env.action_space.n)))
            if frame_number % keep_every == 0:
                frames.append((observation, f"a real {game} screen (210, 160, 3), emulator frame {frame_number}"))
            if terminated or truncated:
                observation, _ = env.reset()
        env.close()
    return frames


@pytest.fixture(scope="module")
def stack_frames():
    """Real preprocessed (84, 84) uint8 Breakout frames, consecutive agent steps of a random game."""
    env = make_atari_env("Breakout", seed=SEED, history_length=1)
    observation, _ = env.reset()
    frames = [observation[0]]
    rng = np.random.default_rng(SEED)
    for _ in range(12):
        observation, _, terminated, truncated, _ = env.step(int(rng.integers(4)))
        frames.append(observation[0])
        if terminated or truncated:
            observation, _ = env.reset()
    env.close()
    return frames


def check_array(got, expected, *, what, inputs, hint):
    """Type, shape and dtype as the reference's, before the values are compared."""
    assert_type(got, np.ndarray, what=what, inputs=inputs, hint=hint)
    if got.shape != expected.shape or got.dtype != expected.dtype:
        fail(f"{what}: wrong shape or dtype", inputs=inputs, expected=f"{expected.dtype} array of shape {expected.shape}",
             got=f"{got.dtype} array of shape {got.shape}", hint=hint)


def check_unchanged(before, after, *, what, inputs):
    if not np.array_equal(before, after):
        fail(f"{what} modified its input array", inputs=inputs,
             hint="build the result in a new array; the caller may still need the input (it could be an "
                  "observation already stored in the replay memory)")


# ------------------------------------------------------------------------------------------------
# 2.1 to_grayscale
# ------------------------------------------------------------------------------------------------

@exercise("2.1", "Grayscale (luminance)")
def test_to_grayscale(ex, rgb_frames):
    rng = np.random.default_rng(SEED)
    cases = list(rgb_frames)
    cases.append((np.full((3, 4, 3), [255, 0, 0], dtype=np.uint8), "pure red (3, 4, 3): only the red weight counts"))
    cases.append((np.full((2, 5, 3), [0, 0, 255], dtype=np.uint8), "pure blue (2, 5, 3): only the blue weight counts"))
    cases.append((np.full((2, 2, 3), 255, dtype=np.uint8), "pure white (2, 2, 3): must stay 255, not overflow"))
    cases += [(rng.integers(0, 256, size=(210, 160, 3), dtype=np.uint8), "random uint8 colours (210, 160, 3)")
              for _ in range(3)]
    hint = ("Y = 0.299 R + 0.587 G + 0.114 B, with red the FIRST channel (ALE gives RGB, not OpenCV's BGR); "
            "compute it in floating point and return uint8 of shape (height, width)")
    for rgb, why in cases:
        inputs = why
        expected = reference.to_grayscale(rgb.copy())
        given = rgb.copy()
        got = call(ex, "to_grayscale", given, inputs=inputs)
        check_array(got, expected, what="to_grayscale", inputs=inputs, hint=hint)
        assert_matches(got.astype(np.float64), expected.astype(np.float64), what="to_grayscale (values as numbers)", inputs=inputs,
                       atol=1, rtol=0, hint=hint + " (a difference of 1 from rounding is accepted)")
        check_unchanged(rgb, given, what="to_grayscale", inputs=inputs)


# ------------------------------------------------------------------------------------------------
# 2.2 resize_frame
# ------------------------------------------------------------------------------------------------

@exercise("2.2", "Resize to 84x84")
def test_resize_frame(ex, rgb_frames):
    rng = np.random.default_rng(SEED)
    grays = [(reference.to_grayscale(rgb), why.replace("screen (210, 160, 3)", "screen in gray (210, 160)"))
             for rgb, why in rgb_frames]
    grays += [(rng.integers(0, 256, size=(210, 160), dtype=np.uint8), "random uint8 (210, 160)"),
              (rng.integers(0, 256, size=(97, 131), dtype=np.uint8), "random uint8 (97, 131), not Atari-sized")]
    hint = ("use cv2.resize with interpolation=cv2.INTER_AREA; cv2 takes the size as (width, height), the "
            "opposite of numpy's (height, width) order")
    for gray, why in grays:
        for size in [(84, 84), (110, 84), (84, 60)]:
            height, width = size
            inputs = f"{why}, height={height}, width={width}"
            expected = reference.resize_to(gray, height, width)
            if size == (84, 84):
                assert np.array_equal(expected, reference.resize_frame(gray))  # own sanity check
            given = gray.copy()
            if size == (84, 84):
                got = call(ex, "resize_frame", given, inputs=inputs)
            else:
                got = call(ex, "resize_frame", given, height, width, inputs=inputs)
            check_array(got, expected, what="resize_frame", inputs=inputs, hint=hint)
            assert_matches(got, expected, what="resize_frame", inputs=inputs, hint=hint)
            check_unchanged(gray, given, what="resize_frame", inputs=inputs)


# ------------------------------------------------------------------------------------------------
# 2.3 push_frame
# ------------------------------------------------------------------------------------------------

@exercise("2.3", "Push a frame onto the stack")
def test_push_frame(ex, stack_frames):
    rng = np.random.default_rng(SEED)
    cases = []
    for k in [4, 2, 1]:
        for t in range(k, len(stack_frames)):
            stack = np.stack(stack_frames[t - k:t])  # oldest first, as the environment gives it
            cases.append((stack, stack_frames[t], f"a real Breakout stack uint8 {stack.shape} (agent steps "
                                                  f"{t - k}..{t - 1}) and the frame of step {t}"))
    for shape in [(4, 5, 7), (3, 2, 6)]:
        stack = rng.normal(size=shape).astype(np.float32)
        cases.append((stack, rng.normal(size=shape[1:]).astype(np.float32),
                      f"a float32 stack {shape} with distinct random frames and a new random frame"))
    hint = ("index 0 is the oldest frame and index k-1 the newest: drop index 0, append the new frame at the "
            "end, keep the shape (k, H, W) and the dtype, and return a new array")
    for stack, frame, inputs in cases:
        expected = reference.push_frame(stack, frame)
        given_stack, given_frame = stack.copy(), frame.copy()
        got = call(ex, "push_frame", given_stack, given_frame, inputs=inputs)
        check_array(got, expected, what="push_frame", inputs=inputs, hint=hint)
        check_unchanged(stack, given_stack, what="push_frame", inputs=inputs)
        check_unchanged(frame, given_frame, what="push_frame", inputs=inputs)
        assert_matches(got, expected, what="push_frame", inputs=inputs, hint=hint)
        if np.shares_memory(got, given_stack):
            fail("push_frame returned an array that shares memory with the input stack", inputs=inputs,
                 hint="the new stack must be a new array: changing it later must not change the old one")


# ------------------------------------------------------------------------------------------------
# 2.4 reset_stack
# ------------------------------------------------------------------------------------------------

@exercise("2.4", "The first stack of a game")
def test_reset_stack(ex, stack_frames):
    rng = np.random.default_rng(SEED)
    cases = [(stack_frames[0], k, f"the first real Breakout frame uint8 (84, 84) of a game, history_length={k}")
             for k in [4, 1, 2, 6]]
    cases.append((stack_frames[5], 4, "a real Breakout frame uint8 (84, 84) in the middle of a game, history_length=4"))
    cases.append((rng.normal(size=(5, 7)).astype(np.float32), 3, "a random float32 frame (5, 7), history_length=3"))
    hint = ("at the start of a game every slot of the stack holds the first frame (not zeros); the stack's "
            "shape is (history_length, H, W), frames along the first axis")
    for frame, history_length, inputs in cases:
        expected = reference.reset_stack(frame, history_length)
        given = frame.copy()
        got = call(ex, "reset_stack", given, history_length, inputs=inputs)
        check_array(got, expected, what="reset_stack", inputs=inputs, hint=hint)
        assert_matches(got, expected, what="reset_stack", inputs=inputs, hint=hint)
        check_unchanged(frame, given, what="reset_stack", inputs=inputs)
        if np.shares_memory(got, given) or not got.flags.writeable:
            fail("reset_stack returned a view of the frame instead of a new, writable array", inputs=inputs,
                 expected="a new writable array (np.stack of copies, or np.repeat)",
                 got=f"shares memory with the frame: {np.shares_memory(got, given)}, writable: {got.flags.writeable}",
                 hint="np.broadcast_to gives a read-only view; build a real array")
