"""Grader for Chapter 10 (frame skipping): compares chapters/10_frame_skipping/exercises.py with
dqn_tutorial.frame_skipping.

Run it with `pytest -k ch10`; `pytest --impl=solutions -k ch10` grades the answers instead.
"""

from __future__ import annotations

import ale_py
import gymnasium as gym
import numpy as np
import pytest

from checks import assert_inputs_unchanged_for, assert_python_type, snapshot
from dqn_tutorial import frame_skipping as reference
from grading import assert_matches, call, exercise, fail

gym.register_envs(ale_py)

SEED = 10


def raw_game(game: str, colour: bool = False, max_frames: int = 108_000) -> gym.Env:
    """A raw ALE game as the papers ran it: one emulator frame per step, no sticky actions."""
    return gym.make(
        f"ALE/{game}-v5",
        obs_type="rgb" if colour else "grayscale",
        frameskip=1,
        repeat_action_probability=0.0,
        max_num_frames_per_episode=max_frames,
    )


# ------------------------------------------------------------------------------------------------
# 10.1 max_of_last_two
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def frame_pairs():
    """(frame_a, frame_b, description): consecutive real frames, in gray and in colour."""
    pairs = []
    for game, colour, count in [("SpaceInvaders", False, 4), ("Breakout", False, 3), ("SpaceInvaders", True, 2)]:
        env = raw_game(game, colour)
        frame, _ = env.reset(seed=SEED)
        rng = np.random.default_rng(SEED)
        found = 0
        for index in range(1, 600):
            previous = frame
            frame, _, terminated, truncated, _ = env.step(int(rng.integers(env.action_space.n)))
            # keep pairs where each frame has pixels the other lacks (flicker or motion)
            if index > 100 and (previous > frame).any() and (frame > previous).any() and index % 7 == 0:
                kind = "colour" if colour else "grayscale"
                pairs.append(
                    (
                        previous,
                        frame,
                        f"two consecutive real {game} frames ({kind}, {frame.dtype} "
                        f"{frame.shape}, frames {index - 1} and {index})",
                    )
                )
                found += 1
                if found == count:
                    break
            if terminated or truncated:
                frame, _ = env.reset()
        env.close()
    assert len(pairs) == 9, "grader setup: not enough real frame pairs"
    return pairs


@exercise("10.1", "Maximum of the last two frames")
def test_max_of_last_two(ex, frame_pairs):
    rng = np.random.default_rng(SEED)
    cases = list(frame_pairs)
    bright = rng.integers(128, 256, size=(210, 160), dtype=np.uint8)
    cases.append(
        (
            bright,
            rng.integers(128, 256, size=(210, 160), dtype=np.uint8),
            "two random uint8 frames (210, 160) with every pixel >= 128 (a + b does not fit in uint8)",
        )
    )
    cases.append(
        (np.zeros((210, 160), np.uint8), np.full((210, 160), 255, np.uint8), "an all-0 frame and an all-255 frame")
    )
    cases.append(
        (
            np.full((210, 160), 200, np.uint8),
            np.zeros((210, 160), np.uint8),
            "an all-200 frame, then an all-0 frame (the object is only in the FIRST frame)",
        )
    )
    cases.append((bright, bright.copy(), "two identical frames"))
    for _ in range(6):
        shape = [(210, 160), (84, 84), (210, 160, 3)][int(rng.integers(3))]
        cases.append(
            (
                rng.integers(0, 256, size=shape, dtype=np.uint8),
                rng.integers(0, 256, size=shape, dtype=np.uint8),
                f"two random uint8 frames of shape {shape}",
            )
        )
    for frame_a, frame_b, inputs in cases:
        expected = reference.max_of_last_two(frame_a.copy(), frame_b.copy())
        # the grader's own setup: the reference is the pixelwise maximum, written out here
        assert np.array_equal(expected, np.where(frame_a >= frame_b, frame_a, frame_b)), "grader setup: reference max"
        given_a, given_b = frame_a.copy(), frame_b.copy()
        before = snapshot({"frame_a": given_a, "frame_b": given_b})
        got = call(ex, "max_of_last_two", given_a, given_b, inputs=inputs)
        assert_inputs_unchanged_for(
            "max_of_last_two", inputs, frame_a=(before["frame_a"], given_a), frame_b=(before["frame_b"], given_b)
        )
        check_max_result(ex, got, expected, frame_a, frame_b, inputs)


def check_max_result(ex, got, expected: np.ndarray, frame_a: np.ndarray, frame_b: np.ndarray, inputs: str) -> None:
    """The learner's maximum against the reference's, naming the usual mistakes (dtype, wrap-around, average)."""
    if isinstance(got, np.ndarray) and got.shape == expected.shape and got.dtype != np.uint8:
        fail(
            f"max_of_last_two returned {got.dtype} frames from two uint8 frames",
            inputs=inputs,
            expected=f"ndarray uint8 shape {expected.shape}",
            got=f"ndarray {got.dtype} shape {got.shape}",
            hint="the result is a frame like the two it was made from: the same dtype (uint8, a byte per pixel, "
            "what the replay memory stores); the maximum of two bytes is a byte, no conversion is needed",
        )
    if isinstance(got, np.ndarray) and got.shape == expected.shape and not np.array_equal(got, expected):
        wide_a, wide_b = frame_a.astype(np.int64), frame_b.astype(np.int64)
        # the same function on int64 copies of the frames, where nothing can wrap around
        wide = call(ex, "max_of_last_two", wide_a.copy(), wide_b.copy(), inputs=inputs + ", converted to int64")
        if isinstance(wide, np.ndarray) and np.array_equal(wide, expected):
            differ = got != expected
            fail(
                "max_of_last_two: the values wrapped around (uint8 overflow)",
                inputs=inputs,
                expected="every pixel the larger of the two values",
                got=f"{int(differ.sum())} wrong pixels, e.g. {int(got[differ][0])} where the maximum is "
                f"{int(expected[differ][0])}; on the same frames converted to int64 your function is right",
                hint="uint8 arithmetic is modulo 256: 200 + 100 gives 44 and 1 - 2 gives 255, with no error. A "
                "maximum needs no sum or difference at all",
            )
        average = ((wide_a + wide_b) // 2, (wide_a + wide_b + 1) // 2)
        if any(np.abs(got.astype(np.int64) - mean).max() <= 1 for mean in average):
            fail(
                "max_of_last_two averaged the two frames instead of taking their maximum",
                inputs=inputs,
                hint="an object drawn on one frame only must keep its full brightness: every pixel is the larger "
                "of the two values",
            )
    assert_matches(
        got,
        expected,
        what="max_of_last_two",
        inputs=inputs,
        hint="every pixel of the result is the larger of the two frames' values at that pixel: same "
        "shape and uint8 dtype as the frames",
    )


# ------------------------------------------------------------------------------------------------
# 10.2 skip_step
# ------------------------------------------------------------------------------------------------


class Spy(gym.Wrapper):
    """Counts the emulator frames stepped and the resets, notes a step made after the game ended, and records
    each frame."""

    def __init__(self, env: gym.Env):
        super().__init__(env)
        self.frames = 0
        self.resets = 0
        self.stepped_after_end = False
        self.ended = False
        self.lives: list[int] = []
        self.rewards: list[float] = []
        self.screens: list[np.ndarray] = []

    def reset(self, **kwargs):
        self.resets += 1
        self.ended = False
        return self.env.reset(**kwargs)

    def step(self, action):
        if self.ended:
            self.stepped_after_end = True
        result = self.env.step(action)
        self.frames += 1
        self.ended = bool(result[2] or result[3])
        self.lives.append(result[4]["lives"])
        self.rewards.append(float(result[1]))
        self.screens.append(result[0].copy())
        return result


# (game, skip, reset seed, action seed, agent steps at most, frame limit, why)
SKIP_SCENARIOS = [
    ("Breakout", 4, 0, 1, 300, 108_000, "the Nature setting, played until the game is over (5 lives lost)"),
    ("Breakout", 7, 0, 2, 300, 108_000, "7 frames per step: lives lost and the game's end fall inside a skip"),
    ("Breakout", 1, 3, 4, 150, 108_000, "skip 1: the first of the two frames is previous_frame"),
    ("SpaceInvaders", 3, 5, 6, 200, 108_000, "the 2013 paper's k = 3 for Space Invaders (its lasers flicker)"),
    (
        "SpaceInvaders",
        4,
        7,
        8,
        400,
        108_000,
        "Space Invaders (a game of 3 lives) with k = 4, played until the game is over",
    ),
    ("Breakout", 4, 9, 10, 30, 50, "a 50-frame limit: the game is truncated on the 2nd frame of a skip"),
]

RESULT = "((frame_before_last, last_frame), total_reward, terminated, truncated, life_lost, info)"
ITEM_HINTS = {
    "the frame before the last": "the first of the two frames is the second-to-last frame seen: the frame before the "
    "last one of the skip, or `previous_frame` itself when only one frame was played "
    "(skip == 1, or the game ended on the skip's first frame); take it from the "
    "argument, not from the emulator's screen (a restored emulator does not restore it)",
    "the last frame": "the second of the two frames is the frame returned by the last env.step of the skip",
    "total reward": "add up the rewards of every frame of the skip (as floats), not only the last one",
    "terminated": "terminated as reported by the frame that ended the skip, as a Python bool",
    "truncated": "truncated as reported by the frame that ended the skip, as a Python bool",
    "life_lost": "compare the lives counter on every frame with the frame before (the first with `lives`): a life "
    "lost on the 1st, 2nd or 3rd frame of a skip counts too, and a later frame must not reset the flag",
}


def check_skip_result(got, expected, learner_env, previous_frame, previous_copy, inputs):
    """The learner's skip_step result against the reference's, item by item, with pointed messages."""
    assert_inputs_unchanged_for("skip_step", inputs, previous_frame=(previous_copy, previous_frame))
    if learner_env.resets:
        fail(
            "skip_step reset the game",
            inputs=inputs,
            expected="no call of env.reset",
            got=f"{learner_env.resets} call(s) of env.reset",
            hint="skip_step plays one agent step and reports how the game ended (terminated, truncated): starting "
            "the next game is the caller's job, and a reset here would hide the last frame and info from it",
        )
    if not isinstance(got, tuple) or len(got) != 6:
        fail(
            "skip_step must return a tuple of 6 items",
            inputs=inputs,
            expected=RESULT,
            got=f"{type(got).__name__} of {len(got) if isinstance(got, (tuple, list)) else '?'} items",
            hint="return the last two frames as a pair (the wrapper takes their max, or keeps the last one for "
            "the 2013 agent), not their maximum",
        )
    last_two = got[0]
    if not isinstance(last_two, (tuple, list)) or len(last_two) != 2:
        fail(
            "the first item of skip_step's result must be the pair (frame_before_last, last_frame)",
            inputs=inputs,
            expected="a tuple of two uint8 frames",
            got=f"{type(last_two).__name__}",
            hint="return the last two frames themselves, not their maximum: FrameSkip takes the max with your "
            "max_of_last_two (Nature), or keeps the last frame alone (2013)",
        )
    (expected_before, expected_last), *expected_rest = expected
    swapped = [np.array_equal(np.asarray(a), b) for a, b in zip(last_two, (expected_last, expected_before))]
    if all(swapped) and not np.array_equal(expected_before, expected_last):
        fail(
            "skip_step returned the two frames in the wrong order",
            inputs=inputs,
            expected="(frame_before_last, last_frame)",
            got="(last_frame, frame_before_last)",
            hint="the 2013 agent keeps the second frame of the pair alone: it must be the newest",
        )
    for name, item, kind in [
        ("total reward", got[1], float),
        ("terminated", got[2], bool),
        ("truncated", got[3], bool),
        ("life_lost", got[4], bool),
    ]:
        assert_python_type("skip_step", item, kind, what=name, inputs=inputs)
    flat_got = [last_two[0], last_two[1], *got[1:5]]
    flat_expected = [expected_before, expected_last, *expected_rest[:4]]
    for (name, hint), got_item, expected_item in zip(ITEM_HINTS.items(), flat_got, flat_expected):
        assert_matches(
            got_item,
            expected_item,
            what=f"{name} from skip_step",
            inputs=inputs,
            hint=hint,
            exact_type=name in ("terminated", "truncated", "life_lost", "total reward"),
        )
    info, expected_info = got[5], expected[5]
    if not isinstance(info, dict):
        fail(
            "the last item of skip_step's result must be the info dict of the last frame",
            inputs=inputs,
            expected="dict",
            got=type(info).__name__,
        )
    for key in ("lives", "episode_frame_number"):
        assert_matches(
            info.get(key),
            expected_info[key],
            what=f'info["{key}"] from skip_step',
            inputs=inputs,
            hint="return the info dict that the last env.step of the skip returned",
        )


def play_scenario(ex, game, skip, reset_seed, action_seed, max_steps, max_frames, why):
    """Plays the same actions with reference.skip_step and the learner's, each on its own copy of the game."""
    ref_env = Spy(raw_game(game, max_frames=max_frames))
    learner_env = Spy(raw_game(game, max_frames=max_frames))
    previous, info = ref_env.reset(seed=reset_seed)
    lives = starting_lives = info["lives"]
    learner_env.reset(seed=reset_seed)
    learner_env.resets = 0
    actions = np.random.default_rng(action_seed).integers(0, ref_env.action_space.n, size=max_steps)
    seen = {
        "life_lost_inside": False,
        "ended_inside": False,
        "reward": 0.0,
        "one_frame_step": False,
        "3-life game: a life lost": False,
        "3-life game: game over": False,
    }
    for step, action in enumerate(actions):
        frames_before = ref_env.frames
        expected = reference.skip_step(ref_env, int(action), skip, previous.copy(), lives)
        frames_stepped = ref_env.frames - frames_before
        # the grader's own setup: the reference against the frame-by-frame record (an independent oracle)
        record = ref_env.screens[frames_before:]
        assert np.array_equal(expected[0][1], record[-1]), "grader setup: reference last frame"
        assert np.array_equal(expected[0][0], record[-2] if len(record) > 1 else previous), "grader setup: frame before"
        assert expected[1] == sum(ref_env.rewards[frames_before:]), "grader setup: reference reward"
        inputs = (
            f"{game}, skip={skip}, env reset with seed={reset_seed}, agent step {step} (action {int(action)}) "
            f"after {frames_before} emulator frames; {why}"
        )
        previous_given = previous.copy()
        learner_frames_before = learner_env.frames
        got = call(ex, "skip_step", learner_env, int(action), skip, previous_given, lives, inputs=inputs)
        if learner_env.stepped_after_end:
            fail(
                "skip_step stepped the game after a frame said terminated or truncated",
                inputs=inputs,
                hint="stop repeating the action as soon as a frame ends the game (break out of the loop)",
            )
        learner_frames = learner_env.frames - learner_frames_before
        if learner_frames != frames_stepped:
            fail(
                "skip_step played the wrong number of emulator frames",
                inputs=inputs,
                expected=f"{frames_stepped} frames (skip={skip}, fewer only if the game ended)",
                got=f"{learner_frames} frames",
                hint="repeat the action `skip` times, one env.step per emulator frame",
            )
        check_skip_result(got, expected, learner_env, previous_given, previous, inputs)
        (_, last), reward, terminated, truncated, _, info = expected
        # what this scenario covered (checks of the grader's own setup, below)
        skip_lives = ref_env.lives[frames_before:]
        drops = [i for i, (a, b) in enumerate(zip([lives] + skip_lives[:-1], skip_lives)) if b < a]
        seen["life_lost_inside"] |= any(i < len(skip_lives) - 1 for i in drops)
        seen["ended_inside"] |= (terminated or truncated) and frames_stepped < skip
        seen["one_frame_step"] |= frames_stepped == 1 and not np.array_equal(previous, last)
        seen["reward"] += reward
        seen["3-life game: a life lost"] |= starting_lives == 3 and bool(drops)
        seen["3-life game: game over"] |= starting_lives == 3 and terminated
        previous, lives = last, info["lives"]
        if terminated or truncated:
            break
    return seen


def check_resumed_game(ex):
    """A run resumed from a checkpoint: ALE restores the emulator's state but not its screen buffer."""
    env = raw_game("Breakout")
    frame, info = env.reset(seed=SEED)
    rng = np.random.default_rng(SEED)
    for _ in range(80):
        frame, _, _, _, info = env.step(int(rng.integers(4)))
    ale = env.unwrapped.ale
    state = ale.cloneState(include_rng=True)  # the checkpoint
    saved_frame, saved_lives = frame.copy(), info["lives"]
    env = Spy(env)
    for skip in (1, 2):
        ale.restoreState(state)
        expected = reference.skip_step(env, 3, skip, saved_frame.copy(), saved_lives)
        for _ in range(20):  # the run went on after the checkpoint, then stopped
            env.step(2)
        ale.restoreState(state)  # resumed: same game, but the screen shown is stale
        assert not np.array_equal(ale.getScreenGrayscale(), saved_frame), "grader setup: the screen is stale"
        inputs = (
            f"Breakout resumed from a saved emulator state (ale.restoreState), skip={skip}: previous_frame is "
            f"the frame shown when the state was saved, but the emulator's screen buffer still shows a later "
            f"frame (ALE does not restore it)"
        )
        given = saved_frame.copy()
        env.resets = 0
        got = call(ex, "skip_step", env, 3, skip, given, saved_lives, inputs=inputs)
        check_skip_result(got, expected, env, given, saved_frame, inputs)
    env.close()


@exercise("10.2", "One agent step: action repeat over the emulator frames")
def test_skip_step(ex):
    covered = {}
    for game, skip, reset_seed, action_seed, max_steps, max_frames, why in SKIP_SCENARIOS:
        seen = play_scenario(ex, game, skip, reset_seed, action_seed, max_steps, max_frames, why)
        for key, value in seen.items():
            covered[key] = covered.get(key, False) or bool(value)
    # the grader's own setup: the scenarios really contained the cases the hints talk about
    assert all(covered.values()), f"grader setup: scenarios did not cover {covered}"
    check_resumed_game(ex)
