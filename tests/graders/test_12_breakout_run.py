"""Grader for Chapter 12 (the full Breakout run): compares chapters/12_breakout_run/exercises.py with
dqn_tutorial.replay_memory and dqn_tutorial.evaluation, and checks the answer to the silent-bug hunt.

Run it with `pytest -k ch12`; `pytest --impl=solutions -k ch12` grades the answers instead.
"""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import numpy as np
import torch

from dqn_tutorial.config import get_preset
from dqn_tutorial.environment import make_env
from dqn_tutorial.evaluation import evaluate
from dqn_tutorial.exercise_loader import REPOSITORY
from dqn_tutorial.grading import assert_matches, assert_type, call, exercise, fail
from dqn_tutorial.networks import DQN2013Network
from dqn_tutorial.replay_memory import ReplayMemory

SEED = 12


# ------------------------------------------------------------------------------------------------
# 12.1 replay_memory_bytes
# ------------------------------------------------------------------------------------------------

@exercise("12.1", "Replay memory size")
def test_replay_memory_bytes(ex):
    cases = [(1, (84, 84), "one transition"), (1_000_000, (84, 84), "the Nature run: 1,000,000 transitions"),
             (100_000, (84, 84), "a 100,000-transition memory"), (50_000, (84, 84), "the replay start size"),
             (1_000_000, (210, 160), "1M full-size ALE frames (no downsampling)"),
             (10, (4,), "a 1-D frame of 4 values")]
    rng = np.random.default_rng(SEED)
    for _ in range(10):
        shape = tuple(int(n) for n in rng.integers(1, 120, size=int(rng.integers(1, 4))))
        cases.append((int(rng.integers(1, 5_000_000)), shape, "random capacity and frame shape"))
    for capacity, shape, why in cases:
        inputs = f"capacity={capacity:,}, frame_shape={shape} ({why})"
        expected = ReplayMemory.bytes_needed(capacity, shape)
        got = call(ex, "replay_memory_bytes", capacity, shape, inputs=inputs)
        assert_type(got, (int, np.integer), what="replay_memory_bytes", inputs=inputs,
                    hint="return a whole number of bytes (an int), not gigabytes or a float")
        assert_matches(int(got), expected, what="replay_memory_bytes", inputs=inputs,
                       hint="per transition: one uint8 frame (never the whole stack of 4, never the next "
                            "observation too), 1 byte of action, 4 bytes of float32 reward, 2 one-byte flags")


# ------------------------------------------------------------------------------------------------
# 12.2 play_evaluation_game
# ------------------------------------------------------------------------------------------------

def game_cases():
    """(config, epsilon, seed, network, what makes this game interesting)."""
    breakout = get_preset("nature2015").replace(network="dqn2013")
    cases = []
    for index, (game, epsilon, seed, max_frames, why) in enumerate([
            ("Breakout", 0.05, 0, 18_000, "the Nature protocol (epsilon 0.05, 5-minute cap), untrained network"),
            ("Breakout", 1.0, 1, 18_000, "epsilon 1: a random player, 5 lives to lose"),
            ("Breakout", 0.5, 2, 400, "a 400-frame cap (100 agent steps): the game is truncated, not over"),
            ("SpaceInvaders", 1.0, 3, 2_000, "Space Invaders: points of 5 to 30 per hit, 2,000-frame cap")]):
        config = breakout.replace(env_id=game, eval_max_frames=max_frames)
        env = make_env(config, seed=0, evaluation=True)
        num_actions = int(env.action_space.n)
        env.close()
        torch.manual_seed(SEED + index)
        cases.append((config, epsilon, seed, DQN2013Network(num_actions), f"{game}, {why}"))
    return cases


@exercise("12.2", "Play one evaluation game")
def test_play_evaluation_game(ex):
    for config, epsilon, seed, network, why in game_cases():
        inputs = f"{why}; seed={seed}, epsilon={epsilon}, rng=np.random.default_rng({seed})"
        result = evaluate(network, config, episodes=1, seed=seed, epsilon=epsilon)
        expected = (result.returns[0], result.lengths[0])
        weights = {name: value.clone() for name, value in network.state_dict().items()}
        env = make_env(config, seed=seed, evaluation=True)
        try:
            got = call(ex, "play_evaluation_game", network, env, seed, epsilon, np.random.default_rng(seed),
                       inputs=inputs, time_limit=60)
        finally:
            env.close()
        assert_type(got, tuple, what="play_evaluation_game", inputs=inputs,
                    hint="return a tuple (score, agent_steps)")
        if len(got) != 2:
            fail("play_evaluation_game must return 2 values", inputs=inputs, expected="(score, agent_steps)",
                 got=f"a tuple of {len(got)} values")
        assert_type(got[0], (float, np.floating), what="the score", inputs=inputs,
                    hint="the score is the sum of the rewards, as a float")
        assert_type(got[1], (int, np.integer), what="the number of agent steps", inputs=inputs,
                    hint="count one per call of env.step, as an int")
        assert_matches(int(got[1]), expected[1], what="agent steps in the game", inputs=inputs,
                       hint="play until env.step reports terminated OR truncated, whatever happens to the "
                            "lives; count agent steps (one per env.step), not emulator frames; choose the "
                            "actions with select_actions and the given epsilon and rng")
        assert_matches(float(got[0]), expected[0], what="score of the game", inputs=inputs, atol=1e-9, rtol=0,
                       hint="add up the rewards exactly as env.step returns them: evaluation scores are real "
                            "game points, never clipped to [-1, 1]")
        for name, value in network.state_dict().items():
            if not torch.equal(value, weights[name]):
                fail("play_evaluation_game changed the network's weights", inputs=inputs,
                     expected="the same weights before and after", got=f"{name} changed",
                     hint="evaluation only plays: no optimizer step, no in-place change")


# ------------------------------------------------------------------------------------------------
# 12.3 find_silent_bug
# ------------------------------------------------------------------------------------------------

SCRIPT = REPOSITORY / "chapters" / "12_breakout_run" / "silent_bug" / "buggy_train.py"
# The answer is kept as a SHA-256 digest so that reading this file does not give it away.
ANSWER_DIGEST = "9af116e8ac7b4b270dd3fa46f5000ca86dfc10c96935a191bb0be4a38a1b8fe8"


def script_function_names(path: Path) -> list[str]:
    """Top-level functions and Class.method names defined in the buggy script."""
    tree = ast.parse(path.read_text())
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            names.append(node.name)
        elif isinstance(node, ast.ClassDef):
            names.append(node.name)
            names.extend(f"{node.name}.{item.name}" for item in node.body if isinstance(item, ast.FunctionDef))
    return names


@exercise("12.3", "Find the silent bug")
def test_find_silent_bug(ex):
    inputs = "no arguments"
    got = call(ex, "find_silent_bug", inputs=inputs)
    assert_type(got, str, what="find_silent_bug", inputs=inputs,
                hint='return the name as a string, e.g. "make_env" (not the function object)')
    name = got.strip().removesuffix("()")
    names = script_function_names(SCRIPT)
    if name not in names:
        fail(f"{got!r} is not the name of a function in {SCRIPT.relative_to(REPOSITORY)}", inputs=inputs,
             expected="one of: " + ", ".join(names), got=repr(got),
             hint="write the name exactly as it appears after `def` (Class.method for a method)")
    if hashlib.sha256(name.encode()).hexdigest() != ANSWER_DIGEST:
        fail(f"{name} is not where the bug is", inputs=inputs, got=repr(got),
             hint=f"{name} may look suspicious, but it does what it should: compare it with its counterpart in "
                  "dqn_tutorial or test it on a case you can work out by hand, then move on. Look at what "
                  "the replay buffer ends up holding after a few hundred games.")
