"""FrameSkip checked against a second copy of Breakout stepped one emulator frame at a time.

FrameSkip is Chapter 10's two exercises put together (skip_step, then max_of_last_two); the last tests
check that it calls them through the module, so that `--impl` runs the learner's versions.
"""

from __future__ import annotations

import ale_py
import gymnasium as gym
import numpy as np
import pytest

from dqn_tutorial import frame_skipping
from dqn_tutorial.errors import UserError
from dqn_tutorial.frame_skipping import FrameSkip, max_of_last_two, skip_step

gym.register_envs(ale_py)

NOOP, FIRE = 0, 1


def raw_breakout():
    return gym.make("ALE/Breakout-v5", obs_type="grayscale", frameskip=1, repeat_action_probability=0.0)


def play_side_by_side(skip, max_last_two, actions, seed=0):
    """Play `actions` with FrameSkip and, frame by frame, on a raw copy; check every step agrees.

    Returns what happened, for the tests to check that the interesting cases really occurred.
    """
    env = FrameSkip(raw_breakout(), skip=skip, max_last_two=max_last_two)
    raw = raw_breakout()
    obs, info = env.reset(seed=seed)
    raw_frame, raw_info = raw.reset(seed=seed)
    np.testing.assert_array_equal(obs, raw_frame)
    assert info["life_lost"] is False and info["lives"] == raw_info["lives"] == 5
    seen = dict(rewards=[], max_differs=False, life_lost_steps=[], ended_mid_skip=False, steps=0)
    lives = raw_info["lives"]
    for step, action in enumerate(actions):
        obs, reward, terminated, truncated, info = env.step(int(action))
        frames, raw_reward, life_lost_at = [raw_frame], 0.0, None
        for frame_in_skip in range(skip):
            raw_frame, r, raw_terminated, raw_truncated, raw_info = raw.step(int(action))
            frames.append(raw_frame)
            raw_reward += r
            if raw_info["lives"] < lives:
                life_lost_at = frame_in_skip
            lives = raw_info["lives"]
            if raw_terminated or raw_truncated:
                seen["ended_mid_skip"] |= frame_in_skip < skip - 1
                break
        assert reward == raw_reward, step  # rewards summed over the skip, not clipped
        assert (terminated, truncated) == (raw_terminated, raw_truncated), step
        assert info["episode_frame_number"] == raw_info["episode_frame_number"]  # stopped at the end
        expected = np.maximum(frames[-2], frames[-1]) if max_last_two else frames[-1]
        np.testing.assert_array_equal(obs, expected, err_msg=f"step {step}")
        seen["max_differs"] |= not np.array_equal(np.maximum(frames[-2], frames[-1]), frames[-1])
        assert info["life_lost"] == (life_lost_at is not None), step
        assert info["lives"] == lives
        if life_lost_at is not None:
            seen["life_lost_steps"].append((step, life_lost_at))
        seen["rewards"].append(reward)
        seen["steps"] = step + 1
        if terminated or truncated:
            break
    return seen


def random_actions(count, seed=1):
    return np.random.default_rng(seed).integers(0, 4, size=count)


def test_nature_skip_of_four_with_two_frame_max():
    seen = play_side_by_side(skip=4, max_last_two=True, actions=random_actions(260))
    assert seen["steps"] < 260  # the game was played to its end
    assert sum(seen["rewards"]) > 0
    # The max matters: on some steps it differs from the last frame (the ball moves between frames).
    assert seen["max_differs"]
    # All 5 lives were lost, each reported once; only the last one ended the game.
    assert len(seen["life_lost_steps"]) == 5
    assert seen["life_lost_steps"][-1][0] == seen["steps"] - 1


def test_2013_skip_keeps_only_the_last_frame():
    seen = play_side_by_side(skip=4, max_last_two=False, actions=random_actions(120))
    assert seen["max_differs"]  # so returning the max here would have failed the check above


def test_life_loss_inside_a_skip_and_game_end_inside_a_skip():
    # With 7 frames per step the lost lives fall in the middle of a skip, and so does the end.
    seen = play_side_by_side(skip=7, max_last_two=True, actions=random_actions(300, seed=2))
    assert any(frame < 6 for _, frame in seen["life_lost_steps"])
    assert seen["ended_mid_skip"]


def test_two_frame_max_reaches_back_into_the_previous_step():
    # With one frame per step, the frame before it comes from the previous step.
    seen = play_side_by_side(skip=1, max_last_two=True, actions=random_actions(120))
    assert seen["max_differs"]


def test_reward_is_the_sum_over_the_skip():
    # One step of 16 frames against four steps of 4 frames: same points, same final screen.
    long_skip = FrameSkip(raw_breakout(), skip=16, max_last_two=False)
    short_skip = FrameSkip(raw_breakout(), skip=4, max_last_two=False)
    long_skip.reset(seed=0)
    short_skip.reset(seed=0)
    long_rewards, short_rewards = [], []
    for action in random_actions(40, seed=1):
        obs_long, reward, *_ = long_skip.step(int(action))
        long_rewards.append(reward)
        for _ in range(4):
            obs_short, reward, *_ = short_skip.step(int(action))
            short_rewards.append(reward)
    assert sum(long_rewards) == sum(short_rewards) > 0
    np.testing.assert_array_equal(obs_long, obs_short)


def test_max_of_last_two_on_real_frames():
    raw = raw_breakout()
    raw.reset(seed=0)
    frames = [raw.step(FIRE)[0] for _ in range(40)]
    before = [frame.copy() for frame in frames[-2:]]
    merged = max_of_last_two(frames[-2], frames[-1])
    np.testing.assert_array_equal(merged, np.where(frames[-2] >= frames[-1], frames[-2], frames[-1]))
    assert merged.dtype == np.uint8 and merged is not frames[-1] and merged is not frames[-2]
    assert not np.array_equal(merged, frames[-1])  # the ball shows in both places
    for frame, copy in zip(frames[-2:], before):
        np.testing.assert_array_equal(frame, copy)  # the inputs are left alone


def test_skip_step_uses_the_frame_it_is_given():
    """A resumed run: ALE restores the emulator's state but not its screen, so the frame before the step is
    an argument (FrameSkip keeps it, and saves it in its wrapper state)."""
    raw = raw_breakout()
    frame, info = raw.reset(seed=0)
    for _ in range(60):
        frame, _, _, _, info = raw.step(FIRE)
    ale = raw.unwrapped.ale
    state = ale.cloneState(include_rng=True)
    for _ in range(20):
        raw.step(3)
    ale.restoreState(state)
    assert not np.array_equal(ale.getScreenGrayscale(), frame)  # the screen is stale after a restore
    given = frame.copy()
    (before_last, last), reward, terminated, truncated, life_lost, last_info = skip_step(
        raw, 0, 1, given, info["lives"]
    )
    assert before_last is given
    np.testing.assert_array_equal(given, frame)
    np.testing.assert_array_equal(last, ale.getScreenGrayscale())
    assert last_info["episode_frame_number"] == info["episode_frame_number"] + 1
    assert (type(reward), type(terminated), type(truncated), type(life_lost)) == (float, bool, bool, bool)


def test_frame_skip_calls_the_taught_functions(monkeypatch):
    """FrameSkip.step looks skip_step and max_of_last_two up in its module, so replacing them there (what
    `--impl` does with the learner's functions) changes what the wrapper runs."""
    calls = []

    def spy(name, function):
        def wrapped(*args, **kwargs):
            calls.append(name)
            return function(*args, **kwargs)

        return wrapped

    monkeypatch.setattr(frame_skipping, "skip_step", spy("skip_step", skip_step))
    monkeypatch.setattr(frame_skipping, "max_of_last_two", spy("max_of_last_two", max_of_last_two))
    nature, old = FrameSkip(raw_breakout(), skip=4), FrameSkip(raw_breakout(), skip=4, max_last_two=False)
    nature.reset(seed=0)
    old.reset(seed=0)
    nature.step(FIRE)
    assert calls == ["skip_step", "max_of_last_two"]
    old.step(FIRE)
    assert calls == ["skip_step", "max_of_last_two", "skip_step"]  # the 2013 agent keeps the last frame


@pytest.mark.parametrize("skip", [0, -4, 2.5, True])
def test_bad_skip(skip):
    with pytest.raises(UserError):
        FrameSkip(raw_breakout(), skip=skip)
