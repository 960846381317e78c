"""Grader for Chapter 1 (Atari): compares chapters/01_atari/exercises.py with dqn_tutorial.atari, and
with independent oracles (answers written out by hand, the calls and rewards an env records, Python's
`statistics` module).

Run it with `pytest -k ch01`; `pytest --impl=solutions -k ch01` grades the answers instead.
"""

from __future__ import annotations

import math
import statistics

import ale_py
import gymnasium as gym
import numpy as np
import pytest

from dqn_tutorial import atari as reference
from grading import assert_matches, call, exercise, fail

gym.register_envs(ale_py)

SEED = 1


# ------------------------------------------------------------------------------------------------
# 1.1 lost_a_life
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def breakout_info_pairs():
    """(previous_info, info, description) for consecutive calls of real Breakout environments.

    Two random games on the raw emulator (one frame per step) and one on make_atari_env (4 frames per
    step), each followed by the reset that starts the next game (lives 0 -> 5).
    """
    pairs = []
    rng = np.random.default_rng(SEED)
    raw = gym.make("ALE/Breakout-v5", frameskip=1, repeat_action_probability=0.0)
    wrapped = reference.make_atari_env("Breakout", seed=SEED)
    for env, name, games in [(raw, "raw ALE Breakout, 1 frame per step", 2),
                             (wrapped, "make_atari_env Breakout, 4 frames per step", 1)]:
        _, info = env.reset(seed=SEED)
        for game in range(games):
            done = False
            while not done:
                _, _, terminated, truncated, next_info = env.step(int(rng.integers(env.action_space.n)))
                done = terminated or truncated
                change = f"lives {info['lives']} -> {next_info['lives']}"
                pairs.append((info, next_info, f"{name}, two consecutive steps ({change})"))
                info = next_info
            _, next_info = env.reset()
            pairs.append((info, next_info, f"{name}, the last step of a game and the reset after it "
                                           f"(lives {info['lives']} -> {next_info['lives']})"))
            info = next_info
        env.close()
    losses = sum(after["lives"] < before["lives"] for before, after, _ in pairs)
    assert losses >= 15, "grader setup: the random games should lose every life"  # own sanity check
    return pairs


@exercise("1.1", "Detect a lost life")
def test_lost_a_life(ex, breakout_info_pairs):
    # (previous_info, info, the answer written out, description)
    handmade = [({"lives": 5}, {"lives": 5}, False, "lives 5 -> 5 (nothing happened)"),
                ({"lives": 5}, {"lives": 4}, True, "lives 5 -> 4 (the first life lost)"),
                ({"lives": 3}, {"lives": 2}, True, "lives 3 -> 2 (a later life lost)"),
                ({"lives": 2}, {"lives": 2}, False, "lives 2 -> 2 (after a loss, nothing happened)"),
                ({"lives": 1}, {"lives": 0}, True, "lives 1 -> 0 (the last life: game over)"),
                ({"lives": 0}, {"lives": 5}, False, "lives 0 -> 5 (a reset: a new game, no life lost)"),
                ({"lives": 3}, {"lives": 5}, False, "lives 3 -> 5 (a reset in the middle of a game)"),
                ({"lives": 5, "episode_frame_number": 0}, {"lives": 4, "episode_frame_number": 850}, True,
                 "lives 5 -> 4, the dicts also holding other keys, as the env's do")]
    hint = ("compare the two `lives` counters: only a decrease is a lost life (an increase is a reset, a new "
            "game); return a bool")
    for previous_info, info, answer, why in handmade:
        inputs = f"info dicts of {why}"
        assert reference.lost_a_life(previous_info, info) is answer  # own sanity check
        got = call(ex, "lost_a_life", dict(previous_info), dict(info), inputs=inputs)
        assert_matches(got, answer, what="lost_a_life", inputs=inputs, hint=hint)
    for previous_info, info, why in breakout_info_pairs:
        inputs = f"info dicts of {why}"
        expected = reference.lost_a_life(previous_info, info)
        assert expected == (info["lives"] < previous_info["lives"])  # own sanity check
        got = call(ex, "lost_a_life", dict(previous_info), dict(info), inputs=inputs)
        assert_matches(got, expected, what="lost_a_life", inputs=inputs, hint=hint)


# ------------------------------------------------------------------------------------------------
# 1.2 play_random_game
# ------------------------------------------------------------------------------------------------

class RecordsCalls(gym.Wrapper):
    """Records the calls to reset (their seeds) and to step (action, reward, whether the game ended)."""

    def __init__(self, env: gym.Env):
        super().__init__(env)
        self.reset_seeds = []
        self.steps = 0
        self.actions, self.rewards, self.ended = [], [], []

    def reset(self, **kwargs):
        self.reset_seeds.append(kwargs.get("seed"))
        self.actions, self.rewards, self.ended = [], [], []  # the calls of the game that starts here
        return self.env.reset(**kwargs)

    def step(self, action):
        self.steps += 1
        observation, reward, terminated, truncated, info = self.env.step(action)
        self.actions.append(action)
        self.rewards.append(reward)
        self.ended.append(terminated or truncated)
        return observation, reward, terminated, truncated, info


def game_cases():
    """(env kwargs, seed, games in a row on the same env, description)."""
    cases = [(dict(game="Breakout", max_episode_frames=400), 1, 1,
              "Breakout with max_episode_frames=400: the game is cut short (truncated, not terminated)"),
             (dict(game="SpaceInvaders", max_episode_frames=2000), 1, 1,
              "SpaceInvaders (6 actions, 5 to 30 points per invader), truncated after 2000 frames")]
    cases += [(dict(game="Breakout"), seed, 2, f"Breakout from make_atari_env(seed={seed}), two games in a row")
              for seed in (0, 4)]
    return cases


@exercise("1.2", "Play one random game")
def test_play_random_game(ex):
    for kwargs, seed, games, why in game_cases():
        reference_env = reference.make_atari_env(**kwargs, seed=seed)
        learner_env = RecordsCalls(reference.make_atari_env(**kwargs, seed=seed))
        reference_rng, learner_rng = np.random.default_rng(seed), np.random.default_rng(seed)
        game_lengths = []
        for game in range(1, games + 1):
            inputs = f"{why}; game {game}, rng=np.random.default_rng({seed})"
            expected = reference.play_random_game(reference_env, reference_rng)
            resets, steps = len(learner_env.reset_seeds), learner_env.steps
            got = call(ex, "play_random_game", learner_env, learner_rng, inputs=inputs)
            if len(learner_env.reset_seeds) - resets != 1:
                fail("play_random_game must call env.reset() exactly once per game", inputs=inputs,
                     expected="1 call to reset", got=f"{len(learner_env.reset_seeds) - resets} calls",
                     hint="a game starts with env.reset(); without it the second game starts where the "
                          "first one ended")
            if learner_env.reset_seeds[-1] is not None:
                fail("play_random_game passed a seed to env.reset()", inputs=inputs,
                     expected="env.reset() without a seed (the caller has seeded the env)",
                     got=f"env.reset(seed={learner_env.reset_seeds[-1]})")
            calls = learner_env.steps - steps
            if isinstance(got, tuple) and len(got) == 2 and got[1] != calls:
                fail("play_random_game returned a step count different from the number of env.step calls",
                     inputs=inputs, expected=f"{calls} (the calls to env.step)", got=str(got[1]),
                     hint="count agent steps, one per call to env.step, not emulator frames (make_atari_env "
                          "plays 4 frames per step)")
            # Independent of the reference: what the env itself saw during this game.
            if not learner_env.ended or not learner_env.ended[-1] or any(learner_env.ended[:-1]):
                fail("play_random_game must step until the game ends, and not once more", inputs=inputs,
                     expected="the last env.step returns terminated or truncated, and no earlier one does",
                     got=f"{sum(learner_env.ended)} of {len(learner_env.ended)} steps ended the game, "
                         f"the last one: {bool(learner_env.ended and learner_env.ended[-1])}",
                     hint="loop until env.step returns terminated or truncated; a lost life is not the end")
            oracle = np.random.default_rng(seed)
            draws_before = sum(game_lengths)  # the generator's draws for the earlier games of this env
            for _ in range(draws_before):
                oracle.integers(learner_env.action_space.n)
            wanted = [int(oracle.integers(learner_env.action_space.n)) for _ in learner_env.actions]
            if [int(a) for a in learner_env.actions] != wanted:
                first = next(i for i, (a, w) in enumerate(zip(learner_env.actions, wanted)) if int(a) != w)
                fail("the actions played are not one draw of rng.integers(env.action_space.n) per step",
                     inputs=inputs, expected=f"action {wanted[first]} at step {first + 1}",
                     got=f"action {learner_env.actions[first]}",
                     hint="draw each action with int(rng.integers(env.action_space.n)) from the `rng` given, "
                          "once per step, and draw nothing else from it")
            if isinstance(got, tuple) and len(got) == 2 and isinstance(got[0], (int, float, np.number)):
                assert_matches(float(got[0]), float(sum(learner_env.rewards)), what="the score", inputs=inputs,
                               atol=1e-9, rtol=0,
                               hint="the score is the sum of the rewards env.step returned during the game, as "
                                    "they are (no clipping)")
            assert_matches(got, expected, what="(score, agent_steps)", inputs=inputs, atol=1e-9, rtol=0,
                           hint="one action per step, int(rng.integers(env.action_space.n)); add up the "
                                "rewards as returned by env.step (no clipping); count every step; stop as "
                                "soon as terminated OR truncated is True (a lost life is not the end)")
            game_lengths.append(len(learner_env.actions))
        reference_env.close()
        learner_env.close()


# ------------------------------------------------------------------------------------------------
# 1.3 summarize_scores
# ------------------------------------------------------------------------------------------------

def statistics_oracle(scores) -> tuple[float, float, float]:
    """Python's `statistics` module: mean, sample standard deviation (n - 1), and that over sqrt(n)."""
    values = [float(score) for score in scores]
    std = statistics.stdev(values)
    return statistics.fmean(values), std, std / math.sqrt(len(values))


@exercise("1.3", "Mean, standard deviation and standard error of scores")
def test_summarize_scores(ex):
    rng = np.random.default_rng(SEED)
    cases = [([0, 2], "two integer scores"),
             ([1.0, 1.0, 1.0, 1.0], "four equal scores: the spread is 0"),
             ([0, 1, 0, 2, 8, 1, 0, 3, 1, 1], "ten integer scores of random Breakout games"),
             (np.array([401.2, 380.0, 420.5]), "a numpy array of three float scores")]
    for _ in range(8):
        n = int(rng.integers(2, 60))
        scores = rng.poisson(rng.uniform(0.5, 300), size=n)
        cases.append(([int(s) for s in scores], f"{n} random integer scores (a list)"))
        cases.append((scores.astype(np.float64), f"{n} random float64 scores (an array)"))
    for scores, why in cases:
        inputs = f"scores={np.asarray(scores).tolist()[:12]}{' ...' if len(scores) > 12 else ''} ({why})"
        expected = reference.summarize_scores(scores)
        oracle = statistics_oracle(scores)
        assert np.allclose(expected, oracle, rtol=1e-12, atol=1e-12)  # own sanity check
        copy = scores.copy() if isinstance(scores, np.ndarray) else list(scores)
        got = call(ex, "summarize_scores", copy, inputs=inputs)
        hint = ("the sample standard deviation is the square root of the sum of squared deviations from the "
                "mean divided by n - 1 (numpy: ddof=1), and the standard error of the mean is std / sqrt(n)")
        assert_matches(got, oracle, what="(mean, std, standard error), against Python's statistics module",
                       inputs=inputs, atol=1e-9, rtol=1e-9, hint=hint)
        assert_matches(got, expected, what="(mean, std, standard error)", inputs=inputs, atol=1e-9, rtol=1e-9,
                       hint=hint)
