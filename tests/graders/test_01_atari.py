"""Grader for Chapter 1 (Atari): compares chapters/01_atari/exercises.py with dqn_tutorial.atari, and
with independent oracles (answers written out by hand, the calls, rewards and random draws an env and a
generator record, Python's `statistics` module).

Run it with `pytest -k ch01`; `pytest --impl=solutions -k ch01` grades the answers instead.
"""

from __future__ import annotations

import math
import statistics

import ale_py
import gymnasium as gym
import numpy as np
import pytest

from checks import (
    assert_global_random_untouched,
    assert_inputs_unchanged_for,
    assert_python_type,
    global_random_state,
    snapshot,
)
from dqn_tutorial import atari as reference
from grading import assert_matches, call, exercise, fail

gym.register_envs(ale_py)

SEED = 1
RNG_OFFSET = 1000  # the generator given to play_random_game is never seeded like the env and its action space


# ------------------------------------------------------------------------------------------------
# 1.1 lost_a_life
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_info_pairs():
    """(previous_info, info, description) for consecutive calls of real ALE environments.

    Two random Breakout games (5 lives) on the raw emulator (one frame per step), one Space Invaders game
    (3 lives: ALE starts it with 3) on the raw emulator, and one Breakout game on make_atari_env (4 frames
    per step), each followed by the reset that starts the next game (lives 0 -> 5, or 0 -> 3).
    """
    pairs = []
    rng = np.random.default_rng(SEED)
    breakout = gym.make("ALE/Breakout-v5", frameskip=1, repeat_action_probability=0.0)
    invaders = gym.make("ALE/SpaceInvaders-v5", frameskip=2, repeat_action_probability=0.0)
    wrapped = reference.make_atari_env("Breakout", seed=SEED)
    for env, name, games in [
        (breakout, "raw ALE Breakout (5 lives), 1 frame per step", 2),
        (invaders, "raw ALE SpaceInvaders (3 lives), 2 frames per step", 1),
        (wrapped, "make_atari_env Breakout, 4 frames per step", 1),
    ]:
        _, info = env.reset(seed=SEED)
        for _ in range(games):
            done = False
            while not done:
                _, _, terminated, truncated, next_info = env.step(int(rng.integers(env.action_space.n)))
                done = terminated or truncated
                change = f"lives {info['lives']} -> {next_info['lives']}"
                pairs.append((info, next_info, f"{name}, two consecutive steps ({change})"))
                info = next_info
            _, next_info = env.reset()
            pairs.append(
                (
                    info,
                    next_info,
                    f"{name}, the last step of a game and the reset after it "
                    f"(lives {info['lives']} -> {next_info['lives']})",
                )
            )
            info = next_info
        env.close()
    losses = sum(after["lives"] < before["lives"] for before, after, _ in pairs)
    assert losses >= 18, "grader setup: the random games should lose every life"  # own sanity check
    assert any(b["lives"] == 0 and a["lives"] == 3 for b, a, _ in pairs), "grader setup: a 3-life reset"
    return pairs


@exercise("1.1", "Detect a lost life")
def test_lost_a_life(ex, real_info_pairs):
    # (previous_info, info, the answer written out, description)
    handmade = [
        ({"lives": 5}, {"lives": 5}, False, "lives 5 -> 5 (nothing happened)"),
        ({"lives": 5}, {"lives": 4}, True, "lives 5 -> 4 (the first life lost)"),
        ({"lives": 3}, {"lives": 2}, True, "lives 3 -> 2 (a later life lost, or Space Invaders' first)"),
        ({"lives": 2}, {"lives": 2}, False, "lives 2 -> 2 (after a loss, nothing happened)"),
        ({"lives": 1}, {"lives": 0}, True, "lives 1 -> 0 (the last life: game over)"),
        ({"lives": 0}, {"lives": 5}, False, "lives 0 -> 5 (a reset: a new game, no life lost)"),
        (
            {"lives": 0},
            {"lives": 3},
            False,
            "lives 0 -> 3 (a reset of a game that starts with 3 lives, as Space Invaders does)",
        ),
        ({"lives": 3}, {"lives": 5}, False, "lives 3 -> 5 (a reset in the middle of a game)"),
        (
            {"lives": 5, "episode_frame_number": 0},
            {"lives": 4, "episode_frame_number": 850},
            True,
            "lives 5 -> 4, the dicts also holding other keys, as the env's do",
        ),
    ]
    hint = (
        "only a decrease of the lives counter between the two dicts is a lost life; an increase is a reset "
        "(a new game, and games start with 5, 3 or another number of lives); return a Python bool"
    )
    cases = [(previous_info, info, answer, f"info dicts of {why}") for previous_info, info, answer, why in handmade]
    for previous_info, info, why in real_info_pairs:
        answer = info["lives"] < previous_info["lives"]  # the answer written out
        assert reference.lost_a_life(previous_info, info) is answer  # own sanity check
        cases.append((previous_info, info, answer, f"info dicts of {why}"))
    for previous_info, info, answer, inputs in cases:
        assert reference.lost_a_life(previous_info, info) is answer  # own sanity check
        given_previous, given_info = dict(previous_info), dict(info)
        got = call(ex, "lost_a_life", given_previous, given_info, inputs=inputs)
        assert_inputs_unchanged_for(
            "lost_a_life", inputs, previous_info=(previous_info, given_previous), info=(info, given_info)
        )
        assert_matches(got, answer, what="lost_a_life", inputs=inputs, hint=hint)
        assert_python_type("lost_a_life", got, bool)


# ------------------------------------------------------------------------------------------------
# 1.2 play_random_game
# ------------------------------------------------------------------------------------------------


class RecordsCalls(gym.Wrapper):
    """Records the calls to reset (their seeds) and to step (action, reward, whether the game ended).

    Stepping a game that has ended (and not been reset) raises at once, as a real game is over then,
    instead of letting the emulator run on until the call's time limit.
    """

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
        if self.ended and self.ended[-1]:
            raise RuntimeError(
                "env.step was called after the game had ended (the previous step returned "
                "terminated or truncated) and before a reset: the game is over at that step"
            )
        self.steps += 1
        observation, reward, terminated, truncated, info = self.env.step(action)
        self.actions.append(action)
        self.rewards.append(reward)
        self.ended.append(terminated or truncated)
        return observation, reward, terminated, truncated, info


def game_cases():
    """(env kwargs, env seed, games in a row on the same env, description).

    The env and its action space are seeded with `seed`, the generator given to the function with
    seed + RNG_OFFSET: an action drawn from anything but that generator shows.
    """
    cases = [
        (
            dict(game="Breakout", max_episode_frames=400),
            1,
            1,
            "Breakout with max_episode_frames=400: the game is cut short (truncated, not terminated)",
        ),
        (
            dict(game="SpaceInvaders", max_episode_frames=8000),
            2,
            1,
            "SpaceInvaders (6 actions, 5 to 30 points per invader) played to the end: 3 lives (not Breakout's "
            "5), terminated",
        ),
        (dict(game="Breakout"), 0, 2, "Breakout from make_atari_env(seed=0), two games in a row"),
    ]
    return cases


def generator_state(generator) -> dict:
    return generator.bit_generator.state


@exercise("1.2", "Play one random game")
def test_play_random_game(ex):
    for kwargs, seed, games, why in game_cases():
        rng_seed = seed + RNG_OFFSET
        reference_env = reference.make_atari_env(**kwargs, seed=seed)
        learner_env = RecordsCalls(reference.make_atari_env(**kwargs, seed=seed))
        reference_rng, learner_rng = np.random.default_rng(rng_seed), np.random.default_rng(rng_seed)
        oracle = np.random.default_rng(rng_seed)  # draws what the learner's generator should have drawn
        for game in range(1, games + 1):
            inputs = f"{why}; game {game}, env seeded with {seed}, rng=np.random.default_rng({rng_seed})" + (
                " continuing from game 1" if game > 1 else ""
            )
            expected = reference.play_random_game(reference_env, reference_rng)
            resets, steps = len(learner_env.reset_seeds), learner_env.steps
            rng_before, space_before = generator_state(learner_rng), generator_state(learner_env.action_space.np_random)
            global_before = global_random_state()
            got = call(ex, "play_random_game", learner_env, learner_rng, inputs=inputs)
            calls = learner_env.steps - steps

            # Where the actions came from: the generator given, and nothing else.
            assert_global_random_untouched("play_random_game", global_before, inputs)
            if generator_state(learner_env.action_space.np_random) != space_before:
                fail(
                    "play_random_game drew actions from env.action_space.sample(), the environment's own generator",
                    inputs=inputs,
                    expected="every action drawn from the `rng` argument",
                    got="the state of env.action_space's generator changed during the call",
                    hint="the caller hands you `rng` so that one seed reproduces the whole run: draw from it",
                )
            if calls and generator_state(learner_rng) == rng_before:
                fail(
                    "play_random_game did not use the `rng` it was given",
                    inputs=inputs,
                    expected="the state of `rng` advanced by one draw per step",
                    got=f"{calls} steps played, `rng` untouched",
                    hint="a new generator made inside the function (np.random.default_rng(...)) ignores the "
                    "caller's seed: every call would play the same game, or an unreproducible one",
                )

            # What the env saw: one reset without a seed, steps until the game ends, and no more.
            if len(learner_env.reset_seeds) - resets != 1:
                fail(
                    "play_random_game must call env.reset() exactly once per game",
                    inputs=inputs,
                    expected="1 call to reset",
                    got=f"{len(learner_env.reset_seeds) - resets} calls",
                    hint="a game starts with a reset; without one the second game starts where the first one ended",
                )
            if learner_env.reset_seeds[-1] is not None:
                fail(
                    "play_random_game passed a seed to env.reset()",
                    inputs=inputs,
                    expected="env.reset() without a seed (the caller has seeded the env)",
                    got=f"env.reset(seed={learner_env.reset_seeds[-1]})",
                    hint="reseeding at each game replays the same emulator randomness every game and throws "
                    "away the caller's seed: read the contract of play_random_game",
                )
            if not learner_env.ended or not learner_env.ended[-1] or any(learner_env.ended[:-1]):
                fail(
                    "play_random_game must step until the game ends, and not once more",
                    inputs=inputs,
                    expected="the last env.step returns terminated or truncated, and no earlier one does",
                    got=f"{sum(learner_env.ended)} of {len(learner_env.ended)} steps ended the game, "
                    f"the last one: {bool(learner_env.ended and learner_env.ended[-1])}",
                    hint="the game ends when env.step says so (terminated or truncated); a lost life is not "
                    "the end, and not every game has 5 lives",
                )
            wanted = [int(oracle.integers(learner_env.action_space.n)) for _ in learner_env.actions]
            if [int(a) for a in learner_env.actions] != wanted:
                first = next(i for i, (a, w) in enumerate(zip(learner_env.actions, wanted)) if int(a) != w)
                fail(
                    "the actions played are not the draws of `rng`, one uniform draw over all the env's "
                    "actions per step",
                    inputs=inputs,
                    expected=f"action {wanted[first]} at step {first + 1}",
                    got=f"action {learner_env.actions[first]}",
                    hint="draw each action as the contract says, from the `rng` given, once per step, over "
                    "env.action_space.n actions (Space Invaders has 6, not Breakout's 4)",
                )
            if generator_state(learner_rng) != generator_state(oracle):
                fail(
                    "play_random_game drew more from `rng` than one action per step",
                    inputs=inputs,
                    expected=f"the state of `rng` after {len(learner_env.actions)} draws of an action",
                    got="another state: something else was drawn from it",
                    hint="the caller's later draws must not depend on how you use `rng`: one draw per step, "
                    "nothing else",
                )

            # What came back: a tuple (float score, int steps).
            if not isinstance(got, tuple) or len(got) != 2:
                assert_matches(
                    got,
                    expected,
                    what="(score, agent_steps)",
                    inputs=inputs,
                    exact_type=True,
                    hint="return a tuple of two values",
                )
            if got[1] != calls:
                fail(
                    "play_random_game returned a step count different from the number of env.step calls",
                    inputs=inputs,
                    expected=f"{calls} (the calls to env.step)",
                    got=str(got[1]),
                    hint="count agent steps, one per call to env.step, not emulator frames (make_atari_env "
                    "plays 4 frames per step)",
                )
            if isinstance(got[0], (int, float, np.number)):
                assert_matches(
                    float(got[0]),
                    float(sum(learner_env.rewards)),
                    what="the score",
                    inputs=inputs,
                    atol=1e-9,
                    rtol=0,
                    hint="the score is the sum of the rewards env.step returned during the game, as "
                    "they are (no clipping)",
                )
            assert_matches(
                got,
                expected,
                what="(score, agent_steps)",
                inputs=inputs,
                atol=1e-9,
                rtol=0,
                hint="add up the rewards as env.step returns them (no clipping), count every step, and "
                "stop as soon as terminated OR truncated is True (a lost life is not the end)",
            )
            assert_python_type("play_random_game", got[0], float, "the score")
            assert_python_type("play_random_game", got[1], int, "the number of agent steps")
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


def score_cases():
    """(scores, description, what to look at if this case fails)."""
    rng = np.random.default_rng(SEED)
    plain = (
        "the sample standard deviation divides the sum of squared deviations from the mean by n - 1, and "
        "the standard error of the mean is the standard deviation over sqrt(n)"
    )
    cases = [
        ([0, 2], "two integer scores", plain),
        ([1.0, 1.0, 1.0, 1.0], "four equal scores: the spread is 0", plain),
        ([0, 1, 0, 2, 8, 1, 0, 3, 1, 1], "ten integer scores of random Breakout games", plain),
        (np.array([401.2, 380.0, 420.5]), "three float scores", plain),
        ([0, 0, 0, 0, 0], "five games scoring 0 (a random agent's usual Breakout score)", plain),
        (
            np.array([52_000, 61_500, 47_250, 70_000, 58_800], dtype=np.int32),
            "five large scores, whose squares do not fit in int32",
            "integer overflow: the square of an int32 score above 46,340 wraps around to a wrong (even negative) "
            "number; do the arithmetic in float64",
        ),
        (
            np.array([401.2] * 6),
            "six equal scores 401.2: the spread is exactly 0",
            "with equal scores every deviation from the mean is 0; the one-pass formula mean(x²) - mean(x)² "
            "cancels badly (a tiny or negative variance): compute the deviations from the mean first",
        ),
        (
            np.array([1_000_003.0, 1_000_001.0, 1_000_000.0, 1_000_002.0]),
            "four scores near a million with a spread of a few points (Atlantis-sized scores)",
            "scores far from 0 with a small spread: the one-pass formula mean(x²) - mean(x)² loses every digit "
            "of the variance; compute the deviations from the mean first",
        ),
    ]
    for _ in range(8):
        n = int(rng.integers(2, 60))
        scores = rng.poisson(rng.uniform(0.5, 300), size=n)
        cases.append(([int(s) for s in scores], f"{n} random integer scores", plain))
        cases.append((scores.astype(np.float64), f"{n} random scores", plain))
    return cases


def describe_scores(scores, why: str) -> str:
    kind = f"a numpy array of dtype {scores.dtype}" if isinstance(scores, np.ndarray) else "a list"
    shown = np.asarray(scores).tolist()
    return f"scores={shown[:12]}{' ...' if len(shown) > 12 else ''} ({kind}: {why})"


@exercise("1.3", "Mean, standard deviation and standard error of scores")
def test_summarize_scores(ex):
    for scores, why, hint in score_cases():
        inputs = describe_scores(scores, why)
        expected = reference.summarize_scores(scores)
        oracle = statistics_oracle(scores)
        assert np.allclose(expected, oracle, rtol=1e-12, atol=1e-12)  # own sanity check
        given = snapshot(scores)
        got = call(ex, "summarize_scores", given, inputs=inputs)
        assert_inputs_unchanged_for("summarize_scores", inputs, scores=(scores, given))
        if (
            isinstance(got, (tuple, list))
            and len(got) == 3
            and any(isinstance(value, (float, np.floating)) and math.isnan(value) for value in got)
        ):
            fail(
                "summarize_scores returned NaN",
                inputs=inputs,
                expected=f"{oracle} (Python's statistics module)",
                got=str(tuple(got)),
                hint="a NaN standard deviation is the square root of a negative variance: " + hint,
            )
        assert_matches(
            got,
            oracle,
            what="(mean, std, standard error), against Python's statistics module",
            inputs=inputs,
            atol=1e-9,
            rtol=1e-9,
            hint=hint,
        )
        assert_matches(
            got, expected, what="(mean, std, standard error)", inputs=inputs, atol=1e-9, rtol=1e-9, hint=hint
        )
        if type(got) is not tuple:
            fail(
                f"summarize_scores returned a {type(got).__name__}, the contract says a tuple",
                inputs=inputs,
                hint="return the three numbers as a tuple",
            )
        for value, name in zip(got, ("the mean", "the standard deviation", "the standard error")):
            assert_python_type("summarize_scores", value, float, name)
