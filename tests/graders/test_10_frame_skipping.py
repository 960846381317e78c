"""Grader for Chapter 10 (frame skipping): compares chapters/10_frame_skipping/exercises.py with
dqn_tutorial.frame_skipping.

Run it with `pytest -k ch10`; `pytest --impl=solutions -k ch10` grades the answers instead.
"""

from __future__ import annotations

import ale_py
import gymnasium as gym
import numpy as np
import pytest

from dqn_tutorial import frame_skipping as reference
from dqn_tutorial.grading import assert_matches, call, exercise, fail

gym.register_envs(ale_py)

SEED = 10


def raw_game(game: str, colour: bool = False, max_frames: int = 108_000) -> gym.Env:
    """A raw ALE game as the papers ran it: one emulator frame per step, no sticky actions."""
    return gym.make(f"ALE/{game}-v5", obs_type="rgb" if colour else "grayscale", frameskip=1,
                    repeat_action_probability=0.0, max_num_frames_per_episode=max_frames)


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
                pairs.append((previous, frame, f"two consecutive real {game} frames ({kind}, {frame.dtype} "
                                               f"{frame.shape}, frames {index - 1} and {index})"))
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
    cases.append((bright, rng.integers(128, 256, size=(210, 160), dtype=np.uint8),
                  "two random uint8 frames (210, 160) with every pixel >= 128 (a + b does not fit in uint8)"))
    cases.append((np.zeros((210, 160), np.uint8), np.full((210, 160), 255, np.uint8),
                  "an all-0 frame and an all-255 frame"))
    cases.append((np.full((210, 160), 200, np.uint8), np.zeros((210, 160), np.uint8),
                  "an all-200 frame, then an all-0 frame (the object is only in the FIRST frame)"))
    cases.append((bright, bright.copy(), "two identical frames"))
    for _ in range(6):
        shape = [(210, 160), (84, 84), (210, 160, 3)][int(rng.integers(3))]
        cases.append((rng.integers(0, 256, size=shape, dtype=np.uint8), rng.integers(0, 256, size=shape, dtype=np.uint8),
                      f"two random uint8 frames of shape {shape}"))
    for frame_a, frame_b, inputs in cases:
        expected = reference.max_of_last_two([frame_a.copy(), frame_b.copy()])
        before_a, before_b = frame_a.copy(), frame_b.copy()
        got = call(ex, "max_of_last_two", frame_a, frame_b, inputs=inputs)
        assert_matches(got, expected, what="max_of_last_two", inputs=inputs,
                       hint="every pixel of the result is the larger of the two frames' values at that pixel: same "
                            "shape and uint8 dtype as the frames, no averaging, and nothing that can wrap around "
                            "past 255 (uint8 arithmetic is modulo 256)")
        if not (np.array_equal(before_a, frame_a) and np.array_equal(before_b, frame_b)):
            fail("max_of_last_two changed the frames it was given", inputs=inputs,
                 hint="return a new array; the frames still belong to the caller")


# ------------------------------------------------------------------------------------------------
# 10.2 skip_step
# ------------------------------------------------------------------------------------------------

class Spy(gym.Wrapper):
    """Counts the emulator frames stepped, notes a step made after the game ended, and records lives."""

    def __init__(self, env: gym.Env):
        super().__init__(env)
        self.frames = 0
        self.stepped_after_end = False
        self.ended = False
        self.lives: list[int] = []

    def reset(self, **kwargs):
        self.ended = False
        return self.env.reset(**kwargs)

    def step(self, action):
        if self.ended:
            self.stepped_after_end = True
        result = self.env.step(action)
        self.frames += 1
        self.ended = bool(result[2] or result[3])
        self.lives.append(result[4]["lives"])
        return result


# (game, skip, reset seed, action seed, agent steps at most, frame limit, why)
SKIP_SCENARIOS = [
    ("Breakout", 4, 0, 1, 300, 108_000, "the Nature setting, played until the game is over (5 lives lost)"),
    ("Breakout", 7, 0, 2, 300, 108_000, "7 frames per step: lives lost and the game's end fall inside a skip"),
    ("Breakout", 1, 3, 4, 150, 108_000, "skip 1: the max reaches back to the frame shown before the step"),
    ("SpaceInvaders", 3, 5, 6, 200, 108_000, "the 2013 paper's k = 3 for Space Invaders (its lasers flicker)"),
    ("SpaceInvaders", 4, 7, 8, 150, 108_000, "Space Invaders with k = 4"),
    ("Breakout", 4, 9, 10, 30, 50, "a 50-frame limit: the game is truncated on the 2nd frame of a skip"),
]


def play_scenario(ex, game, skip, reset_seed, action_seed, max_steps, max_frames, why):
    """Plays the same actions with the reference FrameSkip and with skip_step; returns what was seen."""
    ref_env = reference.FrameSkip(Spy(raw_game(game, max_frames=max_frames)), skip=skip, max_last_two=True)
    ref_spy = ref_env.env
    learner_env = Spy(raw_game(game, max_frames=max_frames))
    _, info = ref_env.reset(seed=reset_seed)
    lives_at_reset = info["lives"]
    learner_env.reset(seed=reset_seed)
    actions = np.random.default_rng(action_seed).integers(0, ref_env.action_space.n, size=max_steps)
    seen = {"life_lost_inside": False, "ended_inside": False, "reward": 0.0, "max_differs": False}
    for step, action in enumerate(actions):
        frames_before = ref_spy.frames
        expected = ref_env.step(int(action))
        frames_stepped = ref_spy.frames - frames_before
        observation, reward, terminated, truncated, info = expected
        expected = (observation, float(reward), bool(terminated), bool(truncated), bool(info["life_lost"]))
        inputs = (f"{game}, skip={skip}, env reset with seed={reset_seed}, agent step {step} (action {int(action)}) "
                  f"after {frames_before} emulator frames; {why}")
        learner_frames_before = learner_env.frames
        got = call(ex, "skip_step", learner_env, int(action), skip, inputs=inputs)
        if learner_env.stepped_after_end:
            fail("skip_step stepped the game after a frame said terminated or truncated", inputs=inputs,
                 hint="stop repeating the action as soon as a frame ends the game (break out of the loop)")
        learner_frames = learner_env.frames - learner_frames_before
        if learner_frames != frames_stepped:
            fail("skip_step played the wrong number of emulator frames", inputs=inputs,
                 expected=f"{frames_stepped} frames (skip={skip}, fewer only if the game ended)",
                 got=f"{learner_frames} frames",
                 hint="repeat the action `skip` times, one env.step per emulator frame")
        if not isinstance(got, tuple) or len(got) != 5:
            fail("skip_step must return a tuple of 5 items", inputs=inputs,
                 expected="(observation, total_reward, terminated, truncated, life_lost)", got=repr(type(got)))
        names = ["observation", "total reward", "terminated", "truncated", "life_lost"]
        hints = [
            "the observation is the pixelwise max of the last two frames seen: the last two of the skip, or the "
            "first frame of the skip and the screen shown before it when only one frame was played",
            "add up the rewards of every frame of the skip, not only the last one",
            "terminated as reported by the frame that ended the skip",
            "truncated as reported by the frame that ended the skip",
            "compare the lives counter on every frame with the frame before: a life lost on the 1st, 2nd or 3rd "
            "frame of a skip counts too, and a later frame must not reset the flag",
        ]
        for name, hint, got_item, expected_item in zip(names, hints, got, expected):
            assert_matches(got_item, expected_item, what=f"{name} from skip_step", inputs=inputs, hint=hint)
        # what this scenario covered (checks of the grader's own setup, below)
        lives_then = ref_spy.lives[frames_before - 1] if frames_before else lives_at_reset
        skip_lives = ref_spy.lives[frames_before:]
        drops = [i for i, (a, b) in enumerate(zip([lives_then] + skip_lives[:-1], skip_lives)) if b < a]
        seen["life_lost_inside"] |= any(i < len(skip_lives) - 1 for i in drops)
        seen["ended_inside"] |= (terminated or truncated) and frames_stepped < skip
        seen["reward"] += float(reward)
        seen["max_differs"] |= not np.array_equal(observation, learner_env.unwrapped.ale.getScreenGrayscale())
        if terminated or truncated:
            break
    return seen


@exercise("10.2", "One agent step: action repeat with the two-frame max")
def test_skip_step(ex):
    covered = {}
    for game, skip, reset_seed, action_seed, max_steps, max_frames, why in SKIP_SCENARIOS:
        seen = play_scenario(ex, game, skip, reset_seed, action_seed, max_steps, max_frames, why)
        for key, value in seen.items():
            covered[key] = covered.get(key, False) or bool(value)
    # the grader's own setup: the scenarios really contained the cases the hints talk about
    assert all(covered.values()), f"grader setup: scenarios did not cover {covered}"


# ------------------------------------------------------------------------------------------------
# 10.3 updates_due
# ------------------------------------------------------------------------------------------------

def reference_total(step, learning_starts, update_every):
    """What training.py's loop amounts to: (step - learning_starts) // update_every updates, 0 before."""
    return (step - learning_starts) // update_every if step > learning_starts else 0


@exercise("10.3", "Update cadence: one SGD update per 4 agent steps")
def test_updates_due(ex):
    # single calls at the edges, with the Nature values (learning starts after 50,000 steps, update every 4)
    edges = [(0, 0, "the first step"), (49_999, 0, "before learning starts"),
             (50_000, 0, "step == learning_starts: nothing learned yet"),
             (50_001, 0, "one step after learning starts"), (50_003, 0, "3 steps after learning starts"),
             (50_004, 0, "4 steps after learning starts: the first update"),
             (50_008, 1, "8 steps after learning starts, one update done"),
             (50_008, 2, "updates_done already equal to the total"),
             (50_008, 5, "updates_done ahead of the total"),
             (50_100, 0, "100 steps after learning starts, none done yet"),
             (10_050_000, 2_500_000, "the end of a 10M-step run (40M frames), all updates done"),
             (10_050_000, 2_499_990, "the end of a 10M-step run, 10 updates missing")]
    for step, done, why in edges:
        inputs = f"step={step}, learning_starts=50000, update_every=4, updates_done={done} ({why})"
        expected = reference.updates_due(step, 50_000, 4, done)
        got = call(ex, "updates_due", step, 50_000, 4, done, inputs=inputs)
        assert_matches(got, expected, what="updates_due", inputs=inputs,
                       hint="after `step` agent steps the run should have made (step - learning_starts) // "
                            "update_every updates in total (0 before learning starts); return what is missing, "
                            "never a negative number")

    # a training loop: call after every agent step (or every num_envs steps) and make the updates due
    loops = [(1, 50_000, 4, "the Nature rung: 1 emulator, update every 4 steps"),
             (1, 50_000, 1, "the 2013 rung: one update every agent step"),
             (8, 50_000, 4, "8 emulators: the step count grows by 8 between calls"),
             (3, 1_001, 4, "3 emulators, learning_starts not a multiple of update_every"),
             (1, 1_002, 3, "update every 3 steps, learning_starts 1002"),
             (5, 0, 4, "5 emulators, learning from the start"),
             (16, 20_000, 4, "16 emulators")]
    for num_envs, learning_starts, update_every, why in loops:
        step, done = max(learning_starts - 5 * num_envs, 0), 0
        done = reference.updates_due(step, learning_starts, update_every, 0)  # a consistent starting point
        for _ in range(120):
            step += num_envs
            inputs = (f"a training loop ({why}): step={step}, learning_starts={learning_starts}, "
                      f"update_every={update_every}, updates_done={done}")
            expected = reference.updates_due(step, learning_starts, update_every, done)
            got = call(ex, "updates_due", step, learning_starts, update_every, done, inputs=inputs)
            assert_matches(got, expected, what="updates_due", inputs=inputs,
                           hint="count totals, not calls: the loop may advance by several agent steps between two "
                                "calls (several emulators), so more than one update can be due at once; counting "
                                "starts at learning_starts")
            done += expected
        assert done == reference_total(step, learning_starts, update_every), "grader setup: reference cadence"
