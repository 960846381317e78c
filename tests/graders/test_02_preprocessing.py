"""Grader for Chapter 2 (preprocessing): compares chapters/02_preprocessing/exercises.py with
dqn_tutorial.preprocessing, on real Atari screens, and with independent oracles (the exact luminance in
integer arithmetic, ALE's own grayscale screen, block averages written out here, stacks built from their
frames).

Run it with `pytest -k ch02`; `pytest --impl=solutions -k ch02` grades the answers instead.
"""

from __future__ import annotations

import ale_py
import cv2
import gymnasium as gym
import numpy as np
import pytest

from checks import assert_inputs_unchanged_for
from dqn_tutorial import preprocessing as reference
from dqn_tutorial.atari import make_atari_env
from grading import assert_matches, call, exercise, fail

gym.register_envs(ale_py)

SEED = 2
ROUNDING = 0.51  # a luminance rounded to the nearest integer is within 0.5 of the exact value (+ cv2's fixed point)


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
        frames.append(
            (observation, ale.getScreenGrayscale(), f"a real {game} screen (210, 160, 3) at the start of a game")
        )
        for frame_number in range(1, 241):
            observation, _, terminated, truncated, _ = env.step(int(rng.integers(env.action_space.n)))
            if frame_number % keep_every == 0:
                frames.append(
                    (
                        observation,
                        ale.getScreenGrayscale(),
                        f"a real {game} screen (210, 160, 3), emulator frame {frame_number}",
                    )
                )
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
    """Type, shape and dtype as the reference's (the real dtypes in the message), before any value."""
    if not isinstance(got, np.ndarray):
        assert_matches(got, expected, what=what, inputs=inputs, hint=hint)  # names the wrong type
    if got.shape != expected.shape:
        fail(
            f"{what}: wrong shape {got.shape}, expected {expected.shape}",
            inputs=inputs,
            expected=f"{expected.dtype} array of shape {expected.shape}",
            got=f"{got.dtype} array of shape {got.shape}",
            hint=hint,
        )
    if got.dtype != expected.dtype:
        advice = hint
        if expected.dtype == np.uint8 and got.dtype.kind == "f":
            advice = (
                f"the values may be right, but a {got.dtype} frame takes {got.dtype.itemsize} times the memory "
                f"of a uint8 one (the replay memory holds a million frames): the contract says uint8; " + hint
            )
        elif expected.dtype == np.uint8 and got.dtype.kind in "iu":
            advice = f"{got.dtype} is not uint8: convert the final result to the contract's dtype; " + hint
        fail(
            f"{what}: wrong dtype {got.dtype}, the contract says {expected.dtype}",
            inputs=inputs,
            expected=f"{expected.dtype} array of shape {expected.shape}",
            got=f"{got.dtype} array of shape {got.shape}",
            hint=advice,
        )


def pixel_pattern(got: np.ndarray, target: np.ndarray, exact: np.ndarray | None, bad: np.ndarray) -> str | None:
    """A sentence naming the pattern of the wrong pixels, or None: truncation, rounding up, wrapped uint8."""
    got_int = got.astype(np.int64)
    if exact is not None and np.array_equal(got_int, np.floor(exact + 1e-6).astype(np.int64)):
        return (
            "every pixel is the exact value with its fraction cut off (truncation: every difference is exactly 1, "
            "downwards): converting a float to uint8 with astype() truncates instead of rounding to the nearest "
            "integer"
        )
    if exact is not None and np.array_equal(got_int, np.ceil(exact - 1e-6).astype(np.int64)):
        return "every pixel is the exact value rounded up (ceil), not to the nearest integer"
    diff = got_int[bad] - np.rint(target[bad]).astype(np.int64)
    if ((target[bad] >= 128) & (diff <= -64)).any() and not (diff >= 64).any():
        return (
            "bright pixels came out dark: arithmetic in uint8 wraps around past 255 (200 + 100 gives 44); "
            "compute in a wider type and convert at the end"
        )
    if np.abs(diff).max() <= 1:
        return "every wrong pixel is off by exactly 1: close, but not rounded to the nearest integer"
    return None


def check_pixels(got, target, *, what, inputs, hint, tolerance=0.0, exact=None):
    """Pixels of the uint8 image `got` against `target` (uint8 or float), within `tolerance`.

    `exact`: the unrounded values (float), shown next to each wrong pixel and used to recognise truncation.
    """
    target_values = target.astype(np.float64)
    bad = np.abs(got.astype(np.float64) - target_values) > tolerance + 1e-9
    if not bad.any():
        return
    where = np.argwhere(bad)
    lines = ["first wrong pixels (index: got vs expected):"]
    for index in where[:5]:
        key = tuple(int(i) for i in index)
        expected_text = f"{target_values[key]:g}" + (
            f" (exact value {exact[key]:.3f})" if exact is not None and exact is not target else ""
        )
        lines.append(f"  {list(key)}: {got[key]} vs {expected_text}")
    if len(where) > 5:
        lines.append(f"  ... {len(where) - 5} more")
    pattern = pixel_pattern(got, target_values, exact, bad)
    fail(
        f"{what}: {len(where)} of {got.size} pixels differ" + (f" by more than {tolerance:g}" if tolerance else ""),
        inputs=inputs,
        expected=(
            f"uint8 values within {tolerance:g} of the values below (rounded to the nearest integer)"
            if tolerance
            else "uint8 values equal to the reference's"
        ),
        got=f"{got.dtype} array of shape {got.shape}",
        details="\n".join(lines),
        hint=(pattern + "; " + hint) if pattern else hint,
    )


# ------------------------------------------------------------------------------------------------
# 2.1 to_grayscale
# ------------------------------------------------------------------------------------------------


def exact_luminance(rgb: np.ndarray) -> np.ndarray:
    """0.299 R + 0.587 G + 0.114 B, exactly: integer arithmetic, one division (an oracle without float error)."""
    return (rgb.astype(np.int64) @ np.array([299, 587, 114])) / 1000.0


@exercise("2.1", "Grayscale (luminance)")
def test_to_grayscale(ex, ale_gray_frames):
    rng = np.random.default_rng(SEED)
    hint = (
        "Y = 0.299 R + 0.587 G + 0.114 B, with red the FIRST channel (ALE gives RGB, not OpenCV's BGR), rounded "
        "to the nearest integer, as uint8 of shape (height, width)"
    )
    cases = []  # (rgb, description)
    # Pure colours, whose luminance is written out here (0.299 x 255 = 76.245, ...).
    pure = [
        ([255, 255, 255], 255, "pure white (3, 4, 3): must stay 255, not overflow"),
        ([255, 0, 0], 76, "pure red (3, 4, 3): only the red weight counts, 0.299 x 255 = 76.2"),
        ([0, 255, 0], 150, "pure green (3, 4, 3): only the green weight counts, 0.587 x 255 = 149.7"),
        ([0, 0, 255], 29, "pure blue (3, 4, 3): only the blue weight counts, 0.114 x 255 = 29.1"),
        ([100, 100, 100], 100, "gray (100, 100, 100) (3, 4, 3): the weights add up to 1"),
        (
            [200, 180, 10],
            167,
            "orange (200, 180, 10) (3, 4, 3): 0.299 x 200 + 0.587 x 180 + 0.114 x 10 = 166.6, rounds to 167",
        ),
    ]
    for colour, luminance, why in pure:
        rgb = np.full((3, 4, 3), colour, dtype=np.uint8)
        assert np.array_equal(np.rint(exact_luminance(rgb)), np.full((3, 4), luminance))  # own sanity check
        cases.append((rgb, why))
    for rgb, ale_gray, why in ale_gray_frames:
        # own sanity checks: ALE's grayscale screen is the exact luminance rounded, and the reference is ALE's
        assert np.abs(ale_gray - exact_luminance(rgb)).max() <= 0.5 + 1e-9
        assert np.array_equal(reference.to_grayscale(rgb), ale_gray)
        cases.append((rgb, why + ", whose luminance ALE also computes (getScreenGrayscale)"))
    cases += [
        (rng.integers(0, 256, size=(210, 160, 3), dtype=np.uint8), "random uint8 colours (210, 160, 3)")
        for _ in range(3)
    ]
    for rgb, inputs in cases:
        expected = reference.to_grayscale(rgb.copy())
        exact = exact_luminance(rgb)
        given = rgb.copy()
        got = call(ex, "to_grayscale", given, inputs=inputs)
        check_array(got, expected, what="to_grayscale", inputs=inputs, hint=hint)
        assert_inputs_unchanged_for("to_grayscale", inputs, rgb=(rgb, given))
        check_pixels(got, exact, what="to_grayscale", inputs=inputs, hint=hint, tolerance=ROUNDING, exact=exact)


# ------------------------------------------------------------------------------------------------
# 2.2 resize_frame
# ------------------------------------------------------------------------------------------------


@exercise("2.2", "Resize to 84x84")
def test_resize_frame(ex, rgb_frames):
    rng = np.random.default_rng(SEED)
    grays = [
        (reference.to_grayscale(rgb), why.replace("screen (210, 160, 3)", "screen in gray (210, 160)"))
        for rgb, why in rgb_frames
    ]
    grays += [
        (rng.integers(0, 256, size=(210, 160), dtype=np.uint8), "random uint8 (210, 160)"),
        (rng.integers(0, 256, size=(97, 131), dtype=np.uint8), "random uint8 (97, 131), not Atari-sized"),
    ]
    hint = (
        "area interpolation (cv2.INTER_AREA) on the uint8 frame, output shape (height, width); cv2 takes the size "
        "as (width, height), the opposite of numpy's order"
    )
    # Independent oracle: halving a (168, 168) image, each output pixel is the mean of its 2x2 block.
    blocks = rng.integers(0, 256, size=(168, 168), dtype=np.uint8)
    means = blocks.reshape(84, 2, 84, 2).astype(np.float64).mean(axis=(1, 3))
    inputs = "random uint8 (168, 168), default size: every output pixel covers exactly a 2 x 2 block"
    given = blocks.copy()
    got = call(ex, "resize_frame", given, inputs=inputs)
    check_array(got, np.zeros((84, 84), np.uint8), what="resize_frame", inputs=inputs, hint=hint)
    assert_inputs_unchanged_for("resize_frame", inputs, gray=(blocks, given))
    check_pixels(
        got,
        means,
        what="resize_frame, against the 2 x 2 block means",
        inputs=inputs,
        tolerance=0.5,
        exact=means,
        hint="area interpolation averages the input pixels each output pixel covers, rounded to "
        "the nearest integer; " + hint,
    )
    for gray, why in grays:
        for size in [(84, 84), (110, 84), (84, 60)]:
            height, width = size
            inputs = f"{why}, height={height}, width={width}"
            expected = reference.resize_frame(gray, height, width)
            exact = cv2.resize(gray.astype(np.float64), (width, height), interpolation=cv2.INTER_AREA)
            given = gray.copy()
            if size == (84, 84):
                got = call(ex, "resize_frame", given, inputs=inputs)
            else:
                got = call(ex, "resize_frame", given, height, width, inputs=inputs)
            check_array(got, expected, what="resize_frame", inputs=inputs, hint=hint)
            assert_inputs_unchanged_for("resize_frame", inputs, gray=(gray, given))
            check_pixels(got, expected, what="resize_frame", inputs=inputs, hint=hint, exact=exact)


# ------------------------------------------------------------------------------------------------
# 2.3 push_frame
# ------------------------------------------------------------------------------------------------


@exercise("2.3", "Push a frame onto the stack")
def test_push_frame(ex, stack_frames):
    rng = np.random.default_rng(SEED)
    cases = []  # (stack, frame, the next stack built from its frames: an independent oracle, description)
    for k in [4, 2, 1]:
        for t in range(k, len(stack_frames)):
            stack = np.stack(stack_frames[t - k : t])  # oldest first, as the environment gives it
            cases.append(
                (
                    stack,
                    stack_frames[t],
                    np.stack(stack_frames[t - k + 1 : t + 1]),
                    f"a real Breakout stack uint8 {stack.shape} (agent steps {t - k}..{t - 1}) and the "
                    f"frame of step {t}",
                )
            )
    for shape in [(4, 5, 7), (3, 2, 6)]:
        frames = [rng.normal(size=shape[1:]).astype(np.float32) for _ in range(shape[0] + 1)]
        cases.append(
            (
                np.stack(frames[:-1]),
                frames[-1],
                np.stack(frames[1:]),
                f"a float32 stack {shape} with distinct random frames and a new random frame",
            )
        )
    hint = (
        "index 0 is the oldest frame and index k-1 the newest: the oldest leaves, the new frame comes in as the "
        "newest; the shape (k, H, W) and the dtype stay, and the result is a new array"
    )
    for stack, frame, oracle, inputs in cases:
        expected = reference.push_frame(stack, frame)
        assert np.array_equal(expected, oracle)  # own sanity check
        given_stack, given_frame = stack.copy(), frame.copy()
        got = call(ex, "push_frame", given_stack, given_frame, inputs=inputs)
        check_array(got, expected, what="push_frame", inputs=inputs, hint=hint)
        assert_inputs_unchanged_for("push_frame", inputs, stack=(stack, given_stack), frame=(frame, given_frame))
        assert_matches(
            got, oracle, what="push_frame (the stack of the last k frames, oldest first)", inputs=inputs, hint=hint
        )
        assert_matches(got, expected, what="push_frame", inputs=inputs, hint=hint)
        if np.shares_memory(got, given_stack) or np.shares_memory(got, given_frame):
            fail(
                "push_frame returned an array that shares memory with its inputs",
                inputs=inputs,
                hint="the new stack must be a new array: writing into it later must not change the old stack "
                "or the frame, which the caller may have stored",
            )


# ------------------------------------------------------------------------------------------------
# 2.4 reset_stack
# ------------------------------------------------------------------------------------------------


@exercise("2.4", "The first stack of a game")
def test_reset_stack(ex, stack_frames):
    rng = np.random.default_rng(SEED)
    cases = [
        (stack_frames[0], k, f"the first real Breakout frame uint8 (84, 84) of a game, history_length={k}")
        for k in [4, 1, 2, 6]
    ]
    cases.append((stack_frames[5], 4, "a real Breakout frame uint8 (84, 84) in the middle of a game, history_length=4"))
    cases.append((rng.normal(size=(5, 7)).astype(np.float32), 3, "a random float32 frame (5, 7), history_length=3"))
    hint = (
        "at the start of a game every slot of the stack holds the first frame (not zeros); the stack's "
        "shape is (history_length, H, W), frames along the first axis, in the frame's dtype"
    )
    for frame, history_length, inputs in cases:
        expected = reference.reset_stack(frame, history_length)
        oracle = np.stack([frame] * history_length)  # independent: the frame, history_length times
        assert np.array_equal(expected, oracle) and expected.dtype == oracle.dtype  # own sanity check
        given = frame.copy()
        got = call(ex, "reset_stack", given, history_length, inputs=inputs)
        check_array(got, expected, what="reset_stack", inputs=inputs, hint=hint)
        assert_inputs_unchanged_for("reset_stack", inputs, frame=(frame, given))
        assert_matches(got, oracle, what="reset_stack (every slot the first frame)", inputs=inputs, hint=hint)
        if np.shares_memory(got, given) or not got.flags.writeable:
            fail(
                "reset_stack returned a view of the frame instead of a new, writable array",
                inputs=inputs,
                expected="a new writable array that shares no memory with the frame",
                got=f"shares memory with the frame: {np.shares_memory(got, given)}, writable: {got.flags.writeable}",
                hint="a broadcast or strided view looks like a stack but is read-only and is the frame itself: "
                "the next push would write into it",
            )
        got[0] += 1  # the slots must be independent copies: writing into one leaves the others as they were
        if not np.array_equal(got[1:], oracle[1:]):
            fail(
                "reset_stack returned slots that share memory with each other",
                inputs=inputs,
                expected="history_length independent copies of the frame",
                got="writing into slot 0 changed other slots too",
                hint="each slot must be its own copy of the frame, not a view of the same memory",
            )
