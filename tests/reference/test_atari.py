"""make_atari_env against gymnasium's own Atari preprocessing, on real Breakout frames."""

from __future__ import annotations

import math
import statistics

import ale_py
import gymnasium as gym
import numpy as np
import pytest
from gymnasium.wrappers import AtariPreprocessing, FrameStackObservation

from dqn_tutorial.atari import (
    PAPER_RANDOM_BREAKOUT,
    ale_env_id,
    lost_a_life,
    make_atari_env,
    play_random_game,
    random_agent_returns,
    summarize_scores,
)
from dqn_tutorial.errors import UserError
from dqn_tutorial.preprocessing import resize_frame

gym.register_envs(ale_py)


def gymnasium_reference_env():
    """The textbook gymnasium pipeline, configured like ours minus no-ops and FIRE."""
    env = gym.make("ALE/Breakout-v5", frameskip=1, repeat_action_probability=0.0)
    env = AtariPreprocessing(
        env, noop_max=0, frame_skip=4, screen_size=84, terminal_on_life_loss=False, grayscale_obs=True
    )
    return FrameStackObservation(env, 4)


def test_matches_gymnasium_atari_preprocessing_frame_for_frame():
    ours = make_atari_env(noop_max=0, fire_reset=False, frame_skip=4, max_last_two=True)
    reference = gymnasium_reference_env()
    # A third copy of the game, stepped one raw frame at a time, to check the final observations.
    raw = gym.make("ALE/Breakout-v5", obs_type="grayscale", frameskip=1, repeat_action_probability=0.0)
    obs, _ = ours.reset(seed=7)
    ref_obs, _ = reference.reset(seed=7)
    raw.reset(seed=7)
    np.testing.assert_array_equal(obs, ref_obs)
    assert obs.shape == (4, 84, 84) and obs.dtype == np.uint8

    actions = np.random.default_rng(123).integers(0, 4, size=420)
    total_reward, episodes_ended = 0.0, 0
    for step, action in enumerate(actions):
        obs, reward, terminated, truncated, _ = ours.step(int(action))
        ref_obs, ref_reward, ref_terminated, ref_truncated, _ = reference.step(int(action))
        raw_frames = []
        for _ in range(4):
            frame, _, raw_terminated, raw_truncated, _ = raw.step(int(action))
            raw_frames.append(frame)
            if raw_terminated or raw_truncated:
                break
        assert (reward, terminated, truncated) == (ref_reward, ref_terminated, ref_truncated), step
        expected_newest = resize_frame(np.maximum(raw_frames[-2], raw_frames[-1]))
        np.testing.assert_array_equal(obs[-1], expected_newest, err_msg=f"step {step}")
        if terminated:
            # gymnasium skips reading the screen on the frame that ends the game, so its last
            # observation holds a stale newest frame; ours holds the real final frames.
            np.testing.assert_array_equal(obs[:-1], ref_obs[:-1], err_msg=f"step {step}")
            episodes_ended += 1
            obs, _ = ours.reset()
            ref_obs, _ = reference.reset()
            raw.reset()
        np.testing.assert_array_equal(obs, ref_obs, err_msg=f"step {step}")
        total_reward += reward
    # The run must be a real check: points scored and whole games played to the end.
    assert total_reward > 0
    assert episodes_ended >= 2


def test_observation_space_and_info():
    env = make_atari_env(seed=0)
    obs, info = env.reset()
    assert env.observation_space.shape == (4, 84, 84) and env.observation_space.dtype == np.uint8
    assert env.observation_space.contains(obs)
    assert env.action_space.n == 4
    assert env.unwrapped.get_action_meanings() == ["NOOP", "FIRE", "RIGHT", "LEFT"]
    assert info["lives"] == 5 and info["life_lost"] is False
    obs, reward, terminated, truncated, info = env.step(0)
    assert env.observation_space.contains(obs)
    assert info["lives"] == 5 and info["life_lost"] is False


def test_papers_settings_reach_the_emulator():
    env = make_atari_env(sticky_action_probability=0.25, max_episode_frames=18_000)
    ale = env.unwrapped.ale
    assert ale.getFloat("repeat_action_probability") == pytest.approx(0.25)
    assert ale.getInt("max_num_frames_per_episode") == 18_000
    assert env.unwrapped._frameskip == 1  # no hidden ALE-side frame skip
    default = make_atari_env()
    assert default.unwrapped.ale.getFloat("repeat_action_probability") == 0.0


def test_max_episode_frames_counts_emulator_frames():
    env = make_atari_env(noop_max=0, fire_reset=False, max_episode_frames=100)
    env.reset(seed=0)
    steps = 0
    truncated = False
    while not truncated:
        _, _, terminated, truncated, info = env.step(0)
        steps += 1
        assert not terminated
    assert steps == 25  # 100 frames / 4 frames per agent step
    assert info["episode_frame_number"] == 100


def test_same_seed_same_game_different_seed_different_start():
    first = make_atari_env(seed=3)
    second = make_atari_env(seed=3)
    actions = np.random.default_rng(0).integers(0, 4, size=60)
    a, _ = first.reset()
    b, _ = second.reset()
    np.testing.assert_array_equal(a, b)
    for action in actions:
        a = first.step(int(action))[0]
        b = second.step(int(action))[0]
        np.testing.assert_array_equal(a, b)
    starts = {make_atari_env(seed=s).reset()[1]["episode_frame_number"] for s in range(4)}
    assert len(starts) > 1
    # No-ops are single emulator frames (NoopReset sits below FrameSkip); FIRE adds 4 frames.
    assert any(n % 4 for n in starts)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Breakout", "ALE/Breakout-v5"),
        ("breakout", "ALE/Breakout-v5"),
        ("ALE/Breakout-v5", "ALE/Breakout-v5"),
        ("spaceinvaders", "ALE/SpaceInvaders-v5"),
    ],
)
def test_game_names(name, expected):
    assert ale_env_id(name) == expected


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(game="Breakuot"), "Breakout"),
        (dict(game="NoSuchGame"), "unknown Atari game"),
        (dict(frame_skip=0), "frame_skip"),
        (dict(frame_skip=2.5), "frame_skip"),
        (dict(noop_max=-1), "noop_max"),
        (dict(history_length=0), "history_length"),
        (dict(max_episode_frames=0), "max_episode_frames"),
        (dict(sticky_action_probability=1.5), "sticky_action_probability"),
        (dict(render_mode="window"), "render_mode"),
        (dict(seed=-1), "seed"),
    ],
)
def test_bad_arguments_give_one_line_user_errors(kwargs, words):
    with pytest.raises(UserError) as caught:
        make_atari_env(**kwargs)
    message = str(caught.value)
    assert words in message and "\n" not in message


def test_rgb_rendering_for_videos():
    env = make_atari_env(seed=0, render_mode="rgb_array")
    frame = env.render()
    assert frame.shape == (210, 160, 3) and frame.dtype == np.uint8


def test_random_agent_scores_are_real_game_scores():
    env = make_atari_env()
    returns = random_agent_returns(env, episodes=3, seed=0)
    assert returns == random_agent_returns(env, episodes=3, seed=0)  # reproducible
    assert len(returns) == 3 and all(isinstance(r, float) for r in returns)
    assert all(r >= 0 and r == int(r) for r in returns)  # Breakout scores are whole points
    # A random player scores a few points per game, like the papers' baselines.
    assert 0 < np.mean(returns) < 10
    assert PAPER_RANDOM_BREAKOUT == {"2013": 1.2, "2015": 1.7}
    with pytest.raises(UserError):
        random_agent_returns(env, episodes=0, seed=0)


def test_rewards_are_not_clipped():
    # Space Invaders pays 5 to 30 points per invader, so clipping would show at once.
    env = make_atari_env("SpaceInvaders", seed=0)
    rng = np.random.default_rng(0)
    rewards = [env.step(int(rng.integers(env.action_space.n)))[1] for _ in range(150)]
    assert max(rewards) > 1


def test_life_lost_is_reported_by_lost_a_life_on_every_emulator_frame(monkeypatch):
    """FrameSkip's skip_step asks Chapter 1's lost_a_life on every emulator frame (through the module-global
    name that `--impl` replaces), and its answer is the `life_lost` the training loop receives."""
    import dqn_tutorial.frame_skipping as frame_skipping

    answers = []

    def spy(previous_info, info):
        answer = lost_a_life(previous_info, info)
        answers.append(answer)
        return answer

    monkeypatch.setattr(frame_skipping, "lost_a_life", spy)
    env = make_atari_env(seed=0, noop_max=0, fire_reset=False)
    env.reset()
    reported = []
    for _ in range(60):
        before = len(answers)
        _, _, terminated, truncated, info = env.step(1)  # FIRE: the ball is served, then lives are lost
        assert len(answers) - before in range(1, 5)  # one question per emulator frame played
        reported.append(info["life_lost"])
        assert info["life_lost"] == any(answers[before:])
        if terminated or truncated:
            break
    assert any(reported)


def test_lost_a_life():
    assert lost_a_life({"lives": 5}, {"lives": 4}) is True
    assert lost_a_life({"lives": 1}, {"lives": 0}) is True
    assert lost_a_life({"lives": 3}, {"lives": 3}) is False
    assert lost_a_life({"lives": 0}, {"lives": 5}) is False  # a reset: a new game


def test_random_agent_returns_plays_games_of_play_random_game(monkeypatch):
    import dqn_tutorial.atari as atari

    games = []

    def spy(env, rng):
        games.append(atari_play(env, rng))
        return games[-1]

    atari_play = atari.play_random_game
    monkeypatch.setattr(atari, "play_random_game", spy)
    env = make_atari_env(max_episode_frames=2_000)
    returns = random_agent_returns(env, episodes=2, seed=5)
    assert returns == [score for score, _ in games] and len(games) == 2


def test_play_random_game_counts_agent_steps_and_real_points():
    env = make_atari_env(max_episode_frames=4_000, seed=1)
    score, steps = play_random_game(env, np.random.default_rng(1))
    assert isinstance(score, float) and isinstance(steps, int)
    assert 0 < steps <= 4_000 // 4 + 1 and score == int(score) >= 0


def test_summarize_scores_is_the_sample_statistics():
    scores = [0, 2, 5, 1, 1, 9]
    mean, std, standard_error = summarize_scores(scores)
    assert mean == pytest.approx(statistics.fmean(scores))
    assert std == pytest.approx(statistics.stdev(scores))  # divides by n - 1
    assert standard_error == pytest.approx(statistics.stdev(scores) / math.sqrt(len(scores)))
    assert summarize_scores([3.0, 3.0]) == (3.0, 0.0, 0.0)
    with pytest.raises(UserError):
        summarize_scores([7.0])  # one game has no spread
