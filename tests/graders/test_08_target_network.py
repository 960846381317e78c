"""Grader for Chapter 8 (the target network): compares chapters/08_target_network/exercises.py with
dqn_tutorial.target_network (make_target_network, td_targets_from_target, sync_target) and
dqn_tutorial.schedules (is_sync_step).

Run it with `pytest -k ch08`; `pytest --impl=solutions -k ch08` grades the answers instead.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

# the meta device's kernels import torch._dynamo, which wraps torch.manual_seed: import it here, before the sandbox
# records the identities of torch's functions, not during a learner's call
import torch._dynamo  # noqa: F401

from checks import INCONCLUSIVE, assert_inputs_unchanged_for, assert_python_type, call_on_device, snapshot
from dqn_tutorial import schedules
from dqn_tutorial import target_network as reference
from dqn_tutorial.atari import make_atari_env
from dqn_tutorial.networks import DQN2013Network, MLPNetwork, NatureNetwork
from dqn_tutorial.update import TensorBatch
from grading import assert_matches, assert_type, call, exercise, fail

SEED = 8


# ------------------------------------------------------------------------------------------------
# Shared inputs: real Breakout transitions, networks, and small helpers
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def breakout_batch():
    """24 real transitions (s, a, r, s') from a random Breakout game, as tensors.

    Breakout's points are rare in random play, so rewards are replaced by clipped rewards drawn from
    {-1, 0, 1} and about a quarter of the transitions are marked terminal: every case then occurs.
    """
    env = make_atari_env("Breakout", seed=SEED)
    rng = np.random.default_rng(SEED)
    observation, _ = env.reset()
    observations, actions, next_observations = [], [], []
    for _ in range(24):
        action = int(rng.integers(env.action_space.n))
        next_observation, _, terminated, truncated, _ = env.step(action)
        observations.append(np.array(observation))
        actions.append(action)
        next_observations.append(np.array(next_observation))
        observation = next_observation
        if terminated or truncated:
            observation, _ = env.reset()
    env.close()
    return TensorBatch(
        observations=torch.from_numpy(np.stack(observations)),
        actions=torch.tensor(actions, dtype=torch.int64),
        rewards=torch.from_numpy(rng.choice([-1.0, 0.0, 1.0], size=24).astype(np.float32)),
        next_observations=torch.from_numpy(np.stack(next_observations)),
        terminals=torch.from_numpy((rng.random(24) < 0.25).astype(np.float32)),
    )


def with_batch_norm() -> torch.nn.Module:
    """A small network with buffers (batch norm's running mean and variance), in eval mode, so that its outputs
    depend on the buffers: a copy or a sync that forgets them computes something else."""
    network = torch.nn.Sequential(
        torch.nn.Linear(5, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(), torch.nn.Linear(8, 3)
    )
    with torch.no_grad():
        network(torch.randn(64, 5) * 3 + 1)  # training mode: the running statistics move away from 0 and 1
    return network.eval()


def networks():
    """(description, network): the two Atari networks, an MLP, and a network with buffers, seeded."""
    torch.manual_seed(SEED)
    return [
        ("DQN2013Network(4 actions)", DQN2013Network(4)),
        ("NatureNetwork(18 actions)", NatureNetwork(18)),
        ("MLPNetwork(3 actions, 5 inputs)", MLPNetwork(3, 5)),
        (
            "a small MLP with batch norm, in eval mode (its buffers, the running mean and variance, count)",
            with_batch_norm(),
        ),
    ]


def example_input(network: torch.nn.Module, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    if next(network.parameters()).dim() == 2:  # a first linear layer: vectors of 5 features
        return torch.randn(6, 5, generator=generator)
    return torch.randint(0, 256, (3, 4, 84, 84), generator=generator, dtype=torch.uint8)


def nudge(network: torch.nn.Module, seed: int, scale: float = 0.05) -> None:
    """Move every parameter a little, in place (as an optimizer step would), and every float buffer (as
    training-mode forward passes move batch norm's running statistics)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in network.parameters():
            parameter.add_(scale * torch.randn(parameter.shape, generator=generator))
        for buffer in network.buffers():
            if buffer.is_floating_point():
                buffer.add_(scale * torch.rand(buffer.shape, generator=generator))


def shared_tensors(a: torch.nn.Module, b: torch.nn.Module) -> list[str]:
    """Names of the parameters and buffers of `a` whose storage is also used by a tensor of `b`."""
    pointers = {p.data_ptr() for p in [*b.parameters(), *b.buffers()]}
    return [name for name, p in [*a.named_parameters(), *a.named_buffers()] if p.data_ptr() in pointers]


def modes(network: torch.nn.Module) -> list[bool]:
    return [m.training for m in network.modules()]


def differing_entries(a: torch.nn.Module, b: torch.nn.Module) -> list[str]:
    """state_dict entries that are not exactly equal (or missing)."""
    sa, sb = a.state_dict(), b.state_dict()
    return [
        name for name in sb if name not in sa or sa[name].shape != sb[name].shape or not torch.equal(sa[name], sb[name])
    ]


def random_batch(rng: np.random.Generator, size: int) -> TensorBatch:
    """Random uint8 stacks for Atari networks (4 actions), with every reward and terminal case."""
    frames = lambda: torch.from_numpy(rng.integers(0, 256, size=(size, 4, 84, 84), dtype=np.uint8))  # noqa: E731
    return TensorBatch(
        frames(),
        torch.from_numpy(rng.integers(0, 4, size=size)),
        torch.from_numpy(rng.choice([-1.0, 0.0, 1.0], size=size).astype(np.float32)),
        frames(),
        torch.from_numpy((rng.random(size) < 0.3).astype(np.float32)),
    )


# ------------------------------------------------------------------------------------------------
# 8.1 make_target_network
# ------------------------------------------------------------------------------------------------


@exercise("8.1", "A frozen copy of the online network")
def test_make_target_network(ex):
    for description, online in networks():
        inputs = f"online = {description}"
        x = example_input(online, SEED)
        before = {name: p.detach().clone() for name, p in online.named_parameters()}
        online_modes = modes(online)
        with torch.no_grad():
            expected = online(x)
        target = call(ex, "make_target_network", online, inputs=inputs)
        if modes(online) != online_modes:
            fail(
                "make_target_network changed the train/eval mode of the online network",
                inputs=inputs,
                expected="`online` in the mode it was in",
                got="another mode after the call",
                hint="`online` keeps learning as it was: whatever you do to the copy, do it to the copy only "
                "(a method called on `online` inside the call to copy.deepcopy changes `online`)",
            )
        assert_type(
            target,
            torch.nn.Module,
            what="make_target_network",
            inputs=inputs,
            hint="return the copy, a torch.nn.Module",
        )
        if target is online:
            fail(
                "make_target_network returned the online network itself, not a copy",
                inputs=inputs,
                expected="a new network object",
                got="the same object as `online`",
                hint="`target = online` only gives the same network a second name: every update of the online "
                "network would move the targets too",
            )
        shared = shared_tensors(target, online)
        if shared:
            fail(
                "the copy shares tensors (parameters or buffers) with the online network",
                inputs=inputs,
                expected="parameters with storage of their own",
                got=f"shared: {', '.join(shared)}",
                hint="a shallow copy keeps pointing at the same weights; the copy needs tensors of its own",
            )
        with torch.no_grad():
            got = target(x.clone())
        assert_matches(
            got,
            expected,
            what="the copy's Q-values",
            inputs=inputs + ", a batch of inputs",
            atol=1e-6,
            rtol=1e-6,
            hint="the copy must start with exactly the online network's weights",
        )
        trainable = [name for name, p in target.named_parameters() if p.requires_grad]
        if trainable:
            fail(
                "parameters of the copy still require gradients",
                inputs=inputs,
                expected="requires_grad False for every parameter of the copy",
                got=f"requires_grad True for: {', '.join(trainable)}",
                hint="the target network is never trained: turn off requires_grad on each of its parameters",
            )
        frozen = [name for name, p in online.named_parameters() if not p.requires_grad]
        if frozen:
            fail(
                "make_target_network froze the online network",
                inputs=inputs,
                expected="the online network's parameters still require gradients",
                got=f"requires_grad False for: {', '.join(frozen)}",
                hint="freeze the parameters of the copy, not those of `online`",
            )
        changed = [name for name, p in online.named_parameters() if not torch.equal(p.detach(), before[name])]
        if changed:
            fail(
                "make_target_network changed the online network's weights",
                inputs=inputs,
                got=f"changed: {', '.join(changed)}",
                hint="leave `online` as it is; only the copy is new",
            )
        # the online network learns on: the copy must not follow
        nudge(online, SEED + 1)
        with torch.no_grad():
            after = target(x.clone())
        assert_matches(
            after,
            expected,
            what="the copy's Q-values after the online network was updated",
            inputs=inputs + ", then every online weight moved a little",
            atol=1e-6,
            rtol=1e-6,
            hint="the copy must not change when the online network does: it needs weights of its own",
        )


# ------------------------------------------------------------------------------------------------
# 8.2 td_targets_from_target
# ------------------------------------------------------------------------------------------------


@exercise("8.2", "TD targets from the target network")
def test_td_targets_from_target(ex, breakout_batch):
    torch.manual_seed(SEED)
    online = DQN2013Network(4)
    frozen = reference.make_target_network(online)
    nudge(online, SEED + 2)
    rng = np.random.default_rng(SEED)
    cases = [
        (frozen, breakout_batch, 0.99, "a frozen DQN2013Network, 24 real Breakout transitions, gamma 0.99"),
        (
            online,
            breakout_batch,
            0.99,
            "the online DQN2013Network itself (2013: no target network; its "
            "parameters require gradients), 24 real Breakout transitions",
        ),
        (frozen, breakout_batch, 0.5, "a frozen DQN2013Network, 24 real Breakout transitions, gamma 0.5"),
    ]
    for size in [1, 5, 32]:
        cases.append(
            (frozen, random_batch(rng, size), 0.99, f"a frozen DQN2013Network, {size} random uint8 stacks, gamma 0.99")
        )
    terminal = random_batch(rng, 6)
    terminal.terminals = torch.ones(6)
    cases.append((frozen, terminal, 0.99, "every transition terminal: the targets are the rewards"))
    for network, batch, gamma, inputs in cases:
        expected = reference.td_targets_from_target(
            network, batch.rewards, batch.next_observations, batch.terminals, gamma
        )
        with torch.no_grad():  # the formula, written out
            oracle = batch.rewards + gamma * (1 - batch.terminals) * network(batch.next_observations).max(dim=1).values
        torch.testing.assert_close(expected, oracle, rtol=1e-6, atol=1e-6)
        terminals = f"terminals {batch.terminals[:8].tolist()}{' ...' if len(batch.terminals) > 8 else ''}"
        recorder = RecordsGradientMode(network)
        network_before = snapshot(recorder)
        given = (batch.rewards.clone(), batch.next_observations.clone(), batch.terminals.clone())
        got = call(ex, "td_targets_from_target", recorder, *given, gamma, inputs=inputs)
        for name, before, after in zip(
            ("rewards", "next_observations", "terminals"),
            (batch.rewards, batch.next_observations, batch.terminals),
            given,
        ):
            if not torch.equal(before, after):
                fail(
                    f"td_targets_from_target changed its argument {name} in place",
                    inputs=inputs,
                    expected=f"{name} as it was",
                    got="other values after the call",
                    hint="the batch comes from the replay memory and may be used again: an in-place operation "
                    "(`+=`, `mul_`, `x[...] = ...`) on an argument writes into the caller's tensor",
                )
        assert_inputs_unchanged_for("td_targets_from_target", inputs, target=(network_before, recorder))
        passes = len(recorder.grad_enabled)
        if passes != 1:
            fail(
                f"td_targets_from_target ran the network {passes} times for one batch",
                inputs=inputs,
                expected="one forward pass on all the next observations",
                got=f"{passes} forward passes, of batch sizes {recorder.batch_sizes[:8]}",
                hint="run the network once on the whole batch: a pass per row (or one more to look at a "
                "shape) costs a whole forward pass at every update",
            )
        if recorder.grad_enabled[0]:
            fail(
                "td_targets_from_target ran the network with gradient tracking on",
                inputs=inputs,
                expected="the network run inside torch.no_grad()",
                got="a graph built through the network",
                hint="detaching the targets afterwards gives the right numbers, but the graph of the forward "
                "pass on the next states is built for nothing at every update: run the network inside "
                "`with torch.no_grad():`",
            )
        assert_matches(
            got,
            expected,
            what="td_targets_from_target",
            inputs=f"{inputs}; {terminals}",
            atol=1e-5,
            rtol=1e-5,
            hint="y = r + gamma * max over actions of the target network's Q(s'), with no "
            "bootstrapping where the transition is terminal; the targets are labels: they carry "
            "no gradient, even when the network passed in is the online one",
        )

    # on the meta device (a device without data, standing in for a GPU): a tensor made on the CPU shows
    meta = torch.device("meta")
    torch.manual_seed(SEED)
    online_on_meta = DQN2013Network(4).to(meta)
    for network, what in [
        (reference.make_target_network(online_on_meta), "a frozen DQN2013Network"),
        (online_on_meta, "the online DQN2013Network itself (parameters that require gradients)"),
    ]:
        inputs = (
            f"{what}, 8 transitions, the network and every tensor on the meta device (PyTorch's device "
            "without data, a stand-in for a GPU), gamma 0.99"
        )
        arguments = (
            torch.empty(8, device=meta),
            torch.empty(8, 4, 84, 84, dtype=torch.uint8, device=meta),
            torch.empty(8, device=meta),
            0.99,
        )
        expected = reference.td_targets_from_target(network, *arguments)
        got = call_on_device(ex, "td_targets_from_target", network, *arguments, device="meta", inputs=inputs)
        if got is INCONCLUSIVE:  # boolean masks: right, but the meta device cannot run them
            continue
        assert_type(got, torch.Tensor, what="td_targets_from_target", inputs=inputs)
        if (
            got.device != expected.device
            or got.shape != expected.shape
            or got.dtype != expected.dtype
            or got.requires_grad
        ):
            fail(
                "td_targets_from_target on the meta device: wrong device, shape, dtype or gradient",
                inputs=inputs,
                expected="a float32 tensor of shape (8,) on meta, requires_grad=False",
                got=f"a {got.dtype} tensor of shape {tuple(got.shape)} on {got.device}, "
                f"requires_grad={got.requires_grad}",
                hint="compute on the device of the inputs, and build nothing on the CPU (torch.zeros(n) is on the "
                "CPU: torch.zeros_like(rewards) is where the rewards are)",
            )
    if torch.cuda.is_available():  # and on a real GPU, values included
        network = frozen.cuda()
        inputs = "a frozen DQN2013Network on the GPU, 24 real Breakout transitions on the GPU, gamma 0.99"
        arguments = (
            breakout_batch.rewards.cuda(),
            breakout_batch.next_observations.cuda(),
            breakout_batch.terminals.cuda(),
            0.99,
        )
        expected = reference.td_targets_from_target(network, *arguments)
        got = call(ex, "td_targets_from_target", network, *arguments, inputs=inputs)
        assert_matches(got, expected, what="td_targets_from_target on the GPU", inputs=inputs, atol=1e-5, rtol=1e-5)
        if got.device != expected.device:
            fail(
                f"td_targets_from_target returned its targets on {got.device} for inputs on the GPU",
                inputs=inputs,
                hint="compute on the device of the inputs",
            )


class RecordsGradientMode(torch.nn.Module):
    """Wraps a network and records, at each forward pass, the batch size and whether autograd was recording."""

    def __init__(self, network: torch.nn.Module):
        super().__init__()
        self.network = network
        self.grad_enabled: list[bool] = []
        self.batch_sizes: list[int] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.grad_enabled.append(torch.is_grad_enabled())
        self.batch_sizes.append(int(x.shape[0]) if x.dim() else 0)
        return self.network(x)


# ------------------------------------------------------------------------------------------------
# 8.3 sync_target
# ------------------------------------------------------------------------------------------------


@exercise("8.3", "Synchronising the target network")
def test_sync_target(ex):
    for description, online in networks():
        target = reference.make_target_network(online)
        nudge(online, SEED + 4)  # the online network has learned since the last sync
        inputs = f"online = {description} updated since the copy was made, target = the older frozen copy"
        online_before = copy.deepcopy(online.state_dict())
        online_modes, target_modes = modes(online), modes(target)
        storage = {
            name: (tensor, tensor.data_ptr()) for name, tensor in [*target.named_parameters(), *target.named_buffers()]
        }
        call(ex, "sync_target", target, online, inputs=inputs)
        moved = [name for name, value in online.state_dict().items() if not torch.equal(value, online_before[name])]
        if moved:
            fail(
                "sync_target changed the online network",
                inputs=inputs,
                got=f"changed: {', '.join(moved)}",
                hint="copy from `online` into `target`, not the other way round",
            )
        if modes(online) != online_modes or modes(target) != target_modes:
            fail(
                "sync_target changed the train/eval mode of a network",
                inputs=inputs,
                expected="both networks in the mode they were in",
                got="another mode after the call",
                hint="a sync copies values; it switches no network to train or eval mode",
            )
        different = differing_entries(target, online)
        if different:
            fail(
                "after sync_target the target network differs from the online network",
                inputs=inputs,
                expected="every weight and bias equal to the online network's",
                got=f"{len(different)} of {len(online.state_dict())} tensors differ: {', '.join(different)}",
                hint="copy every tensor of the online network (weights AND biases of every layer, and buffers "
                "such as batch norm's running statistics) into the target object you were given (the caller "
                "keeps using that object)",
            )
        now = dict([*target.named_parameters(), *target.named_buffers()])
        moved = [
            name
            for name, (tensor, pointer) in storage.items()
            if name not in now or now[name] is not tensor or now[name].data_ptr() != pointer
        ]
        if moved:
            fail(
                "sync_target gave the target's tensors new storage instead of copying into the tensors it has",
                inputs=inputs,
                expected="the same tensor objects, at the same memory addresses, with new values",
                got=f"new tensors or storage for: {', '.join(moved[:4])}{' ...' if len(moved) > 4 else ''}",
                hint="copy the values into the target's own tensors, in place: the fast engine records the update "
                "once as a CUDA graph, which reads the target's weights at their addresses, and would go on "
                "reading the old ones",
            )
        trainable = [name for name, p in target.named_parameters() if p.requires_grad]
        if trainable:
            fail(
                "after sync_target, parameters of the target network require gradients",
                inputs=inputs,
                expected="requires_grad False for every parameter of the target",
                got=f"requires_grad True for: {', '.join(trainable)}",
                hint="copy the values into the target's own tensors; do not give it the online parameters",
            )
        shared = shared_tensors(target, online)
        if shared:
            fail(
                "after sync_target, the target shares parameter tensors with the online network",
                inputs=inputs,
                expected="parameters with storage of their own",
                got=f"shared: {', '.join(shared)}",
                hint="copy the values; do not make the target point at the online network's tensors",
            )
        x = example_input(online, SEED)
        with torch.no_grad():
            expected = online(x)
        nudge(online, SEED + 5)  # learning goes on: the target must stay where it was
        with torch.no_grad():
            got = target(x)
        assert_matches(
            got,
            expected,
            what="the target's Q-values after one more online update",
            inputs=inputs + ", synced, then the online network moved again",
            atol=1e-6,
            rtol=1e-6,
            hint="between two syncs the target network must not move",
        )


# ------------------------------------------------------------------------------------------------
# 8.4 is_sync_step
# ------------------------------------------------------------------------------------------------


@exercise("8.4", "When to synchronise")
def test_is_sync_step(ex):
    cases = []
    for step, why in [
        (1, "the first agent step"),
        (2_500, "2,500 agent steps = 10,000 frames"),
        (9_999, "one step before the first sync"),
        (10_000, "the first sync"),
        (10_001, "one step after"),
        (40_000, "40,000 agent steps = 10,000 updates of one per 4 steps"),
        (50_000_000, "the last step of a 50M-step run"),
    ]:
        cases.append((step, 10_000, f"DeepMind's period, 10,000 agent steps: {why}"))
    cases += [(step, 0, "sync_every = 0: never") for step in [1, 7, 10_000]]
    cases += [(step, 1, "sync_every = 1: every step (the 2013 agent)") for step in [1, 2, 3]]
    rng = np.random.default_rng(SEED)
    for _ in range(12):
        period = int(rng.integers(2, 5_000))
        for step in [period - 1, period, period + 1, 3 * period, int(rng.integers(1, 20 * period))]:
            cases.append((step, period, "a random period"))
    for step, sync_every, why in cases:
        inputs = f"step={step}, sync_every={sync_every} ({why})"
        got = call(ex, "is_sync_step", step, sync_every, inputs=inputs)
        assert_python_type(
            "is_sync_step",
            got,
            bool,
            inputs=inputs,
            hint="return a Python bool in every case, also when sync_every is 0: True or False, not 0 "
            "or 1 (`sync_every and ...` returns the int 0), and not a numpy.bool_",
        )
        expected = schedules.is_sync_step(step, sync_every)
        assert_matches(
            got,
            expected,
            what="is_sync_step",
            inputs=inputs,
            hint="both numbers count agent steps: no factor of 4 for frames or updates; the target "
            "is refreshed when step is a multiple of sync_every, and never when sync_every is 0",
        )

    # the whole schedule of the first 30,000 agent steps (120,000 frames)
    synced = [step for step in range(1, 30_001) if call(ex, "is_sync_step", step, 10_000, inputs="steps 1 to 30,000")]
    if synced != [10_000, 20_000, 30_000]:
        fail(
            "is_sync_step: wrong schedule over the first 30,000 agent steps",
            inputs="sync_every=10,000",
            expected="syncs after steps [10000, 20000, 30000]",
            got=f"{len(synced)} syncs, the first ones after steps {synced[:5]}",
            hint="one sync every sync_every agent steps",
        )
