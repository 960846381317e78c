"""Grader for Chapter 2 (preprocessing): compares chapters/02_preprocessing/exercises.py with
dqn_tutorial.preprocessing, on real Atari screens, and with independent oracles (ALE's own grayscale
screen, luminance values and block averages written out here, stacks built from their frames).

Run it with `pytest -k ch02`; `pytest --impl=solutions -k ch02` grades the answers instead.
"""

from __future__ import annotations

import ale_py
import gymnasium as gym
import numpy as np
import pytest

from dqn_tutorial import preprocessing as reference
from dqn_tutorial.atari import make_atari_env
from grading import assert_matches, assert_type, call, exercise, fail

gym.register_envs(ale_py)

SEED = 2


@pytest.fixture(scope="module")
def rgb_frames():
    """Real colour screens (210, 160, 3) uint8 with a description: Breakout and Space Invaders, random play."""
    return [(rgb, why) for rgb, _, why in screens_with_ale_gray()]


@pytest.fixture(scope="module")
def ale_gray_frames():
    """(colour screen, ALE's own grayscale of the same screen, description)."""
    return screens_with_ale_gray()


def screens_with_ale_gray():
    frames = []
    rng = np.random.default_rng(SEED)
    for game, keep_every in [("Breakout", 40), ("SpaceInvaders", 60)]:
        env = gym.make(f"ALE/{game}-v5", obs_type="rgb", frameskip=1, repeat_action_probability=0.0)
        observation, _ = env.reset(seed=SEED)
        ale = env.unwrapped.ale
        frames.append((observation, ale.getScreenGrayscale(),
                       f"a real {game} screen (210, 160, 3) at the start of a game"))
        for frame_number in range(1, 241):
            observation, _, terminated, truncated, _ = env.step(int(rng.integers(env.action_space.n)))
            if frame_number % keep_every == 0:
                frames.append((observation, ale.getScreenGrayscale(),
                               f"a real {game} screen (210, 160, 3), emulator frame {frame_number}"))
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
def test_to_grayscale(ex, ale_gray_frames):
    rng = np.random.default_rng(SEED)
    hint = ("Y = 0.299 R + 0.587 G + 0.114 B, with red the FIRST channel (ALE gives RGB, not OpenCV's BGR); "
            "compute it in floating point and return uint8 of shape (height, width)")
    # Independent oracles: pure colours, whose luminance is written out here (round(0.299 * 255) = 76, ...).
    pure = [([255, 0, 0], 76, "pure red (3, 4, 3): only the red weight counts, 0.299 x 255 = 76.2"),
            ([0, 255, 0], 150, "pure green (3, 4, 3): only the green weight counts, 0.587 x 255 = 149.7"),
            ([0, 0, 255], 29, "pure blue (3, 4, 3): only the blue weight counts, 0.114 x 255 = 29.1"),
            ([255, 255, 255], 255, "pure white (3, 4, 3): must stay 255, not overflow"),
            ([100, 100, 100], 100, "gray (100, 100, 100) (3, 4, 3): the weights add up to 1")]
    for colour, luminance, inputs in pure:
        rgb = np.full((3, 4, 3), colour, dtype=np.uint8)
        expected = np.full((3, 4), luminance, dtype=np.uint8)
        assert np.array_equal(reference.to_grayscale(rgb), expected)  # own sanity check
        got = call(ex, "to_grayscale", rgb.copy(), inputs=inputs)
        check_array(got, expected, what="to_grayscale", inputs=inputs, hint=hint)
        assert_matches(got.astype(np.float64), expected.astype(np.float64), what="to_grayscale (values as numbers)",
                       inputs=inputs, atol=1, rtol=0, hint=hint + " (a difference of 1 from rounding is accepted)")
    # Independent oracle: ALE's own grayscale screen of the same frame.
    for rgb, ale_gray, why in ale_gray_frames:
        inputs = why
        assert np.array_equal(reference.to_grayscale(rgb), ale_gray)  # own sanity check: the agent's frames
        got = call(ex, "to_grayscale", rgb.copy(), inputs=inputs)
        check_array(got, ale_gray, what="to_grayscale", inputs=inputs, hint=hint)
        assert_matches(got.astype(np.float64), ale_gray.astype(np.float64),
                       what="to_grayscale, against ALE's own grayscale screen (values as numbers)", inputs=inputs,
                       atol=1, rtol=0, hint=hint + " (a difference of 1 from rounding is accepted)")
    cases = [(rgb, why) for rgb, _, why in ale_gray_frames]
    cases += [(rng.integers(0, 256, size=(210, 160, 3), dtype=np.uint8), "random uint8 colours (210, 160, 3)")
              for _ in range(3)]
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
    # Independent oracle: halving a (168, 168) image, each output pixel is the mean of its 2x2 block.
    blocks = rng.integers(0, 256, size=(168, 168), dtype=np.uint8)
    means = blocks.reshape(84, 2, 84, 2).astype(np.float64).mean(axis=(1, 3))
    inputs = "random uint8 (168, 168), default size: every output pixel covers exactly a 2 x 2 block"
    got = call(ex, "resize_frame", blocks.copy(), inputs=inputs)
    check_array(got, np.zeros((84, 84), np.uint8), what="resize_frame", inputs=inputs, hint=hint)
    assert_matches(got.astype(np.float64), means, what="resize_frame, against the 2 x 2 block means (as numbers)",
                   inputs=inputs, atol=0.5, rtol=0,
                   hint="area interpolation averages the input pixels each output pixel covers (within 0.5 for "
                        "rounding); " + hint)
    for gray, why in grays:
        for size in [(84, 84), (110, 84), (84, 60)]:
            height, width = size
            inputs = f"{why}, height={height}, width={width}"
            expected = reference.resize_frame(gray, height, width)
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
    cases = []  # (stack, frame, the next stack built from its frames: an independent oracle, description)
    for k in [4, 2, 1]:
        for t in range(k, len(stack_frames)):
            stack = np.stack(stack_frames[t - k:t])  # oldest first, as the environment gives it
            cases.append((stack, stack_frames[t], np.stack(stack_frames[t - k + 1:t + 1]),
                          f"a real Breakout stack uint8 {stack.shape} (agent steps {t - k}..{t - 1}) and the "
                          f"frame of step {t}"))
    for shape in [(4, 5, 7), (3, 2, 6)]:
        frames = [rng.normal(size=shape[1:]).astype(np.float32) for _ in range(shape[0] + 1)]
        cases.append((np.stack(frames[:-1]), frames[-1], np.stack(frames[1:]),
                      f"a float32 stack {shape} with distinct random frames and a new random frame"))
    hint = ("index 0 is the oldest frame and index k-1 the newest: drop index 0, append the new frame at the "
            "end, keep the shape (k, H, W) and the dtype, and return a new array")
    for stack, frame, oracle, inputs in cases:
        expected = reference.push_frame(stack, frame)
        assert np.array_equal(expected, oracle)  # own sanity check
        given_stack, given_frame = stack.copy(), frame.copy()
        got = call(ex, "push_frame", given_stack, given_frame, inputs=inputs)
        check_array(got, expected, what="push_frame", inputs=inputs, hint=hint)
        check_unchanged(stack, given_stack, what="push_frame", inputs=inputs)
        check_unchanged(frame, given_frame, what="push_frame", inputs=inputs)
        assert_matches(got, oracle, what="push_frame (the stack of the last k frames, oldest first)", inputs=inputs,
                       hint=hint)
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
        oracle = np.stack([frame] * history_length)  # independent: the frame, history_length times
        assert np.array_equal(expected, oracle) and expected.dtype == oracle.dtype  # own sanity check
        given = frame.copy()
        got = call(ex, "reset_stack", given, history_length, inputs=inputs)
        check_array(got, expected, what="reset_stack", inputs=inputs, hint=hint)
        assert_matches(got, oracle, what="reset_stack (every slot the first frame)", inputs=inputs, hint=hint)
        check_unchanged(frame, given, what="reset_stack", inputs=inputs)
        if np.shares_memory(got, given) or not got.flags.writeable:
            fail("reset_stack returned a view of the frame instead of a new, writable array", inputs=inputs,
                 expected="a new writable array (np.stack of copies, or np.repeat)",
                 got=f"shares memory with the frame: {np.shares_memory(got, given)}, writable: {got.flags.writeable}",
                 hint="np.broadcast_to gives a read-only view; build a real array")
