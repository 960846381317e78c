"""Grader for Chapter 12 (the full Breakout run): the three steps of the training loop that
`dqn_tutorial/dqn.py` runs, act, store and learn (chapters/12_breakout_run/exercises.py), and the answer
to the silent-bug hunt.

Each step is judged on a small agent (`dqn_tutorial.dqn.Agent`) whose parts record what is done to
them: a two-layer MLP that logs its forward passes, a replay memory that logs `add` and hands out
marked batches from `sample`, an update that logs what it gets and what the target network holds at
that moment. The expected behaviour is written out here from the papers (Mnih et al. 2015, Algorithm 1
and Methods; DeepMind's schedules in agent steps); the reference `dqn_tutorial.dqn` is run on a twin
agent only as a sanity check of this file.

Run it with `pytest -k ch12`; `pytest --impl=solutions -k ch12` grades the answers instead.
"""

from __future__ import annotations

import ast
import copy
import hashlib
from pathlib import Path

import numpy as np
import torch
from torch import nn

from checks import (
    assert_global_random_untouched,
    assert_inputs_unchanged_for,
    assert_python_type,
    global_random_state,
    snapshot,
)
from dqn_tutorial import dqn as reference
from dqn_tutorial.config import get_preset
from grading import REPOSITORY, assert_matches, assert_type, call, exercise, fail

SEED = 12
FEATURES = 6


# ------------------------------------------------------------------------------------------------
# A small agent whose parts record what is done to them
# ------------------------------------------------------------------------------------------------


class TinyQNetwork(nn.Module):
    """6 features -> 16 -> num_actions; records each forward pass: (batch size, gradient mode)."""

    def __init__(self, num_actions: int):
        super().__init__()
        self.num_actions = num_actions
        self.layers = nn.Sequential(nn.Linear(FEATURES, 16), nn.ReLU(), nn.Linear(16, num_actions))
        self.forward_passes: list[tuple[int, bool]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.forward_passes.append((int(x.shape[0]), torch.is_grad_enabled()))
        return self.layers(x.float())


class Marker:
    """What the fake memory's `sample` returns: a numbered stand-in for a minibatch."""

    def __init__(self, number: int, batch_size):
        self.number, self.batch_size = number, batch_size

    def __repr__(self) -> str:
        return f"<minibatch #{self.number} of memory.sample({self.batch_size!r})>"


class RecordingMemory:
    """A replay memory that records each `add` (copies of its arguments, taken at the call) and hands
    out a new Marker at each `sample`."""

    def __init__(self):
        self.added: list[dict] = []
        self.samples: list[Marker] = []

    def add(self, frame, action, reward, terminal, episode_end) -> None:
        self.added.append(
            {
                name: copy.deepcopy(value)
                for name, value in [
                    ("frame", frame),
                    ("action", action),
                    ("reward", reward),
                    ("terminal", terminal),
                    ("episode_end", episode_end),
                ]
            }
        )

    def sample(self, batch_size) -> Marker:
        marker = Marker(len(self.samples), batch_size)
        self.samples.append(marker)
        return marker

    def __len__(self) -> int:
        return 10_000


def weights(network: nn.Module) -> dict[str, torch.Tensor]:
    return {name: value.detach().clone() for name, value in network.state_dict().items()}


def same_weights(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[name], b[name]) for name in a)


class RecordingUpdate:
    """The agent's SGD update, faked: it records the batch it gets and which weights the online and the
    target network hold at that moment, then moves every online weight by +1 (a stand-in for a step).

    The online network's weights after k updates are kept (`snapshots[k]`), so the target's weights
    tell which version of the online network was last copied into it ('never synced' before any sync).
    """

    def __init__(self):
        self.agent = None
        self.calls: list[tuple[object, object, object]] = []  # (batch, online version, target version)
        self.snapshots: list[dict[str, torch.Tensor]] = []
        self.initial_target: dict[str, torch.Tensor] | None = None

    def attach(self, agent) -> None:
        self.agent = agent
        self.snapshots = [weights(agent.online)]
        self.initial_target = None if agent.target is None else weights(agent.target)

    def version_of(self, network):
        if network is None:
            return None
        state = weights(network)
        for version, saved in enumerate(self.snapshots):
            if same_weights(state, saved):
                return version
        if self.initial_target is not None and same_weights(state, self.initial_target):
            return "never synced"
        return "other weights"

    def __call__(self, batch) -> None:
        agent = self.agent
        self.calls.append((batch, self.version_of(agent.online), self.version_of(agent.target)))
        with torch.no_grad():
            for parameter in agent.online.parameters():
                parameter.add_(1.0)
        self.snapshots.append(weights(agent.online))


def make_agent(
    config, num_actions: int = 4, seed: int = SEED, target: bool = True, step: int = 0, updates: int = 0
) -> reference.Agent:
    """A dqn.Agent with a tiny network, a recording memory and update, and a seeded np.random.Generator."""
    torch.manual_seed(seed)
    online = TinyQNetwork(num_actions)
    target_network = None
    if target:
        target_network = copy.deepcopy(online)
        with torch.no_grad():
            for parameter in target_network.parameters():
                parameter.sub_(5.0)  # weights of its own, unlike any version of the online network
                parameter.requires_grad_(False)
    update = RecordingUpdate()
    agent = reference.Agent(
        config,
        online,
        target_network,
        torch.optim.SGD(online.parameters(), lr=0.0),
        RecordingMemory(),
        update,
        num_actions,
        rng=np.random.default_rng(seed),
        step=step,
        learned_until=step,
        updates=updates,
    )
    update.attach(agent)
    return agent


def counters(agent) -> dict:
    return {"agent.step": agent.step, "agent.learned_until": agent.learned_until, "agent.updates": agent.updates}


def check_untouched(
    agent, name: str, inputs: str, before: dict, online_weights: dict, memory_used: bool, updates_made: bool
) -> None:
    """What a step of the loop must leave alone: the counters it does not own, the weights, the memory."""
    for counter, value in before.items():
        if counters(agent)[counter] != value:
            fail(
                f"{name} changed {counter}",
                inputs=inputs,
                expected=f"{counter} = {value}, as before the call",
                got=f"{counter} = {counters(agent)[counter]}",
                hint="the loop (dqn.play_step) counts the steps; act and store only act and store",
            )
    if not same_weights(weights(agent.online), online_weights):
        fail(
            f"{name} changed the online network's weights",
            inputs=inputs,
            hint="only the update (in learn) changes the weights",
        )
    if not memory_used and (agent.memory.added or agent.memory.samples):
        fail(
            f"{name} used the replay memory",
            inputs=inputs,
            got=f"{len(agent.memory.added)} add and {len(agent.memory.samples)} sample calls",
        )
    if not updates_made and agent.update.calls:
        fail(
            f"{name} made SGD updates",
            inputs=inputs,
            got=f"{len(agent.update.calls)} calls of agent.update",
            hint="updates belong to learn",
        )


# ------------------------------------------------------------------------------------------------
# 12.1 act
# ------------------------------------------------------------------------------------------------


def linear(t: int, start: float, end: float, duration: int) -> float:
    """Annealed linearly from start to end over `duration` steps, fixed at end thereafter (2015, Methods)."""
    if t >= duration:
        return end
    if t <= 0:
        return start
    return start + (end - start) * (t / duration)


def oracle_epsilon(step: int, c) -> float:
    """Random play (epsilon 1) for the first learning_starts agent steps, then annealed from there
    (DeepMind's code: ep_start until learn_start, then linear)."""
    if step < c.learning_starts:
        return 1.0
    return linear(step - c.learning_starts, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps)


def oracle_actions(greedy: np.ndarray, num_actions: int, epsilon: float, rng: np.random.Generator) -> np.ndarray:
    """Chapter 6's contract of epsilon_greedy: one random action per row, then one coin per row."""
    random_actions = rng.integers(num_actions, size=len(greedy))
    coins = rng.random(len(greedy))
    return np.where(coins < epsilon, random_actions, greedy).astype(np.int64)


def act_cases():
    """(config, agent step, batch, num_actions, observations as a tensor, what makes the case interesting)."""
    base = get_preset("nature2015").replace(
        learning_starts=1_000, epsilon_start=1.0, epsilon_end=0.1, epsilon_decay_steps=2_000
    )
    low_start = base.replace(epsilon_start=0.8, epsilon_end=0.05)
    greedy_end = base.replace(epsilon_end=0.0, epsilon_decay_steps=500)
    return [
        (base, 0, 64, 4, False, "the first agent step: random play (epsilon 1)"),
        (base, 999, 64, 4, False, "the last step of random play"),
        (base, 1_000, 64, 4, False, "step == learning_starts: annealing begins at epsilon_start = 1"),
        (base, 1_500, 64, 4, False, "a quarter of the way through annealing: epsilon 0.775"),
        (base, 2_000, 64, 4, True, "half way through annealing, observations as a torch tensor (the fast engine's)"),
        (base, 3_000, 64, 4, False, "step == learning_starts + epsilon_decay_steps: epsilon has reached 0.1"),
        (base, 2_000_000, 64, 18, False, "long after annealing, 18 actions"),
        (base, 2_500, 1, 4, False, "one emulator (a batch of one observation)"),
        (low_start, 500, 64, 4, False, "epsilon_start 0.8, during random play: still epsilon 1"),
        (low_start, 1_000, 64, 4, False, "epsilon_start 0.8, the first step after random play: epsilon 0.8"),
        (low_start, 1_400, 64, 6, True, "epsilon_start 0.8 -> 0.05, a fifth of the way, tensor observations"),
        (greedy_end, 1_500, 64, 4, False, "epsilon_end 0, after annealing: every action greedy"),
    ]


def epsilon_diagnosis(got: np.ndarray, greedy: np.ndarray, num_actions: int, seed: int, step: int, c) -> str | None:
    """Which wrong epsilon reproduces the learner's actions, said in words."""
    expected = oracle_epsilon(step, c)
    candidates = [
        (
            linear(step, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps),
            "the epsilon of these actions is the linear schedule at agent.step itself: the schedule counts from "
            "learning_starts (random play first, then epsilon_decay_steps of annealing; DeepMind's code), so "
            "at step learning_starts + t epsilon is linear_epsilon(t)",
        ),
        (
            linear(step - c.learning_starts, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps),
            "the epsilon of these actions is epsilon_start during random play: until learning starts the agent "
            "plays at random (epsilon 1), whatever epsilon_start is",
        ),
        (1.0, "every action was random: the epsilon of this step is below 1"),
        (0.0, "every action was greedy: the epsilon of this step is above 0"),
        (c.epsilon_end, "the actions follow epsilon_end, not the epsilon of this step"),
        (c.epsilon_start, "the actions follow epsilon_start, not the epsilon of this step"),
    ]
    for epsilon, words in candidates:
        if epsilon != expected and np.array_equal(
            got, oracle_actions(greedy, num_actions, epsilon, np.random.default_rng(seed))
        ):
            return words
    return None


@exercise("12.1", "Act")
def test_act(ex):
    for index, (c, step, batch, num_actions, as_tensor, why) in enumerate(act_cases()):
        seed = SEED + 100 * index
        epsilon = oracle_epsilon(step, c)
        inputs = (
            f"{why}; agent.step={step:,}, learning_starts={c.learning_starts:,}, "
            f"epsilon {c.epsilon_start} -> {c.epsilon_end} over {c.epsilon_decay_steps:,} agent steps, "
            f"{batch} observations, {num_actions} actions, agent.rng=np.random.default_rng({seed})"
        )
        agent = make_agent(c, num_actions, seed=seed, step=step)
        observations = np.random.default_rng(seed).normal(size=(batch, FEATURES)).astype(np.float32)
        given = torch.from_numpy(observations.copy()) if as_tensor else observations.copy()
        with torch.no_grad():
            greedy = agent.online.layers(torch.from_numpy(observations)).argmax(dim=1).numpy()
        expected = oracle_actions(greedy, num_actions, epsilon, np.random.default_rng(seed))
        expected_rng = np.random.default_rng(seed)
        oracle_actions(greedy, num_actions, epsilon, expected_rng)
        # sanity check of this file: the reference loop agrees with the contract written out above
        twin = make_agent(c, num_actions, seed=seed, step=step)
        assert np.array_equal(reference.act(twin, observations.copy()), expected), inputs
        assert twin.rng.bit_generator.state == expected_rng.bit_generator.state, inputs

        rng, start_state = agent.rng, copy.deepcopy(agent.rng.bit_generator.state)
        before, online_weights = counters(agent), weights(agent.online)
        network_before = snapshot(agent.online)
        np.random.seed(seed + 1)  # np.random's global generator in a known state, unlike agent.rng's
        global_before = global_random_state()
        got = call(ex, "act", agent, given, inputs=inputs)
        assert_global_random_untouched("act", global_before, inputs)

        assert_type(
            got,
            np.ndarray,
            what="act",
            inputs=inputs,
            hint="return the actions as an int64 numpy array, one per observation (what epsilon_greedy "
            "returns): the emulators take numpy arrays",
        )
        if got.shape != (batch,):
            fail(
                f"act returned an array of shape {got.shape}",
                inputs=inputs,
                expected=f"shape ({batch},): one action per emulator",
                got=f"shape {got.shape}",
                hint="one action per row of observations, for every emulator at once",
            )
        if agent.rng is not rng:
            fail(
                "act replaced agent.rng by another generator",
                inputs=inputs,
                hint="draw from agent.rng itself: its state is saved in checkpoints, and a seed must replay a run",
            )
        if agent.rng.bit_generator.state == start_state:
            fail(
                "act drew no random numbers from agent.rng",
                inputs=inputs,
                expected="agent.rng's state moved on by the draws of epsilon_greedy",
                got="agent.rng's state unchanged",
                hint="draw every random number from agent.rng: np.random's global generator, or a new "
                "np.random.default_rng(), gives runs that the seed cannot replay and a resume cannot continue",
            )
        if agent.rng.bit_generator.state != expected_rng.bit_generator.state:
            fail(
                "act drew a different amount of random numbers from agent.rng than Chapter 6's epsilon_greedy",
                inputs=inputs,
                expected="one random action and one coin per observation, drawn as epsilon_greedy draws them",
                got="agent.rng in another state after the call",
                hint="choose the actions with epsilon_greedy(values, epsilon, agent.rng), once for the whole batch",
            )
        if got.dtype != np.int64:
            fail(
                f"act returned actions of dtype {got.dtype}",
                inputs=inputs,
                expected="int64",
                got=str(got.dtype),
                hint="return epsilon_greedy's array as it is",
            )
        if not np.array_equal(got, expected):
            diagnosis = epsilon_diagnosis(got, greedy, num_actions, seed, step, c)
            assert_matches(
                got,
                expected,
                what="actions from act",
                inputs=inputs,
                hint=diagnosis
                or f"the epsilon of agent step {step:,} is {epsilon:g} here "
                "(Chapter 6's schedule, counted from learning_starts), and the greedy actions are "
                "the argmax of the online network's Q-values",
            )
        passes = agent.online.forward_passes
        if epsilon >= 1.0 and passes:
            fail(
                "act ran the network during random play",
                inputs=inputs,
                expected="no forward pass while epsilon is 1",
                got=f"{len(passes)} forward pass(es)",
                hint="while epsilon is 1 every action is random whatever the Q-values: zeros can stand in for "
                "them, and the first learning_starts steps (50,000 for Nature) need no network",
            )
        if epsilon < 1.0:
            # the number of passes first: a loop over the observations is a different mistake from gradients
            if len(passes) != 1 or passes[0][0] != batch:
                fail(
                    f"act ran the network {len(passes)} time(s) for one batch of {batch} observations",
                    inputs=inputs,
                    expected=f"one forward pass of {batch} observations",
                    got=f"forward passes (batch size, gradients on): {passes[:8]}{' ...' if len(passes) > 8 else ''}",
                    hint="one forward pass for all emulators at once (Chapter 6's q_values): a pass per "
                    "observation, or a second pass for the argmax, costs as many network runs per step",
                )
            if passes[0][1]:
                fail(
                    "act ran the network with gradient tracking on: it builds a graph at every step",
                    inputs=inputs,
                    expected="the forward pass under torch.no_grad()",
                    got=f"forward passes (batch size, gradients on): {passes}",
                    hint="acting is not learning: Chapter 6's q_values runs the network without gradients",
                )
        if not agent.online.training:
            fail(
                "act left the online network in eval mode",
                inputs=inputs,
                expected="agent.online.training is True, as before the call",
                got="agent.online.training is False",
                hint="acting changes nothing of the network: the same network is trained next (a layer such as "
                "dropout or batch norm would then behave differently)",
            )
        layers_in_eval = [name for name, module in agent.online.named_modules() if name and not module.training]
        if layers_in_eval:
            fail(
                "act left layers of the online network in eval mode",
                inputs=inputs,
                expected="every layer in training mode, as before the call",
                got=f"agent.online.training is True, but not in: {', '.join(layers_in_eval[:4])}",
                hint="`.training = True` sets the flag of the top module only; .train() sets it for every layer. "
                "Acting needs no change of mode at all: torch.no_grad() is what keeps it from learning",
            )
        original = torch.from_numpy(observations) if as_tensor else observations
        unchanged = torch.equal(given, original) if as_tensor else np.array_equal(given, original)
        if not unchanged:
            fail(
                "act changed the observations it was given",
                inputs=inputs,
                hint="the loop stores these very frames next: leave them as they are",
            )
        assert_inputs_unchanged_for("act", inputs, online=(network_before, agent.online))
        check_untouched(agent, "act", inputs, before, online_weights, memory_used=False, updates_made=False)
    check_act_device(ex)


class ParametersOnMeta(nn.Module):
    """A Q-network whose parameters sit on the meta device (the stand-in for a GPU on a CPU-only machine): it
    records the device of every input, and answers with the Q-values of a CPU twin on the observations the
    grader gave (meta tensors hold no values)."""

    def __init__(self, twin: TinyQNetwork, observations: np.ndarray):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(twin.num_actions, FEATURES, device="meta"))
        self.twin, self.observations = [twin], torch.from_numpy(observations)
        self.input_devices: list[torch.device] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.input_devices.append(x.device)
        with torch.no_grad():
            return self.twin[0].layers(self.observations)


def check_act_device(ex) -> None:
    """act with an online network on another device than the observations (here meta, on a GPU cuda): the
    observations must go to the network's device."""
    c = get_preset("nature2015").replace(
        learning_starts=1_000, epsilon_start=1.0, epsilon_end=0.1, epsilon_decay_steps=2_000
    )
    seed, step, batch = SEED + 7, 2_500, 16
    agent = make_agent(c, 4, seed=seed, step=step)
    observations = np.random.default_rng(seed).normal(size=(batch, FEATURES)).astype(np.float32)
    expected = reference.act(make_agent(c, 4, seed=seed, step=step), observations.copy())
    agent.online = ParametersOnMeta(agent.online, observations)
    inputs = (
        f"the online network's parameters on the meta device (as they are on a GPU), observations a numpy "
        f"array (CPU); agent.step={step:,}: epsilon {oracle_epsilon(step, c):g}, {batch} observations"
    )
    got = call(ex, "act", agent, observations.copy(), inputs=inputs)
    devices = agent.online.input_devices
    if any(device.type != "meta" for device in devices):
        fail(
            "act ran the network on observations that are not on the device of its parameters",
            inputs=inputs,
            expected="observations moved to meta, the device of the network's parameters",
            got=f"inputs on {', '.join(sorted({str(d) for d in devices}))}",
            hint="on a GPU this fails: move the observations to the device of the network's parameters, as "
            "Chapter 6's q_values does",
        )
    assert_matches(
        got,
        expected,
        what="actions from act",
        inputs=inputs,
        hint="the greedy actions are the argmax of the online network's Q-values",
    )


# ------------------------------------------------------------------------------------------------
# 12.2 store
# ------------------------------------------------------------------------------------------------

FLAGS = np.array([[int(bit) for bit in f"{n:03b}"] for n in range(8)], dtype=bool)  # every combination


def store_cases():
    """(config, frames, actions, rewards, terminated, truncated, life_lost, what makes the case interesting)."""
    nature = get_preset("nature2015")
    configs = [
        (nature, "the Nature settings: rewards clipped, a lost life terminal"),
        (nature.replace(clip_rewards=False), "clip_rewards False (the CartPole preset's)"),
        (nature.replace(terminal_on_life_loss=False), "terminal_on_life_loss False"),
        (nature.replace(clip_rewards=False, terminal_on_life_loss=False), "neither clipping nor life-loss terminals"),
    ]
    rng = np.random.default_rng(SEED)
    cases = []
    for c, settings in configs:
        # 8 emulators: every combination of (terminated, truncated, life_lost), Breakout-like and larger points
        rewards = np.array([0.0, 1.0, 4.0, 7.0, -1.0, 30.0, 0.0, -5.0])
        frames = rng.integers(0, 256, size=(8, 84, 84), dtype=np.uint8)
        actions = rng.integers(0, 4, size=8).astype(np.int64)
        cases.append(
            (
                c,
                frames,
                actions,
                rewards,
                *FLAGS.T.copy(),
                f"{settings}; 8 emulators, every combination of (terminated, truncated, life_lost)",
            )
        )
        rewards = np.array([0.5, -0.25, 2.0, 0.0, 1.0, -3.0, 200.0, 0.0, 10.0, 1.0, 0.0, -1.0, 5.0, 0.0, 0.0, 1.0])
        frames = rng.integers(0, 256, size=(16, 84, 84), dtype=np.uint8)
        flags = rng.random((3, 16)) < 0.3
        cases.append(
            (
                c,
                frames,
                rng.integers(0, 18, size=16).astype(np.int64),
                rewards,
                *flags,
                f"{settings}; 16 emulators, fractional and large rewards, random flags",
            )
        )
    c = nature
    cases.append(
        (
            c,
            rng.integers(0, 256, size=(1, 84, 84), dtype=np.uint8),
            np.array([3]),
            np.array([4.0]),
            np.array([False]),
            np.array([False]),
            np.array([True]),
            "the Nature settings; one emulator, a life lost with 4 points scored",
        )
    )
    return cases


def flag_diagnosis(got: np.ndarray, terminated, truncated, life_lost, c) -> str | None:
    on_life_loss = life_lost if c.terminal_on_life_loss else np.zeros_like(life_lost)
    candidates = [
        (
            terminated | truncated | on_life_loss,
            "a game cut by the time limit (truncated) was stored as terminal: it could have gone on, so its "
            "target must still bootstrap from the next state",
        ),
        (
            terminated | truncated | life_lost,
            "truncated games were made terminal (and lost lives, whatever terminal_on_life_loss says)",
        ),
        (
            terminated.copy(),
            "a lost life was not made terminal although config.terminal_on_life_loss is True "
            "(the Nature agent learns that losing a life ends its future rewards)",
        ),
        (terminated | life_lost, "a lost life was made terminal although config.terminal_on_life_loss is False"),
    ]
    for candidate, words in candidates:
        if np.array_equal(np.asarray(got, dtype=bool), candidate):
            return words
    return None


def episode_end_diagnosis(got: np.ndarray, terminated, truncated, life_lost) -> str | None:
    candidates = [
        (
            terminated.copy(),
            "a game cut by the time limit ends its episode too: the emulator starts a new game, "
            "and the memory must not stack frames of two games into one observation",
        ),
        (
            terminated | truncated | life_lost,
            "a lost life does not end the episode: the game goes on (only for learning can it be terminal)",
        ),
        (terminated | life_lost, "the episode ends on game over or time limit, not on a lost life"),
    ]
    for candidate, words in candidates:
        if np.array_equal(np.asarray(got, dtype=bool), candidate):
            return words
    return None


@exercise("12.2", "Store")
def test_store(ex):
    for index, (c, frames, actions, rewards, terminated, truncated, life_lost, why) in enumerate(store_cases()):
        inputs = (
            f"{why}; clip_rewards={c.clip_rewards}, terminal_on_life_loss={c.terminal_on_life_loss}; "
            f"rewards {rewards.tolist()}, terminated {terminated.astype(int).tolist()}, "
            f"truncated {truncated.astype(int).tolist()}, life_lost {life_lost.astype(int).tolist()}"
        )
        # the papers' rules, written out: clipped rewards and life-loss terminals for learning only
        expected_reward = np.clip(rewards, -1.0, 1.0) if c.clip_rewards else rewards.copy()
        expected_terminal = terminated | (life_lost if c.terminal_on_life_loss else np.zeros_like(life_lost))
        expected_end = terminated | truncated
        arguments = [frames, actions, rewards, terminated, truncated, life_lost]
        twin = make_agent(c, seed=SEED + index)
        reference.store(twin, *[a.copy() for a in arguments])
        (added,) = twin.memory.added
        assert np.array_equal(added["reward"], expected_reward) and np.array_equal(added["terminal"], expected_terminal)
        assert np.array_equal(added["episode_end"], expected_end), inputs

        agent = make_agent(c, seed=SEED + index)
        given = [a.copy() for a in arguments]
        rng_state = copy.deepcopy(agent.rng.bit_generator.state)
        before, online_weights = counters(agent), weights(agent.online)
        call(ex, "store", agent, *given, inputs=inputs)

        names = ["frames", "actions", "rewards", "terminated", "truncated", "life_lost"]
        for name, original, after in zip(names, arguments, given):
            if not np.array_equal(original, after):
                hint = (
                    "the caller logs the real game scores from this very array: clip a copy (clip_rewards "
                    "returns a new array)"
                    if name == "rewards"
                    else "the caller uses its flags after the call (episode ends, scores): combine them into new "
                    "arrays (`a | b`), not in place (`a |= b`)"
                )
                fail(
                    f"store changed the caller's {name}"
                    + (": the real rewards were replaced" if name == "rewards" else ""),
                    inputs=inputs,
                    expected=f"{name} as given",
                    got=f"{name} after the call: {after.tolist()[:16]}",
                    hint=hint,
                )
        calls = agent.memory.added
        if len(calls) != 1:
            fail(
                f"store called agent.memory.add {len(calls)} times",
                inputs=inputs,
                expected="one call, with the rows of every emulator (ReplayMemory.add takes them all at once)",
                got=f"{len(calls)} calls",
            )
        stored = calls[0]
        assert_matches(
            np.asarray(stored["frame"]),
            frames,
            what="the frames stored",
            inputs=inputs,
            hint="store the frames as given: the newest frame of each observation",
        )
        assert_matches(
            np.asarray(stored["action"]),
            actions,
            what="the actions stored",
            inputs=inputs,
            check_dtype="kind",
            hint="store the actions as given: the actions the emulators played",
        )
        reward = np.asarray(stored["reward"])
        if reward.shape == rewards.shape and not np.allclose(reward.astype(np.float64), expected_reward, atol=1e-6):
            if c.clip_rewards and np.allclose(reward.astype(np.float64), rewards):
                hint = "config.clip_rewards is True: the agent learns from the rewards clipped to [-1, 1] (Chapter 7)"
            elif not c.clip_rewards and np.allclose(reward.astype(np.float64), np.clip(rewards, -1, 1)):
                hint = "config.clip_rewards is False: the agent learns from the game's points as they are"
            else:
                hint = (
                    "clip every reward to [-1, 1] with Chapter 7's clip_rewards (0.5 stays 0.5) when "
                    "config.clip_rewards is set; otherwise store them as given"
                )
            assert_matches(
                reward,
                expected_reward,
                what="the rewards stored (what the agent learns from)",
                inputs=inputs,
                check_dtype=False,
                hint=hint,
            )
        assert_matches(
            reward,
            expected_reward,
            what="the rewards stored (what the agent learns from)",
            inputs=inputs,
            check_dtype=False,
        )
        terminal = np.asarray(stored["terminal"])
        if terminal.shape == terminated.shape and not np.array_equal(terminal.astype(bool), expected_terminal):
            assert_matches(
                terminal,
                expected_terminal,
                what="the terminal flags stored",
                inputs=inputs,
                check_dtype=False,
                hint=flag_diagnosis(terminal, terminated, truncated, life_lost, c)
                or "terminal: the game is over, or a life was lost when config.terminal_on_life_loss",
            )
        assert_matches(
            terminal,
            expected_terminal,
            what="the terminal flags stored",
            inputs=inputs,
            check_dtype="kind",
            hint="one bool per emulator: the memory stores flags, and the TD target turns them into "
            "numbers itself (combining bool arrays with | and & keeps them bool)",
        )
        end = np.asarray(stored["episode_end"])
        if end.shape == terminated.shape and not np.array_equal(end.astype(bool), expected_end):
            assert_matches(
                end,
                expected_end,
                what="the episode ends stored",
                inputs=inputs,
                check_dtype=False,
                hint=episode_end_diagnosis(end, terminated, truncated, life_lost)
                or "episode_end: the emulator starts a new game after this step",
            )
        assert_matches(
            end,
            expected_end,
            what="the episode ends stored",
            inputs=inputs,
            check_dtype="kind",
            hint="one bool per emulator: the memory stores flags (combining bool arrays with | and & keeps them bool)",
        )
        if agent.rng.bit_generator.state != rng_state:
            fail(
                "store drew random numbers from agent.rng",
                inputs=inputs,
                hint="storing is deterministic: the agent's generator is for its actions",
            )
        check_untouched(agent, "store", inputs, before, online_weights, memory_used=True, updates_made=False)


# ------------------------------------------------------------------------------------------------
# 12.3 learn
# ------------------------------------------------------------------------------------------------

LEARN_CONFIG = dict(learning_starts=20, update_every=4, target_sync_every=12, batch_size=5)


def trace(
    c,
    steps,
    online_version: int,
    target_version,
    has_target: bool,
    sync_first: bool = False,
    sync_on_updates_from: int | None = None,
):
    """What the agent does after each agent step in `steps` (Algorithm 1 with DeepMind's schedules): an SGD
    update every update_every agent steps once learning_starts steps are played, then a target sync every
    target_sync_every agent steps. Returns ([(online version, target version) seen by each update], online
    version, target version at the end), versions counting the online network's updates.

    Two mistakes can be traced too: `sync_first` (the sync of a step before its update) and
    `sync_on_updates_from=agent.updates` (a sync every target_sync_every *updates*).
    """
    seen, sync_every = [], c.target_sync_every
    for step in steps:
        due_update = step > c.learning_starts and (step - c.learning_starts) % c.update_every == 0
        due_sync = has_target and sync_on_updates_from is None and sync_every > 0 and step % sync_every == 0
        if sync_first and due_sync:
            target_version = online_version
        if due_update:
            seen.append((online_version, target_version))
            online_version += 1
            if has_target and sync_on_updates_from is not None and (sync_on_updates_from + len(seen)) % sync_every == 0:
                target_version = online_version
        if not sync_first and due_sync:
            target_version = online_version
    return seen, online_version, target_version


def learn_scenarios():
    """(what the calls are like, has a target, agent steps before the first call, updates before, the
    agent.step of each call; a repeated value is a call with no new steps)."""
    return [
        ("one emulator: learn after every agent step", True, 0, 0, list(range(1, 61))),
        ("16 emulators: each call comes 16 agent steps after the last", True, 0, 0, list(range(16, 113, 16)) + [112]),
        (
            "no target network (agent.target is None: the 2013 agent), 16 emulators",
            False,
            0,
            0,
            list(range(16, 113, 16)),
        ),
        ("5 emulators, calls 5 agent steps apart", True, 0, 0, list(range(5, 81, 5))),
        (
            "a resumed run (agent.step = agent.learned_until = 1,000, agent.updates = 245 before the first call), "
            "uneven jumps",
            True,
            1_000,
            245,
            [1_004, 1_016, 1_019, 1_019, 1_020, 1_037, 1_048],
        ),
    ]


MISTAKES = {
    "current step": "only agent.step itself was asked about: with several emulators one call covers every agent "
    "step since agent.learned_until, and each of them may be due an update or a sync",
    "off by one": "the steps asked about are off by one: the ones not learned from yet are agent.learned_until + 1 "
    "up to agent.step, both included",
    "sync first": "on a step due both an update and a sync, the target was synced before the update: it then holds "
    "the weights from before that step's update (Algorithm 1: the gradient step, then every C steps "
    "Q^ = Q)",
    "updates clock": "the target was synced every target_sync_every updates: it counts agent steps, as in DeepMind's "
    "code (the paper's table says 'parameter updates'; Chapter 8)",
}


def simulate(c, start: int, calls: list[int], has_target: bool, updates: int, mistake: str) -> list:
    """The (updates seen, online version, target version) of each call of a learn that makes `mistake`."""
    learned_until, version, target_version = start, 0, "never synced" if has_target else None
    observations = []
    for step in calls:
        steps = {"current step": [step], "off by one": range(learned_until, step)}.get(
            mistake, range(learned_until + 1, step + 1)
        )
        seen, version, target_version = trace(
            c,
            steps,
            version,
            target_version,
            has_target,
            sync_first=mistake == "sync first",
            sync_on_updates_from=updates if mistake == "updates clock" else None,
        )
        updates += len(seen)
        observations.append((seen, version, target_version))
        learned_until = step
    return observations


def learn_diagnosis(c, start: int, calls: list[int], has_target: bool, updates: int, observed: list) -> str | None:
    """Which wrong reading of the algorithm reproduces every call of the learner's learn so far, in words."""
    for mistake, words in MISTAKES.items():
        if simulate(c, start, calls, has_target, updates, mistake) == observed:
            return words
    return None


@exercise("12.3", "Learn")
def test_learn(ex):
    c = get_preset("nature2015").replace(**LEARN_CONFIG)
    settings = (
        f"learning_starts={c.learning_starts}, update_every={c.update_every}, "
        f"target_sync_every={c.target_sync_every}, batch_size={c.batch_size}"
    )
    for index, (why, has_target, start, updates, calls) in enumerate(learn_scenarios()):
        # sanity check of this file: the reference loop makes the updates and syncs of `trace`
        twin = make_agent(c, seed=SEED + index, target=has_target, step=start, updates=updates)
        for step in calls:
            first = twin.learned_until + 1
            version, target_version = twin.update.version_of(twin.online), twin.update.version_of(twin.target)
            count = len(twin.update.calls)
            twin.step = step
            reference.learn(twin)
            seen = [(v, t) for _, v, t in twin.update.calls[count:]]
            assert (seen, twin.update.version_of(twin.online), twin.update.version_of(twin.target)) == trace(
                c, range(first, step + 1), version, target_version, has_target
            ), (why, step)

        agent = make_agent(c, seed=SEED + index, target=has_target, step=start, updates=updates)
        online, target, rng_state = agent.online, agent.target, copy.deepcopy(agent.rng.bit_generator.state)
        history, observed_history = [], []
        for step in calls:
            learned_until, version = agent.learned_until, agent.update.version_of(agent.online)
            target_version, made = agent.update.version_of(agent.target), len(agent.update.calls)
            sampled, updates_before = len(agent.memory.samples), agent.updates
            agent.step = step
            inputs = (
                f"{why}; this call: agent.learned_until={learned_until:,}, agent.step={step:,}, "
                f"agent.updates={updates_before:,}; earlier calls at agent.step = {history or 'none'}; "
                f"config: {settings}"
            )
            history.append(step)
            expected_seen, expected_version, expected_target = trace(
                c, range(learned_until + 1, step + 1), version, target_version, has_target
            )
            global_before = global_random_state()
            call(ex, "learn", agent, inputs=inputs)
            assert_global_random_untouched("learn", global_before, inputs)

            new_calls = agent.update.calls[made:]
            observed = (
                [(v, t) for _, v, t in new_calls],
                agent.update.version_of(agent.online),
                agent.update.version_of(agent.target),
            )
            observed_history.append(observed)
            diagnosis = None
            if observed != (expected_seen, expected_version, expected_target):
                diagnosis = learn_diagnosis(c, start, history, has_target, updates, observed_history)
            if agent.step != step:
                fail(
                    "learn changed agent.step",
                    inputs=inputs,
                    expected=f"agent.step = {step:,}",
                    got=f"agent.step = {agent.step:,}",
                    hint="the loop counts the agent steps; learn only catches up",
                )
            if agent.online is not online or agent.target is not target:
                which = "agent.online" if agent.online is not online else "agent.target"
                fail(
                    f"learn replaced {which} by another object",
                    inputs=inputs,
                    expected=f"{which} the same network object as before, its weights changed in place",
                    got=f"{which} is a new object",
                    hint="the update and the optimizer hold these very networks (the fast engine's CUDA graph too): "
                    "copy the weights into the existing target (Chapter 8's sync_target), and keep the "
                    "target None when the agent has none",
                )
            if agent.learned_until != step:
                fail(
                    "learn did not record that it has caught up",
                    inputs=inputs,
                    expected=f"agent.learned_until = agent.step = {step:,} after the call",
                    got=f"agent.learned_until = {agent.learned_until:,}",
                    hint="without it the next call makes the same updates again (and never catches up)",
                )
            for counter in ("learned_until", "updates"):
                assert_python_type(
                    "learn",
                    getattr(agent, counter),
                    int,
                    what=f"agent.{counter}",
                    inputs=inputs,
                    hint="the counters are Python ints (the checkpoint writes them to JSON, which "
                    "has no numpy types): steps from range(...), not np.arange(...)",
                )
            if len(new_calls) != len(expected_seen):
                fail(
                    f"learn made {len(new_calls)} SGD update(s) for agent steps {learned_until + 1:,} to {step:,}",
                    inputs=inputs,
                    expected=f"{len(expected_seen)} update(s): one after each agent step s > "
                    "learning_starts with (s - learning_starts) a multiple of update_every",
                    got=f"{len(new_calls)} call(s) of agent.update",
                    hint=diagnosis
                    or "ask Chapter 7's schedule about every agent step since agent.learned_until, in order",
                )
            samples = agent.memory.samples[sampled:]
            if len(samples) != len(new_calls) or any(
                batch is not marker for (batch, _, _), marker in zip(new_calls, samples)
            ):
                fail(
                    "learn did not give each update a new minibatch from agent.memory.sample",
                    inputs=inputs,
                    expected="each update: agent.update(agent.memory.sample(config.batch_size))",
                    got=f"{len(samples)} sample call(s); updates got {[batch for batch, _, _ in new_calls]}",
                )
            if any(marker.batch_size != c.batch_size for marker in samples):
                fail(
                    "learn sampled minibatches of the wrong size",
                    inputs=inputs,
                    expected=f"memory.sample({c.batch_size}): config.batch_size",
                    got=str([marker.batch_size for marker in samples]),
                )
            if observed[0] != expected_seen or observed[2] != expected_target:
                where = next((n for n, (a, b) in enumerate(zip(observed[0], expected_seen)) if a != b), None)
                got = (
                    f"update #{where + 1} of this call saw the target holding {observed[0][where][1]!r}"
                    if where is not None
                    else f"after the call the target holds {observed[2]!r}"
                )
                fail(
                    "the target network does not hold the weights it should",
                    inputs=inputs,
                    expected=f"the target (versions count the online network's updates: 0 = before the first) "
                    f"seen by the updates: {[t for _, t in expected_seen]}, after the call: "
                    f"{expected_target!r}",
                    got=f"{got}; seen by the updates: {[t for _, t in observed[0]]}, after the call: {observed[2]!r}",
                    hint=diagnosis
                    or "after the update due after agent step s (if any), copy the online weights "
                    "into the target when s is a multiple of target_sync_every (Chapter 8)",
                )
            if agent.updates != updates_before + len(expected_seen):
                fail(
                    "learn counted the updates wrong",
                    inputs=inputs,
                    expected=f"agent.updates = {updates_before:,} + {len(expected_seen)} updates made",
                    got=f"agent.updates = {agent.updates:,}",
                    hint="agent.updates counts the SGD updates made since the run began (the log and the "
                    "checkpoint report it): one more per call of agent.update",
                )
            if agent.rng.bit_generator.state != rng_state:
                fail(
                    "learn drew random numbers from agent.rng",
                    inputs=inputs,
                    hint="the minibatches come from the memory's own generator; agent.rng is for the actions",
                )
            if agent.memory.added:
                fail("learn added transitions to the replay memory", inputs=inputs, hint="storing belongs to store")


# ------------------------------------------------------------------------------------------------
# 12.4 find_silent_bug
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


@exercise("12.4", "Find the silent bug")
def test_find_silent_bug(ex):
    inputs = "no arguments"
    got = call(ex, "find_silent_bug", inputs=inputs)
    assert_type(
        got,
        str,
        what="find_silent_bug",
        inputs=inputs,
        hint='return the name as a string, e.g. "make_env" (not the function object)',
    )
    name = got.strip().removesuffix("()")
    names = script_function_names(SCRIPT)
    if name not in names:
        fail(
            f"{got!r} is not the name of a function in {SCRIPT.relative_to(REPOSITORY)}",
            inputs=inputs,
            expected="one of: " + ", ".join(names),
            got=repr(got),
            hint="write the name exactly as it appears after `def` (Class.method for a method)",
        )
    if hashlib.sha256(name.encode()).hexdigest() != ANSWER_DIGEST:
        fail(
            f"{name} is not where the bug is",
            inputs=inputs,
            got=repr(got),
            hint=f"{name} may look suspicious, but it does what it should: compare it with its counterpart in "
            "dqn_tutorial or test it on a case you can work out by hand, then move on. Look at what "
            "the replay buffer ends up holding after a few hundred games.",
        )
