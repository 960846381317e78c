"""Frame processing and the reset wrappers, on real Breakout frames."""

from __future__ import annotations

import ale_py
import cv2
import gymnasium as gym
import numpy as np
import pytest

from dqn_tutorial.atari import make_atari_env
from dqn_tutorial.errors import UserError
from dqn_tutorial.frame_skipping import FrameSkip
from dqn_tutorial.preprocessing import (
    FRAME_SIZE,
    FireReset,
    FrameStack,
    NoopReset,
    Resize84,
    push_frame,
    reset_stack,
    resize_frame,
    to_grayscale,
)

gym.register_envs(ale_py)

NOOP, FIRE, RIGHT, LEFT = 0, 1, 2, 3


def raw_breakout(obs_type="grayscale"):
    return gym.make("ALE/Breakout-v5", obs_type=obs_type, frameskip=1, repeat_action_probability=0.0)


def test_to_grayscale_is_ale_luminance():
    env = raw_breakout(obs_type="rgb")
    env.reset(seed=0)
    for _ in range(60):  # play a little so bricks, paddle, ball and score are all on screen
        rgb, *_ = env.step(FIRE)
    gray = to_grayscale(rgb)
    assert gray.shape == (210, 160) and gray.dtype == np.uint8
    np.testing.assert_array_equal(gray, env.unwrapped.ale.getScreenGrayscale())
    # The coloured brick rows must map to several different gray levels, not one.
    assert len(np.unique(gray)) >= 6
    with pytest.raises(UserError):
        to_grayscale(gray)


def test_resize_frame_averages_areas():
    env = raw_breakout()
    frame, _ = env.reset(seed=0)
    small = resize_frame(frame)
    assert small.shape == (FRAME_SIZE, FRAME_SIZE) == (84, 84) and small.dtype == np.uint8
    # Area averaging: a pixel of the output is the mean of the input block it covers, so an
    # input made of blocks of one value keeps those values exactly.
    blocks = np.kron(np.arange(84 * 84, dtype=np.uint8).reshape(84, 84), np.ones((2, 2), np.uint8))
    np.testing.assert_array_equal(resize_frame(blocks), np.arange(84 * 84, dtype=np.uint8).reshape(84, 84))
    # Nearest-neighbour would be a different (worse) picture of the real frame.
    assert not np.array_equal(small, cv2.resize(frame, (84, 84), interpolation=cv2.INTER_NEAREST))
    with pytest.raises(UserError):
        resize_frame(np.zeros((210, 160, 3), np.uint8))


def test_noop_starts_are_raw_frames_and_follow_the_seed():
    env = NoopReset(raw_breakout(), noop_max=30)
    starts = []
    for seed in range(8):
        frame, info = env.reset(seed=seed)
        starts.append(info["episode_frame_number"])
    again, info_again = env.reset(seed=7)
    assert info_again["episode_frame_number"] == starts[-1]  # same seed, same start
    np.testing.assert_array_equal(frame, again)
    assert all(0 <= n <= 30 for n in starts)
    assert len(set(starts)) >= 4  # different seeds, different starts
    assert any(n % 4 for n in starts)  # counted in emulator frames, not agent steps of 4
    assert NoopReset(raw_breakout(), noop_max=0).reset(seed=1)[1]["episode_frame_number"] == 0
    with pytest.raises(UserError):
        NoopReset(raw_breakout(), noop_max=-3)


def lives_lost_doing_nothing(env, steps):
    """Reset, then press NOOP only; return (life_lost flags, terminated flags)."""
    env.reset(seed=0)
    lost, ended = [], []
    for _ in range(steps):
        _, _, terminated, truncated, info = env.step(NOOP)
        lost.append(info["life_lost"])
        ended.append(terminated)
        if terminated or truncated:
            break
    return lost, ended


def test_fire_reset_puts_the_ball_in_play_after_reset_and_every_lost_life():
    # Without FIRE the ball never leaves: doing nothing never costs a life.
    lost, ended = lives_lost_doing_nothing(make_atari_env(noop_max=0, fire_reset=False), steps=300)
    assert not any(lost) and not any(ended)
    # With FireReset the ball is served at reset and after each lost life, so doing nothing
    # loses all 5 lives and the game ends.
    env = make_atari_env(noop_max=0, fire_reset=True)
    _, info = env.reset(seed=0)
    assert info["episode_frame_number"] == 4  # the FIRE step: one agent step of 4 frames
    lost, ended = lives_lost_doing_nothing(env, steps=300)
    assert sum(lost) == 5
    assert ended[-1] and not any(ended[:-1])  # lost lives did not end the episode early
    assert lost[-1]  # the last life lost is the one that ends the game


def test_fire_reset_only_for_games_with_fire():
    freeway = gym.make("ALE/Freeway-v5", frameskip=1, repeat_action_probability=0.0)
    assert "FIRE" not in freeway.unwrapped.get_action_meanings()
    with pytest.raises(UserError):
        FireReset(freeway)
    # make_atari_env simply leaves it out for such games.
    env = make_atari_env("Freeway", noop_max=0, seed=0)
    _, info = env.reset()
    assert info["episode_frame_number"] == 0


def test_frame_stack_is_oldest_first_and_starts_with_copies():
    env = FrameStack(Resize84(FireReset(FrameSkip(raw_breakout()))), history_length=4)
    assert env.observation_space.shape == (4, 84, 84)
    stack, _ = env.reset(seed=0)
    assert stack.shape == (4, 84, 84) and stack.dtype == np.uint8
    for i in range(1, 4):
        np.testing.assert_array_equal(stack[i], stack[0])
    history = [stack[-1]]
    for action in [NOOP, RIGHT, RIGHT, LEFT, LEFT, NOOP]:
        new_stack, *_ = env.step(action)
        np.testing.assert_array_equal(new_stack[:-1], stack[1:])  # shifted by one
        history.append(new_stack[-1])
        stack = new_stack
    np.testing.assert_array_equal(stack, np.stack(history[-4:]))  # oldest first, newest last
    assert not np.array_equal(stack[0], stack[-1])  # the ball moved: frames really differ
    with pytest.raises(UserError):
        FrameStack(Resize84(FrameSkip(raw_breakout())), history_length=0)


def test_history_length_is_configurable():
    env = make_atari_env(history_length=2, seed=0)
    obs, _ = env.reset()
    assert obs.shape == (2, 84, 84)


def test_to_grayscale_equals_ale_grayscale_and_commutes_with_the_two_frame_max():
    """Why the agent takes ALE's grayscale screen instead of calling to_grayscale (Chapter 2).

    On real screens of two games, to_grayscale(RGB) is ALE's grayscale pixel for pixel, and the gray of
    the maximum of two consecutive RGB frames (DeepMind's order: alewrap pools RGB frames, Scale.lua
    then takes Y) equals the maximum of their grays (our order: FrameSkip pools ALE's gray frames).
    """
    for game in ("Breakout", "SpaceInvaders"):
        env = gym.make(f"ALE/{game}-v5", obs_type="rgb", frameskip=1, repeat_action_probability=0.0)
        previous, _ = env.reset(seed=0)
        previous_gray = env.unwrapped.ale.getScreenGrayscale()
        rng = np.random.default_rng(0)
        for _ in range(400):
            rgb, _, terminated, truncated, _ = env.step(int(rng.integers(env.action_space.n)))
            gray = env.unwrapped.ale.getScreenGrayscale()
            np.testing.assert_array_equal(to_grayscale(rgb), gray)
            np.testing.assert_array_equal(to_grayscale(np.maximum(previous, rgb)), np.maximum(previous_gray, gray))
            previous, previous_gray = rgb, gray
            if terminated or truncated:
                previous, _ = env.reset()
                previous_gray = env.unwrapped.ale.getScreenGrayscale()
        env.close()


def test_resize_frame_takes_any_size():
    frame = np.arange(210 * 160, dtype=np.int64).reshape(210, 160).astype(np.uint8)
    assert resize_frame(frame, 110, 84).shape == (110, 84)  # the 2013 paper's first step
    np.testing.assert_array_equal(resize_frame(frame), resize_frame(frame, 84, 84))
    expected = cv2.resize(frame, (60, 84), interpolation=cv2.INTER_AREA)  # cv2 takes (width, height)
    np.testing.assert_array_equal(resize_frame(frame, 84, 60), expected)


def test_push_frame_and_reset_stack():
    frames = [np.full((3, 5), value, np.uint8) for value in range(6)]
    stack = reset_stack(frames[0], 4)
    assert stack.shape == (4, 3, 5) and stack.dtype == np.uint8 and not np.shares_memory(stack, frames[0])
    for frame in frames[1:]:
        before = stack.copy()
        new = push_frame(stack, frame)
        np.testing.assert_array_equal(stack, before)  # the old stack is left as it was
        stack = new
    np.testing.assert_array_equal(stack, np.stack(frames[-4:]))  # oldest first
    with pytest.raises(UserError):
        push_frame(stack, np.zeros((3, 5), np.float32))  # a frame of another dtype
    with pytest.raises(UserError):
        reset_stack(frames[0], 0)


def test_the_wrappers_call_the_taught_functions(monkeypatch):
    """Resize84 calls resize_frame and FrameStack calls reset_stack and push_frame, through module-global
    names, so `--impl` (which replaces those names) reaches them."""
    import dqn_tutorial.preprocessing as preprocessing

    calls = {"resize_frame": 0, "reset_stack": 0, "push_frame": 0}
    for name in calls:
        original = getattr(preprocessing, name)

        def counting(*args, _original=original, _name=name, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(preprocessing, name, counting)
    env = make_atari_env(seed=0, noop_max=0)
    calls.update(resize_frame=0, reset_stack=0, push_frame=0)
    env.reset()
    for _ in range(5):
        env.step(0)
    assert calls["reset_stack"] == 1 and calls["push_frame"] == 5
    assert calls["resize_frame"] == 1 + 5  # the reset's frame (after FireReset's FIRE), then one per step


def test_frame_stack_state_round_trip_continues_the_same_stacks():
    env = make_atari_env(seed=3)
    env.reset()
    for _ in range(6):
        env.step(2)
    stack_wrapper = env
    while not isinstance(stack_wrapper, FrameStack):
        stack_wrapper = stack_wrapper.env
    state = stack_wrapper.get_wrapper_state()
    assert len(state["frames"]) == 4 and all(frame.shape == (84, 84) for frame in state["frames"])
    expected = np.stack(state["frames"])
    stack_wrapper.stack[:] = 0  # spoil it, then restore
    stack_wrapper.set_wrapper_state(state)
    np.testing.assert_array_equal(stack_wrapper.stack, expected)
    observation, *_ = env.step(3)
    np.testing.assert_array_equal(observation[:3], expected[1:])
    observation[:] = 0  # a caller writing into an observation does not change the next stack
    following, *_ = env.step(3)
    assert following[2].any()
    empty = FrameStack(Resize84(FrameSkip(raw_breakout())), history_length=4)
    assert empty.get_wrapper_state() == {"frames": []}
    empty.set_wrapper_state({"frames": []})
    assert empty.stack is None
