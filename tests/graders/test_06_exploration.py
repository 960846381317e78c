"""Grader for Chapter 6 (exploration): compares chapters/06_exploration/exercises.py with
dqn_tutorial.schedules (linear_epsilon) and dqn_tutorial.exploration (epsilon_greedy, q_values).

Run it with `pytest -k ch06`; `pytest --impl=solutions -k ch06` grades the answers instead.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from checks import (
    assert_deterministic,
    assert_global_random_untouched,
    assert_inputs_unchanged_for,
    global_random_state,
    snapshot,
)
from dqn_tutorial import exploration as reference
from dqn_tutorial import schedules
from dqn_tutorial.networks import DQN2013Network, MLPNetwork, NatureNetwork
from grading import (
    assert_between,
    assert_matches,
    assert_type,
    call,
    exercise,
    fail,
    frequency_bounds,
    real_breakout_stacks,
)

SEED = 6


# ------------------------------------------------------------------------------------------------
# 6.1 linear_epsilon
# ------------------------------------------------------------------------------------------------


def schedule_cases():
    """(step, start, end, duration, what makes this step interesting)."""
    cases = []
    for step, why in [
        (0, "the first step"),
        (1, "one step in"),
        (250_000, "a quarter of the way"),
        (500_000, "half way"),
        (999_999, "the step before the end of annealing"),
        (1_000_000, "step == duration: epsilon must have reached `end`"),
        (1_000_001, "just after annealing"),
        (4_000_000, "well after annealing"),
        (50_000_000, "the end of a Nature-length run"),
    ]:
        cases.append((step, 1.0, 0.1, 1_000_000, f"the papers' schedule, {why}"))
    cases.append((0, 1.0, 0.1, 1, "duration 1, step 0"))
    cases.append((1, 1.0, 0.1, 1, "duration 1, step 1 (== duration)"))
    cases.append((100, 1.0, 0.01, 100, "end 0.01, step == duration"))
    cases.append((20_000, 1.0, 0.02, 10_000, "the cartpole-like end 0.02, after annealing"))
    cases.append((3, 1, 0, 6, "integer start 1 and end 0, half way: the result is still a float"))
    cases.append((6, 1, 0, 6, "integer start 1 and end 0, step == duration: `end` as a float"))
    cases.append((60, 1, 0, 6, "integer start 1 and end 0, long after annealing: `end` as a float"))
    cases.append((0, 1, 0, 6, "integer start 1 and end 0, the first step: `start` as a float"))
    rng = np.random.default_rng(SEED)
    for _ in range(12):
        start = round(float(rng.uniform(0.5, 1.0)), 3)
        end = round(float(rng.uniform(0.0, 0.2)), 3)
        duration = int(rng.integers(2, 20_000))
        for step, why in [
            (int(rng.integers(1, duration)), "a random step during annealing"),
            (duration - 1, "the step before the end of annealing"),
            (duration, "step == duration: epsilon must have reached `end`"),
            (duration + 1, "just after annealing"),
            (3 * duration, "long after annealing"),
        ]:
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
        if type(got) is not float:
            fail(
                f"linear_epsilon returned {type(got).__module__}.{type(got).__name__}, the contract says a Python "
                "float",
                inputs=inputs,
                expected=f"float {expected!r}",
                got=f"{type(got).__name__} {got!r}",
                hint="numpy functions return numpy scalars (numpy.float64), and returning `start` or `end` as "
                "given returns an int when they are ints: return a float in every case",
            )
        assert_matches(
            got,
            expected,
            what="linear_epsilon",
            inputs=inputs,
            atol=1e-9,
            rtol=0,
            hint="epsilon falls in a straight line from `start` at step 0 to `end` at step == "
            "duration (exactly, not one step earlier or later), then stays at `end`",
        )
        if step >= duration and got != end:
            fail(
                "linear_epsilon: after annealing, epsilon must be exactly `end`",
                inputs=inputs,
                expected=repr(end),
                got=repr(got),
                hint="in floating point start + 1.0 * (end - start) is not always end (1.0 + (0.1 - 1.0) is "
                "0.09999999999999998): from step == duration on, return `end` itself, so that every "
                "run, yours and the reference's, explores with the same epsilon",
            )


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


def call_epsilon_greedy(ex, q_values: np.ndarray, epsilon: float, rng: np.random.Generator, inputs: str) -> np.ndarray:
    """Call the learner's epsilon_greedy on a copy of q_values; check what must hold at every call: the Q-values
    unchanged, no global generator used, `rng` drawn from, an int64 array of shape (batch,)."""
    given = q_values.copy()
    before, rng_before = global_random_state(), copy.deepcopy(rng.bit_generator.state)
    got = call(ex, "epsilon_greedy", given, epsilon, rng, inputs=inputs)
    assert_inputs_unchanged_for("epsilon_greedy", inputs, q_values=(q_values, given))
    assert_global_random_untouched("epsilon_greedy", before, inputs)
    if rng.bit_generator.state == rng_before:
        fail(
            "epsilon_greedy never drew from the `rng` it was given",
            inputs=inputs,
            expected="random actions and coins drawn from `rng`, whatever epsilon is",
            got="the generator in the same state after the call",
            hint="a generator of your own (np.random.default_rng(...) inside the function) ignores the run's seed; "
            "use the one passed as `rng`",
        )
    assert_type(
        got, np.ndarray, what="epsilon_greedy", inputs=inputs, hint="return a numpy array of actions, one per row"
    )
    batch = q_values.shape[0]
    if got.shape != (batch,) or got.dtype != np.int64:
        fail(
            "epsilon_greedy: an int64 array of shape (batch,) was expected",
            inputs=inputs,
            expected=f"int64 array of shape ({batch},)",
            got=f"{got.dtype} array of shape {got.shape}",
            hint="the agent stores the actions and indexes Q-values with them (torch's gather needs int64 "
            "indices): keep the int64 that argmax and rng.integers give, one action per row",
        )
    return got


@exercise("6.2", "Epsilon-greedy actions for a batch")
def test_epsilon_greedy(ex):
    data = np.random.default_rng(SEED)

    # epsilon = 0: exactly the greedy actions, as an integer array of shape (batch,)
    for batch, num_actions, dtype in [
        (1, 4, np.float32),
        (7, 2, np.float64),
        (64, 4, np.float32),
        (33, 18, np.float32),
    ]:
        q_values = random_q_values(data, batch, num_actions, dtype)
        inputs = f"epsilon=0, q_values {np.dtype(dtype).name} of shape {q_values.shape} (random normal)"
        got = call_epsilon_greedy(ex, q_values, 0.0, np.random.default_rng(0), inputs)
        assert_matches(
            got,
            q_values.argmax(axis=1),
            what="actions from epsilon_greedy",
            inputs=inputs,
            check_dtype="kind",
            hint="with epsilon = 0 every action is the argmax of its row; one action per row",
        )

    # the frequencies over many rows: greedy with probability 1 - epsilon + epsilon / num_actions
    draws = 200_000
    for num_actions, epsilon in [(4, 1.0), (4, 0.3), (18, 0.1), (2, 0.5)]:
        q_values = random_q_values(data, draws, num_actions)
        greedy, worst = q_values.argmax(axis=1), q_values.argmin(axis=1)
        inputs = f"epsilon={epsilon}, {draws} rows of {num_actions} random Q-values, rng=default_rng(1)"
        got = call_epsilon_greedy(ex, q_values, epsilon, np.random.default_rng(1), inputs)
        if got.min() < 0 or got.max() >= num_actions:
            fail(
                f"epsilon_greedy: actions must lie in 0..{num_actions - 1}",
                inputs=inputs,
                expected=f"0 <= action < {num_actions}",
                got=f"actions from {got.min()} to {got.max()}",
            )
        p_greedy = 1 - epsilon + epsilon / num_actions
        low, high = frequency_bounds(p_greedy, draws)
        assert_between(
            float(np.mean(got == greedy)),
            low,
            high,
            what="fraction of greedy actions",
            inputs=inputs,
            expected=f"about 1 - epsilon + epsilon / num_actions = {p_greedy:.4f}",
            hint="each row explores with probability epsilon, independently of the other rows, and a "
            "random action is drawn among ALL actions, so it is the greedy one 1 time in num_actions",
        )
        low, high = frequency_bounds(epsilon / num_actions, draws)
        assert_between(
            float(np.mean(got == worst)),
            low,
            high,
            what="fraction of actions with the lowest Q-value",
            inputs=inputs,
            expected=f"about epsilon / num_actions = {epsilon / num_actions:.4f}",
            hint="the greedy action is the argmax of a row; only exploration picks other actions",
        )
        counts = np.bincount(got, minlength=num_actions) / draws
        low, high = frequency_bounds(1 / num_actions, draws)
        for action, frequency in enumerate(counts):
            assert_between(
                float(frequency),
                low,
                high,
                what=f"frequency of action {action}",
                inputs=inputs,
                expected=f"about 1 / num_actions = {1 / num_actions:.4f} (the greedy actions of random "
                "Q-values are spread evenly)",
                hint="a random action is drawn uniformly among all num_actions actions",
            )

    # all randomness from `rng`: the same seed gives the same actions, another seed other actions
    q_values = random_q_values(data, 1000, 4)
    inputs = "epsilon=0.5, 1000 rows of 4 random Q-values, called twice with np.random.default_rng(7)"
    first = call_epsilon_greedy(ex, q_values, 0.5, np.random.default_rng(7), inputs)
    second = call_epsilon_greedy(ex, q_values, 0.5, np.random.default_rng(7), inputs)
    assert_matches(
        second,
        first,
        what="actions of the second call",
        inputs=inputs,
        check_dtype=False,
        hint="draw every random number from the `rng` argument, never from np.random.*, the random "
        "module or a generator of your own: then a seed reproduces a run",
    )
    inputs = "epsilon=0.5, 1000 rows of 4 random Q-values, with np.random.default_rng(7) then default_rng(8)"
    other = call_epsilon_greedy(ex, q_values, 0.5, np.random.default_rng(8), inputs)
    if np.array_equal(first, other):
        fail(
            "epsilon_greedy: two different generators gave exactly the same 1000 actions",
            inputs=inputs,
            expected="different random actions",
            got="identical actions",
            hint="use the `rng` you are given; do not create your own generator with a fixed seed",
        )

    # with epsilon >= 1 the Q-values must not matter: the agent passes zeros instead of running the network
    for batch, num_actions in [(1, 4), (16, 4), (300, 18)]:
        q_values = random_q_values(data, batch, num_actions)
        inputs = (
            f"epsilon=1, {batch} rows of {num_actions} actions: random Q-values, then zeros, rng=default_rng(3) each"
        )
        with_values = call_epsilon_greedy(ex, q_values, 1.0, np.random.default_rng(3), inputs)
        with_zeros = call_epsilon_greedy(ex, np.zeros_like(q_values), 1.0, np.random.default_rng(3), inputs)
        assert_matches(
            with_zeros,
            with_values,
            what="actions for zeros at epsilon 1",
            inputs=inputs,
            check_dtype=False,
            hint="at epsilon >= 1 every row explores, so the actions depend on `rng` only: the agent "
            "skips the network then and passes zeros as Q-values",
        )

    # the contract's order of draws: the reference's actions exactly, and the generator left as the reference leaves it
    for batch, num_actions, epsilon, advanced in [
        (1, 4, 0.0, 0),
        (1, 4, 0.05, 0),
        (32, 4, 0.1, 0),
        (16, 18, 0.5, 0),
        (500, 4, 0.9, 0),
        (8, 4, 1.0, 0),
        (4, 2, 0.0, 0),
        (64, 4, 0.5, 3),
        (64, 4, 0.5, 4),
    ]:
        q_values = random_q_values(data, batch, num_actions)
        inputs = (
            f"epsilon={epsilon}, {batch} rows of {num_actions} random Q-values, "
            f"rng=np.random.default_rng({batch})"
            + (
                f" after {advanced} earlier draws (rng.random({advanced})): the actions depend on the "
                "generator's current state"
                if advanced
                else ""
            )
        )
        expected_rng = np.random.default_rng(batch)
        expected_rng.random(advanced)
        expected = reference.epsilon_greedy(q_values.copy(), epsilon, expected_rng)
        if not advanced:
            assert np.array_equal(expected, contract_draws(q_values, epsilon, batch)), inputs
        rng = np.random.default_rng(batch)
        rng.random(advanced)
        got = call_epsilon_greedy(ex, q_values, epsilon, rng, inputs)
        order = (
            "draw in the contract's order (see the docstring), whatever epsilon is, and nothing else. Your "
            "actions follow the right probabilities, but only this order gives the reference's actions for "
            "the same seed, and so a training run equal to the reference's"
        )
        assert_matches(
            got,
            expected,
            what="actions from epsilon_greedy with the reference's seed",
            inputs=inputs,
            check_dtype="kind",
            hint=order,
        )
        if rng.bit_generator.state != expected_rng.bit_generator.state:
            fail(
                "epsilon_greedy drew a different amount of random numbers from `rng` than the contract says",
                inputs=inputs,
                expected=f"rng.integers(0, {num_actions}, size={batch}) then rng.random({batch}), whatever epsilon is",
                got="the generator in another state after the call",
                hint=order,
            )


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


class ParametersOnMeta(torch.nn.Module):
    """A network whose parameters sit on the meta device, the stand-in for a GPU on a machine without one: it
    records the device of each input and returns fixed Q-values made on the CPU (meta weights hold no values)."""

    def __init__(self, num_actions: int = 4):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.empty(num_actions, 3, device="meta"))
        self.num_actions = num_actions
        self.input_devices: list[torch.device] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.input_devices.append(x.device)
        rows = torch.arange(x.shape[0] * self.num_actions, dtype=torch.float32).reshape(x.shape[0], self.num_actions)
        return torch.sin(rows)


@pytest.fixture(scope="module")
def breakout_stacks():
    """20 real (4, 84, 84) uint8 stacks from a random game of Breakout."""
    return real_breakout_stacks(SEED, steps=200, every=10)


def q_value_cases(breakout_stacks):
    """(network, observations, description): numpy and torch batches, Atari stacks and small vectors."""
    torch.manual_seed(SEED)
    net2013, nature, mlp = DQN2013Network(num_actions=4), NatureNetwork(num_actions=18), MLPNetwork(3, 4)
    evaluating = DQN2013Network(num_actions=4).eval()
    rng = np.random.default_rng(SEED)
    vectors = rng.normal(size=(32, 4)).astype(np.float32)
    return [
        (net2013, breakout_stacks, "DQN2013Network, 20 real Breakout stacks, numpy uint8 (20, 4, 84, 84)"),
        (
            evaluating,
            breakout_stacks[2:5],
            "DQN2013Network in eval mode (network.eval(), as an evaluation may "
            "set it), 3 real Breakout stacks: the mode must stay eval",
        ),
        (net2013, breakout_stacks[:1], "DQN2013Network, a batch of ONE real stack, numpy uint8 (1, 4, 84, 84)"),
        (
            net2013,
            torch.from_numpy(breakout_stacks[5:13].copy()),
            "DQN2013Network, 8 real stacks as a torch uint8 tensor (8, 4, 84, 84), as the fast engine holds them",
        ),
        (
            nature,
            rng.integers(0, 256, size=(5, 4, 84, 84), dtype=np.uint8),
            "NatureNetwork with 18 actions, 5 random uint8 stacks",
        ),
        (mlp, vectors, "MLPNetwork with 3 actions, 32 float32 vectors (32, 4) (CartPole-sized)"),
        (mlp, vectors[:1], "MLPNetwork, a batch of one float32 vector (1, 4)"),
        (mlp, torch.from_numpy(vectors[3:10].copy()), "MLPNetwork, 7 vectors as a torch float32 tensor (7, 4)"),
        (
            HalfPrecisionOutput(mlp),
            vectors[:6],
            "a network whose Q-values come out in float16 (mixed precision), 6 vectors",
        ),
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
    network_before = snapshot(recorder)
    got = call(ex, "q_values", recorder, given, inputs=inputs)
    if not same_observations(given, observations):
        fail(
            "q_values changed the observations it was given",
            inputs=inputs,
            hint="the observations are still needed (the replay memory stores them). Note that torch.as_tensor "
            "and torch.from_numpy share memory with a numpy array: an in-place operation on the tensor "
            "writes into the caller's array",
        )
    assert_inputs_unchanged_for("q_values", inputs, network=(network_before, recorder))
    assert_matches(
        got,
        expected,
        what="Q-values from q_values",
        inputs=inputs,
        atol=1e-5,
        rtol=1e-5,
        hint="run the network on the batch as it is (it is already a batch: add no dimension, and "
        "do not rescale frames, the networks do it), and return its output as a float32 "
        "numpy array on the CPU",
    )
    if not recorder.grad_enabled:
        fail("q_values never called the network it was given", inputs=inputs, expected="one forward pass", got="none")
    if len(recorder.grad_enabled) != 1:
        fail(
            "q_values ran the network more than once for one batch",
            inputs=inputs,
            expected=f"one forward pass on all {len(expected)} observations",
            got=f"{len(recorder.batch_sizes)} forward passes, of batch sizes {recorder.batch_sizes[:8]}",
            hint="pass the whole batch to the network at once: one forward pass is much faster than a loop, "
            "and gives exactly the reference's numbers",
        )
    if recorder.grad_enabled != [False]:
        fail(
            "q_values ran the network with gradient tracking on",
            inputs=inputs,
            expected="torch.is_grad_enabled() == False during the forward pass",
            got="gradient tracking on",
            hint="acting is not learning: run the network inside `with torch.no_grad():` (.detach() afterwards "
            "is too late: the graph was already built, at every one of millions of agent steps)",
        )
    again = call(ex, "q_values", recorder, copy_of(observations), inputs=inputs + ", called a second time")
    assert_deterministic("q_values", got, again)


@exercise("6.3", "Q-values of a batch of observations")
def test_q_values(ex, breakout_stacks):
    for network, observations, inputs in q_value_cases(breakout_stacks):
        check_q_values(ex, network, observations, inputs)
    # the device of the parameters, seen from a machine without a GPU: parameters on the meta device
    for observations, kind in [
        (breakout_stacks[:3], "3 real stacks as a numpy array"),
        (torch.from_numpy(breakout_stacks[3:5].copy()), "2 real stacks as a CPU tensor"),
    ]:
        network = ParametersOnMeta()
        inputs = (
            f"a network whose parameters are on the meta device (as they could be on a GPU), {kind}; it "
            "returns fixed Q-values"
        )
        expected = reference.q_values(network, copy_of(observations))
        network.input_devices.clear()
        got = call(ex, "q_values", network, copy_of(observations), inputs=inputs)
        if network.input_devices and any(device.type != "meta" for device in network.input_devices):
            fail(
                "q_values ran the network on observations that are not on the device of its parameters",
                inputs=inputs,
                expected="observations moved to meta, the device of the network's parameters",
                got=f"inputs on {', '.join(sorted({str(d) for d in network.input_devices}))}",
                hint="ask the network where its parameters are, rather than assuming the CPU or testing "
                "torch.cuda.is_available() (a network can sit on the CPU of a machine with a GPU)",
            )
        assert_matches(
            got,
            expected,
            what="Q-values from q_values",
            inputs=inputs,
            atol=1e-6,
            rtol=1e-6,
            hint="return the network's output as a float32 numpy array on the CPU",
        )
    if torch.cuda.is_available():  # the device of the network's parameters (checked where there is a GPU)
        torch.manual_seed(SEED)
        network = DQN2013Network(num_actions=4).cuda()
        check_q_values(
            ex,
            network,
            breakout_stacks[:4],
            "DQN2013Network on the GPU, 4 real stacks as a numpy array on the CPU: move them to the network's device",
        )
        check_q_values(
            ex,
            network,
            torch.from_numpy(breakout_stacks[4:8].copy()).cuda(),
            "DQN2013Network on the GPU, 4 real stacks already on the GPU (the fast engine's)",
        )
