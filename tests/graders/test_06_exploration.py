"""Grader for Chapter 6 (exploration): compares chapters/06_exploration/exercises.py with
dqn_tutorial.schedules (linear_epsilon) and dqn_tutorial.exploration (epsilon_greedy, q_values).

Run it with `pytest -k ch06`; `pytest --impl=solutions -k ch06` grades the answers instead.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from dqn_tutorial import exploration as reference
from dqn_tutorial import schedules
from dqn_tutorial.networks import DQN2013Network, MLPNetwork, NatureNetwork
from grading import (assert_between, assert_matches, assert_type, call, exercise, fail, frequency_bounds,
                     real_breakout_stacks)

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
    cases.append((100, 1.0, 0.01, 100, "end 0.01, step == duration"))
    cases.append((20_000, 1.0, 0.02, 10_000, "the cartpole-like end 0.02, after annealing"))
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
        # the formula of the chapter, written out here, and the reference: they agree
        oracle = end if step >= duration else start + (step / duration) * (end - start)
        expected = schedules.linear_epsilon(step, start, end, duration)
        assert abs(expected - oracle) <= 1e-12, (inputs, expected, oracle)
        got = call(ex, "linear_epsilon", step, start, end, duration, inputs=inputs)
        assert_matches(got, expected, what="linear_epsilon", inputs=inputs, atol=1e-9, rtol=0,
                       hint="epsilon falls in a straight line from `start` at step 0 to `end` at step == "
                            "duration (exactly, not one step earlier or later), then stays at `end`")
        if step >= duration and got != end:
            fail("linear_epsilon: after annealing, epsilon must be exactly `end`", inputs=inputs,
                 expected=repr(end), got=repr(got),
                 hint="in floating point start + 1.0 * (end - start) is not always end (1.0 + (0.1 - 1.0) is "
                      "0.09999999999999998): from step == duration on, return `end` itself, so that every "
                      "run, yours and the reference's, explores with the same epsilon")


# ------------------------------------------------------------------------------------------------
# 6.2 epsilon_greedy
# ------------------------------------------------------------------------------------------------

def random_q_values(rng: np.random.Generator, batch: int, num_actions: int, dtype=np.float32) -> np.ndarray:
    return rng.normal(size=(batch, num_actions)).astype(dtype)


def contract_draws(q_values: np.ndarray, epsilon: float, seed: int) -> np.ndarray:
    """The contract written out: random actions first, then one coin per row, from default_rng(seed)."""
    rng = np.random.default_rng(seed)
    batch, num_actions = q_values.shape
    random_actions = rng.integers(num_actions, size=batch)
    coins = rng.random(batch)
    return np.where(coins < epsilon, random_actions, q_values.argmax(axis=1))


@exercise("6.2", "Epsilon-greedy actions for a batch")
def test_epsilon_greedy(ex):
    data = np.random.default_rng(SEED)

    # epsilon = 0: exactly the greedy actions, as an integer array of shape (batch,)
    for batch, num_actions, dtype in [(1, 4, np.float32), (7, 2, np.float64), (64, 4, np.float32), (33, 18, np.float32)]:
        q_values = random_q_values(data, batch, num_actions, dtype)
        inputs = f"epsilon=0, q_values {np.dtype(dtype).name} of shape {q_values.shape} (random normal)"
        got = call(ex, "epsilon_greedy", q_values.copy(), 0.0, np.random.default_rng(0), inputs=inputs)
        assert_matches(got, q_values.argmax(axis=1), what="actions from epsilon_greedy", inputs=inputs,
                       check_dtype="kind",
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

    # with epsilon >= 1 the Q-values must not matter: the agent passes zeros instead of running the network
    for batch, num_actions in [(1, 4), (16, 4), (300, 18)]:
        q_values = random_q_values(data, batch, num_actions)
        inputs = f"epsilon=1, {batch} rows of {num_actions} actions: random Q-values, then zeros, rng=default_rng(3) each"
        with_values = call(ex, "epsilon_greedy", q_values.copy(), 1.0, np.random.default_rng(3), inputs=inputs)
        with_zeros = call(ex, "epsilon_greedy", np.zeros_like(q_values), 1.0, np.random.default_rng(3), inputs=inputs)
        assert_matches(with_zeros, with_values, what="actions for zeros at epsilon 1", inputs=inputs,
                       check_dtype=False,
                       hint="at epsilon >= 1 every row explores, so the actions depend on `rng` only: the agent "
                            "skips the network then and passes zeros as Q-values")

    # the contract's order of draws: the reference's actions exactly, and the generator left as the reference leaves it
    for batch, num_actions, epsilon in [(1, 4, 0.0), (1, 4, 0.05), (32, 4, 0.1), (16, 18, 0.5), (500, 4, 0.9),
                                        (8, 4, 1.0), (4, 2, 0.0)]:
        q_values = random_q_values(data, batch, num_actions)
        inputs = (f"epsilon={epsilon}, {batch} rows of {num_actions} random Q-values, "
                  f"rng=np.random.default_rng({batch})")
        expected_rng = np.random.default_rng(batch)
        expected = reference.epsilon_greedy(q_values.copy(), epsilon, expected_rng)
        assert np.array_equal(expected, contract_draws(q_values, epsilon, batch)), inputs
        rng = np.random.default_rng(batch)
        got = call(ex, "epsilon_greedy", q_values.copy(), epsilon, rng, inputs=inputs)
        order = ("draw in the contract's order, whatever epsilon is: first rng.integers(0, num_actions, "
                 "size=batch_size) for every row, then rng.random(batch_size); a row explores when its number "
                 "is below epsilon. Your actions follow the right probabilities, but only this order gives the "
                 "reference's actions for the same seed, and so a training run equal to the reference's")
        assert_matches(got, expected, what="actions from epsilon_greedy with the reference's seed", inputs=inputs,
                       check_dtype="kind", hint=order)
        if rng.bit_generator.state != expected_rng.bit_generator.state:
            fail("epsilon_greedy drew a different amount of random numbers from `rng` than the contract says",
                 inputs=inputs,
                 expected=f"rng.integers(0, {num_actions}, size={batch}) then rng.random({batch}), whatever epsilon is",
                 got="the generator in another state after the call", hint=order)


# ------------------------------------------------------------------------------------------------
# 6.3 q_values
# ------------------------------------------------------------------------------------------------

class RecordsForwardPasses(torch.nn.Module):
    """Wraps a network; records, at each forward pass, the batch size and whether autograd was recording."""

    def __init__(self, network: torch.nn.Module):
        super().__init__()
        self.network = network
        self.grad_enabled: list[bool] = []
        self.batch_sizes: list[int] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.grad_enabled.append(torch.is_grad_enabled())
        self.batch_sizes.append(int(x.shape[0]) if x.dim() else 0)
        return self.network(x)


class HalfPrecisionOutput(torch.nn.Module):
    """A network whose Q-values come out in float16, as under mixed precision on a GPU."""

    def __init__(self, network: torch.nn.Module):
        super().__init__()
        self.network = network

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.network(x).half()


@pytest.fixture(scope="module")
def breakout_stacks():
    """20 real (4, 84, 84) uint8 stacks from a random game of Breakout."""
    return real_breakout_stacks(SEED, steps=200, every=10)


def q_value_cases(breakout_stacks):
    """(network, observations, description): numpy and torch batches, Atari stacks and small vectors."""
    torch.manual_seed(SEED)
    net2013, nature, mlp = DQN2013Network(num_actions=4), NatureNetwork(num_actions=18), MLPNetwork(3, 4)
    rng = np.random.default_rng(SEED)
    vectors = rng.normal(size=(32, 4)).astype(np.float32)
    return [
        (net2013, breakout_stacks, "DQN2013Network, 20 real Breakout stacks, numpy uint8 (20, 4, 84, 84)"),
        (net2013, breakout_stacks[:1], "DQN2013Network, a batch of ONE real stack, numpy uint8 (1, 4, 84, 84)"),
        (net2013, torch.from_numpy(breakout_stacks[5:13].copy()),
         "DQN2013Network, 8 real stacks as a torch uint8 tensor (8, 4, 84, 84), as the fast engine holds them"),
        (nature, rng.integers(0, 256, size=(5, 4, 84, 84), dtype=np.uint8),
         "NatureNetwork with 18 actions, 5 random uint8 stacks"),
        (mlp, vectors, "MLPNetwork with 3 actions, 32 float32 vectors (32, 4) (CartPole-sized)"),
        (mlp, vectors[:1], "MLPNetwork, a batch of one float32 vector (1, 4)"),
        (mlp, torch.from_numpy(vectors[3:10].copy()), "MLPNetwork, 7 vectors as a torch float32 tensor (7, 4)"),
        (HalfPrecisionOutput(mlp), vectors[:6],
         "a network whose Q-values come out in float16 (mixed precision), 6 vectors"),
    ]


def same_observations(a, b) -> bool:
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and torch.equal(a, b)
    return np.array_equal(a, b)


def copy_of(observations):
    return observations.clone() if isinstance(observations, torch.Tensor) else observations.copy()


def check_q_values(ex, network, observations, inputs):
    expected = reference.q_values(network, copy_of(observations))
    recorder = RecordsForwardPasses(network)
    given = copy_of(observations)
    got = call(ex, "q_values", recorder, given, inputs=inputs)
    assert_matches(got, expected, what="Q-values from q_values", inputs=inputs, atol=1e-5, rtol=1e-5,
                   hint="run the network on the batch as it is (it is already a batch: add no dimension, and "
                        "do not rescale frames, the networks do it), and return its output as a float32 "
                        "numpy array on the CPU: .float().cpu().numpy()")
    if not recorder.grad_enabled:
        fail("q_values never called the network it was given", inputs=inputs, expected="one forward pass",
             got="none")
    if len(recorder.grad_enabled) != 1:
        fail("q_values ran the network more than once for one batch", inputs=inputs,
             expected=f"one forward pass on all {len(expected)} observations",
             got=f"{len(recorder.batch_sizes)} forward passes, of batch sizes {recorder.batch_sizes[:8]}",
             hint="pass the whole batch to the network at once: one forward pass is much faster than a loop, "
                  "and gives exactly the reference's numbers")
    if recorder.grad_enabled != [False]:
        fail("q_values ran the network with gradient tracking on", inputs=inputs,
             expected="torch.is_grad_enabled() == False during the forward pass",
             got="gradient tracking on",
             hint="acting is not learning: run the network inside `with torch.no_grad():` (.detach() afterwards "
                  "is too late: the graph was already built, at every one of millions of agent steps)")
    if not same_observations(given, observations):
        fail("q_values changed the observations it was given", inputs=inputs,
             hint="the observations are still needed (the replay memory stores them): do not modify them")


@exercise("6.3", "Q-values of a batch of observations")
def test_q_values(ex, breakout_stacks):
    for network, observations, inputs in q_value_cases(breakout_stacks):
        check_q_values(ex, network, observations, inputs)
    if torch.cuda.is_available():  # the device of the network's parameters (checked where there is a GPU)
        torch.manual_seed(SEED)
        network = DQN2013Network(num_actions=4).cuda()
        check_q_values(ex, network, breakout_stacks[:4],
                       "DQN2013Network on the GPU, 4 real stacks as a numpy array on the CPU: move them to the "
                       "network's device")
        check_q_values(ex, network, torch.from_numpy(breakout_stacks[4:8].copy()).cuda(),
                       "DQN2013Network on the GPU, 4 real stacks already on the GPU (the fast engine's)")
