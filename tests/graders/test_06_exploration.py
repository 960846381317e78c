"""Grader for Chapter 6 (exploration): compares chapters/06_exploration/exercises.py with dqn_tutorial.exploration.

Run it with `pytest -k ch06`; `pytest --impl=solutions -k ch06` grades the answers instead.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dqn_tutorial import exploration as reference
from dqn_tutorial.atari import make_atari_env
from dqn_tutorial.grading import (assert_between, assert_matches, assert_type, call, exercise, fail,
                                  frequency_bounds)
from dqn_tutorial.networks import DQN2013Network, MLPNetwork

SEED = 6


# ------------------------------------------------------------------------------------------------
# 6.1 linear_epsilon
# ------------------------------------------------------------------------------------------------

def schedule_cases():
    """(step, start, end, duration, what makes this step interesting)."""
    cases = []
    for step, why in [(0, "the first step"), (1, "one step in"), (250_000, "a quarter of the way"),
                      (500_000, "half way"), (999_999, "the step before the end of annealing"),
                      (1_000_000, "step == duration: epsilon must have reached `end`"),
                      (1_000_001, "just after annealing"), (4_000_000, "well after annealing"),
                      (50_000_000, "the end of a Nature-length run")]:
        cases.append((step, 1.0, 0.1, 1_000_000, f"the papers' schedule, {why}"))
    cases.append((0, 1.0, 0.1, 1, "duration 1, step 0"))
    cases.append((1, 1.0, 0.1, 1, "duration 1, step 1 (== duration)"))
    rng = np.random.default_rng(SEED)
    for _ in range(12):
        start = round(float(rng.uniform(0.5, 1.0)), 3)
        end = round(float(rng.uniform(0.0, 0.2)), 3)
        duration = int(rng.integers(2, 20_000))
        for step, why in [(int(rng.integers(1, duration)), "a random step during annealing"),
                          (duration - 1, "the step before the end of annealing"),
                          (duration, "step == duration: epsilon must have reached `end`"),
                          (duration + 1, "just after annealing"), (3 * duration, "long after annealing")]:
            cases.append((step, start, end, duration, why))
    return cases


@exercise("6.1", "Linear epsilon schedule")
def test_linear_epsilon(ex):
    for step, start, end, duration, why in schedule_cases():
        inputs = f"step={step}, start={start}, end={end}, duration={duration} ({why})"
        got = call(ex, "linear_epsilon", step, start, end, duration, inputs=inputs)
        expected = reference.linear_epsilon(step, start, end, duration)
        assert_matches(got, expected, what="linear_epsilon", inputs=inputs, atol=1e-9, rtol=0,
                       hint="epsilon falls in a straight line from `start` at step 0 to `end` at step == "
                            "duration (exactly, not one step earlier or later), then stays at `end`")


# ------------------------------------------------------------------------------------------------
# 6.2 epsilon_greedy
# ------------------------------------------------------------------------------------------------

def random_q_values(rng: np.random.Generator, batch: int, num_actions: int, dtype=np.float32) -> np.ndarray:
    return rng.normal(size=(batch, num_actions)).astype(dtype)


@exercise("6.2", "Epsilon-greedy actions for a batch")
def test_epsilon_greedy(ex):
    data = np.random.default_rng(SEED)

    # epsilon = 0: exactly the greedy actions, as an integer array of shape (batch,)
    for batch, num_actions, dtype in [(1, 4, np.float32), (7, 2, np.float64), (64, 4, np.float32), (33, 18, np.float32)]:
        q_values = random_q_values(data, batch, num_actions, dtype)
        inputs = f"epsilon=0, q_values {np.dtype(dtype).name} of shape {q_values.shape} (random normal)"
        got = call(ex, "epsilon_greedy", q_values.copy(), 0.0, np.random.default_rng(0), inputs=inputs)
        expected = reference.epsilon_greedy(q_values, 0.0, np.random.default_rng(0))
        assert_matches(got, expected, what="actions from epsilon_greedy", inputs=inputs, check_dtype="kind",
                       hint="with epsilon = 0 every action is the argmax of its row (q_values.argmax(axis=1)); "
                            "one action per row, as an integer array")

    # the frequencies over many rows: greedy with probability 1 - epsilon + epsilon / num_actions
    draws = 200_000
    for num_actions, epsilon in [(4, 1.0), (4, 0.3), (18, 0.1), (2, 0.5)]:
        q_values = random_q_values(data, draws, num_actions)
        greedy, worst = q_values.argmax(axis=1), q_values.argmin(axis=1)
        inputs = f"epsilon={epsilon}, {draws} rows of {num_actions} random Q-values, rng=default_rng(1)"
        got = call(ex, "epsilon_greedy", q_values.copy(), epsilon, np.random.default_rng(1), inputs=inputs)
        assert_type(got, np.ndarray, what="epsilon_greedy", inputs=inputs)
        if got.shape != (draws,) or got.dtype.kind not in "iu":
            fail("epsilon_greedy: an integer array of shape (batch,) was expected", inputs=inputs,
                 expected=f"integer array of shape ({draws},)", got=f"{got.dtype} array of shape {got.shape}")
        if got.min() < 0 or got.max() >= num_actions:
            fail(f"epsilon_greedy: actions must lie in 0..{num_actions - 1}", inputs=inputs,
                 expected=f"0 <= action < {num_actions}", got=f"actions from {got.min()} to {got.max()}")
        p_greedy = 1 - epsilon + epsilon / num_actions
        low, high = frequency_bounds(p_greedy, draws)
        assert_between(float(np.mean(got == greedy)), low, high, what="fraction of greedy actions",
                       inputs=inputs, expected=f"about 1 - epsilon + epsilon / num_actions = {p_greedy:.4f}",
                       hint="each row explores with probability epsilon, independently of the other rows, and a "
                            "random action is drawn among ALL actions, so it is the greedy one 1 time in num_actions")
        low, high = frequency_bounds(epsilon / num_actions, draws)
        assert_between(float(np.mean(got == worst)), low, high, what="fraction of actions with the lowest Q-value",
                       inputs=inputs, expected=f"about epsilon / num_actions = {epsilon / num_actions:.4f}",
                       hint="the greedy action is the argmax of a row; only exploration picks other actions")
        counts = np.bincount(got, minlength=num_actions) / draws
        low, high = frequency_bounds(1 / num_actions, draws)
        for action, frequency in enumerate(counts):
            assert_between(float(frequency), low, high, what=f"frequency of action {action}", inputs=inputs,
                           expected=f"about 1 / num_actions = {1 / num_actions:.4f} (the greedy actions of random "
                                    "Q-values are spread evenly)",
                           hint="draw random actions with rng.integers(0, num_actions, size=batch_size)")

    # all randomness from `rng`: the same seed gives the same actions, another seed other actions
    q_values = random_q_values(data, 1000, 4)
    inputs = "epsilon=0.5, 1000 rows of 4 random Q-values, called twice with np.random.default_rng(7)"
    first = call(ex, "epsilon_greedy", q_values.copy(), 0.5, np.random.default_rng(7), inputs=inputs)
    second = call(ex, "epsilon_greedy", q_values.copy(), 0.5, np.random.default_rng(7), inputs=inputs)
    assert_matches(second, first, what="actions of the second call", inputs=inputs, check_dtype=False,
                   hint="draw every random number from the `rng` argument (rng.random, rng.integers), never from "
                        "np.random.* or the random module: then a seed reproduces a run")
    inputs = "epsilon=0.5, 1000 rows of 4 random Q-values, with np.random.default_rng(7) then default_rng(8)"
    other = call(ex, "epsilon_greedy", q_values.copy(), 0.5, np.random.default_rng(8), inputs=inputs)
    if np.array_equal(first, other):
        fail("epsilon_greedy: two different generators gave exactly the same 1000 actions", inputs=inputs,
             expected="different random actions", got="identical actions",
             hint="use the `rng` you are given; do not create your own generator with a fixed seed")


# ------------------------------------------------------------------------------------------------
# 6.3 greedy_action
# ------------------------------------------------------------------------------------------------

class RecordsGradientMode(torch.nn.Module):
    """Wraps a network and records, at each forward pass, whether autograd was recording."""

    def __init__(self, network: torch.nn.Module):
        super().__init__()
        self.network = network
        self.grad_enabled = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.grad_enabled.append(torch.is_grad_enabled())
        return self.network(x)


@pytest.fixture(scope="module")
def breakout_observations():
    """A few real (4, 84, 84) uint8 stacks from Breakout, taken along a random game."""
    env = make_atari_env("Breakout", seed=SEED)
    observation, _ = env.reset()
    rng = np.random.default_rng(SEED)
    stacks = []
    for step in range(60):
        observation, _, terminated, truncated, _ = env.step(int(rng.integers(env.action_space.n)))
        if step % 20 == 19:
            stacks.append(np.array(observation))
        if terminated or truncated:
            observation, _ = env.reset()
    env.close()
    return stacks


def observation_cases(breakout_observations):
    """(network, observation, description): real and random Atari stacks, and small vectors for an MLP."""
    torch.manual_seed(SEED)
    atari_network = DQN2013Network(num_actions=4)
    mlp = MLPNetwork(num_actions=3, observation_size=4)
    rng = np.random.default_rng(SEED)
    cases = [(atari_network, obs, f"DQN2013Network, a real Breakout stack uint8 (4, 84, 84) (number {i})")
             for i, obs in enumerate(breakout_observations)]
    cases += [(atari_network, rng.integers(0, 256, size=(4, 84, 84), dtype=np.uint8),
               "DQN2013Network, a random uint8 stack (4, 84, 84)") for _ in range(3)]
    cases += [(mlp, rng.normal(size=4).astype(np.float32), "MLPNetwork with 3 actions, a float32 vector (4,)")
              for _ in range(20)]
    return cases


@exercise("6.3", "Greedy action from a network")
def test_greedy_action(ex, breakout_observations):
    for network, observation, inputs in observation_cases(breakout_observations):
        recorder = RecordsGradientMode(network)
        before = observation.copy()
        got = call(ex, "greedy_action", recorder, observation, inputs=inputs)
        expected = int(reference.greedy_q_values(network, observation[None])[0].argmax())
        assert_matches(got, expected, what="greedy_action", inputs=inputs, exact_type=True,
                       hint="add a batch dimension of one (unsqueeze(0)), take the argmax of the network's output "
                            "and turn it into a plain int with .item() or int(...)")
        if recorder.grad_enabled != [False]:
            if not recorder.grad_enabled:
                fail("greedy_action never called the network", inputs=inputs,
                     expected="one forward pass", got="none")
            fail("greedy_action ran the network with gradient tracking on", inputs=inputs,
                 expected="torch.is_grad_enabled() == False during the forward pass",
                 got=f"forward passes with gradients recorded: {recorder.grad_enabled}",
                 hint="acting is not learning: run the network inside `with torch.no_grad():` (it saves the "
                      "memory and time of building a graph nobody will backpropagate through)")
        if not np.array_equal(before, observation):
            fail("greedy_action changed the observation it was given", inputs=inputs,
                 hint="work on a tensor copy; the observation may still be needed (replay memory)")
