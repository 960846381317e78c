"""Grader for Chapter 7 (the 2013 DQN assembled): compares chapters/07_dqn_2013/exercises.py with
dqn_tutorial.update (dqn_loss, update_step, clip_rewards) and dqn_tutorial.schedules (should_update).

Run it with `pytest -k ch07`; `pytest --impl=solutions -k ch07` grades the answers instead.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

# the meta device's kernels import torch._dynamo, which wraps torch.manual_seed: import it here, before the sandbox
# records the identities of torch's functions, not during a learner's call
import torch._dynamo  # noqa: F401

from checks import (
    INCONCLUSIVE,
    assert_inputs_unchanged_for,
    assert_python_type,
    assert_same_device,
    call_on_device,
    snapshot,
)
from dqn_tutorial import schedules
from dqn_tutorial import update as reference
from dqn_tutorial.atari import make_atari_env
from dqn_tutorial.losses import huber_loss, mse_loss
from dqn_tutorial.networks import DQN2013Network, MLPNetwork, NatureNetwork
from dqn_tutorial.optimizers import DeepMindRMSprop
from dqn_tutorial.update import TensorBatch
from grading import assert_matches, assert_type, call, exercise, fail

SEED = 7
GAMMA = 0.99


# ------------------------------------------------------------------------------------------------
# Inputs: real Breakout transitions, random frame stacks, small vectors
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def breakout_transitions():
    """Real Breakout transitions from random play: (stack, action, clipped reward, next stack, terminal),
    with the learning-only terminal (game over or a lost life), as the training loop stores them."""
    env = make_atari_env("Breakout", seed=SEED)
    rng = np.random.default_rng(SEED)
    observation, _ = env.reset()
    transitions = []
    while len(transitions) < 160:
        action = int(rng.integers(env.action_space.n))
        next_observation, reward, terminated, truncated, info = env.step(action)
        terminal = bool(terminated or info.get("life_lost", False))
        transitions.append(
            (np.array(observation), action, float(np.clip(reward, -1, 1)), np.array(next_observation), terminal)
        )
        observation = next_observation
        if terminated or truncated:
            observation, _ = env.reset()
    env.close()
    return transitions


def make_batch(observations, actions, rewards, next_observations, terminals) -> TensorBatch:
    return TensorBatch(
        torch.as_tensor(np.asarray(observations)),
        torch.as_tensor(np.asarray(actions), dtype=torch.int64),
        torch.as_tensor(np.asarray(rewards), dtype=torch.float32),
        torch.as_tensor(np.asarray(next_observations)),
        torch.as_tensor(np.asarray(terminals), dtype=torch.float32),
    )


def clone_batch(batch: TensorBatch) -> TensorBatch:
    return TensorBatch(
        batch.observations.clone(),
        batch.actions.clone(),
        batch.rewards.clone(),
        batch.next_observations.clone(),
        batch.terminals.clone(),
    )


def real_batch(transitions, rng, size, terminal_rows=0):
    """A batch of real Breakout transitions; the first `terminal_rows` rows are real terminal ones
    (a lost life), so that every batch tests the terminal mask."""
    terminal_indices = [i for i, t in enumerate(transitions) if t[4]]
    other = [i for i, t in enumerate(transitions) if not t[4]]
    chosen = list(rng.choice(terminal_indices, size=terminal_rows)) if terminal_rows else []
    chosen += list(rng.choice(other, size=size - len(chosen)))
    return make_batch(*[[transitions[i][k] for i in chosen] for k in range(5)])


def random_batch(rng, size, observation_shape, num_actions, terminal_fraction=0.3, reward_scale=1):
    """Random observations, actions, rewards in {-scale, ..., scale} and terminals on about 30 % of the rows."""
    if len(observation_shape) == 3:
        observations = rng.integers(0, 256, size=(size, *observation_shape), dtype=np.uint8)
        next_observations = rng.integers(0, 256, size=(size, *observation_shape), dtype=np.uint8)
    else:
        observations = rng.normal(size=(size, *observation_shape)).astype(np.float32)
        next_observations = rng.normal(size=(size, *observation_shape)).astype(np.float32)
    terminals = rng.random(size) < terminal_fraction
    terminals[0] = True  # at least one terminal row, whatever the seed
    return make_batch(
        observations,
        rng.integers(0, num_actions, size=size),
        rng.integers(-reward_scale, reward_scale + 1, size=size),
        next_observations,
        terminals,
    )


def large_error_batch(rng, size, scale_observations=30.0, reward=50.0):
    """MLP inputs 30 times larger than CartPole's (so Q-values far from 0) and rewards of +-50: TD errors of
    tens to hundreds, and gradients far beyond 1, where clipping or clamping anything shows."""
    batch = random_batch(rng, size, (4,), 2)
    batch.observations = batch.observations * scale_observations
    batch.next_observations = batch.next_observations * scale_observations
    batch.rewards = torch.from_numpy(rng.choice([-reward, reward], size=size).astype(np.float32))
    return batch


def describe_batch(batch: TensorBatch, description: str) -> str:
    terminals = int(batch.terminals.sum())
    rewards = batch.rewards.numpy()
    return (
        f"{description}: batch of {len(batch.actions)} ({terminals} terminal, {int((rewards > 0).sum())} "
        f"positive and {int((rewards < 0).sum())} negative rewards), gamma={GAMMA}"
    )


def loss_cases(transitions):
    """(network, batch, description), network weights fixed by the seed."""
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    net2013 = DQN2013Network(num_actions=4)
    nature = NatureNetwork(num_actions=4)
    full_set = DQN2013Network(num_actions=18)
    mlp = MLPNetwork(num_actions=2, observation_size=4)
    cases = [
        (net2013, real_batch(transitions, rng, 1), "DQN2013Network (4 actions)", "one real Breakout transition"),
        (
            net2013,
            real_batch(transitions, rng, 1, terminal_rows=1),
            "DQN2013Network (4 actions)",
            "one real Breakout transition that lost a life (terminal)",
        ),
        (
            net2013,
            real_batch(transitions, rng, 32, terminal_rows=4),
            "DQN2013Network (4 actions)",
            "real Breakout transitions",
        ),
        (
            nature,
            real_batch(transitions, rng, 32, terminal_rows=4),
            "NatureNetwork (4 actions)",
            "real Breakout transitions",
        ),
        (net2013, random_batch(rng, 32, (4, 84, 84), 4), "DQN2013Network (4 actions)", "random uint8 stacks"),
        (full_set, random_batch(rng, 16, (4, 84, 84), 18), "DQN2013Network (18 actions)", "random uint8 stacks"),
    ]
    for size in [1, 5, 32, 64, 64, 64]:
        cases.append(
            (mlp, random_batch(rng, size, (4,), 2), "MLPNetwork (2 actions, CartPole-sized)", "random float32 vectors")
        )
    return cases


# ------------------------------------------------------------------------------------------------
# 7.1 dqn_loss
# ------------------------------------------------------------------------------------------------

LOSSES = {"mse": mse_loss, "huber": huber_loss}


class RecordingLoss:
    """A loss function (one of the agent's) that also records the TD errors it is given."""

    def __init__(self, function):
        self.function = function
        self.td_errors: list[torch.Tensor] = []

    def __call__(self, td_error: torch.Tensor) -> torch.Tensor:
        self.td_errors.append(td_error)
        return self.function(td_error)


class RecordsForwardPasses(torch.nn.Module):
    """Wraps a network; records, at each forward pass, which input it got (observations, next_observations or
    something else) and whether autograd was recording."""

    def __init__(self, network: torch.nn.Module, batch: TensorBatch):
        super().__init__()
        self.network = network
        self.batch = batch
        self.passes: list[tuple[str, bool]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        def same(y):  # the same values, whatever the dtype (a .float() of the frames is still the frames)
            return x.shape == y.shape and x.device == y.device and torch.equal(x.detach().double(), y.double())

        seen = (
            "next_observations"
            if same(self.batch.next_observations)
            else "observations"
            if same(self.batch.observations)
            else f"a tensor of shape {tuple(x.shape)}"
        )
        self.passes.append((seen, torch.is_grad_enabled()))
        return self.network(x)


def check_forward_passes(online: RecordsForwardPasses, target: RecordsForwardPasses, inputs: str) -> None:
    """One pass of `target` on the next observations without gradients, one of `online` on the observations
    with gradients; counted before gradient tracking is blamed."""
    same = online is target
    online_passes = online.passes
    target_passes = [] if same else target.passes
    everything = online_passes + target_passes
    on_next = [grad for seen, grad in (online_passes if same else target_passes) if seen == "next_observations"]
    on_current = [grad for seen, grad in online_passes if seen == "observations"]
    described = f"{len(everything)} forward passes: " + ", ".join(
        f"{'online' if i < len(online_passes) else 'target'} on {seen} (gradients {'on' if grad else 'off'})"
        for i, (seen, grad) in enumerate(everything)
    )
    if not on_next:
        fail(
            "dqn_loss never ran `target` on batch.next_observations",
            inputs=inputs,
            expected="the targets computed by the network passed as `target`, on the next observations",
            got=described,
            hint="the targets y come from `target` (the online network only when the caller passes "
            "it as `target`), on s', the observation after each transition, passed as it is",
        )
    if not on_current:
        fail(
            "dqn_loss never ran `online` on batch.observations",
            inputs=inputs,
            expected="Q(s, a) from the network passed as `online`, on the observations",
            got=described,
            hint="Q(s, a) is the online network's value of s, the observation the action was taken in (passed as it "
            "is: the networks scale the frames themselves)",
        )
    if len(everything) != 2:
        fail(
            f"dqn_loss ran the networks {len(everything)} times for one batch",
            inputs=inputs,
            expected="2 forward passes: `target` on next_observations, `online` on observations",
            got=described,
            hint="one forward pass per network on the whole batch; a pass run only to look at a shape or "
            "a row at a time costs a whole extra pass at every update",
        )
    if on_next[0]:
        fail(
            "dqn_loss computed the targets with gradient tracking on",
            inputs=inputs,
            expected="the pass of `target` on next_observations inside torch.no_grad()",
            got=described,
            hint="the targets are labels: computed under torch.no_grad() (td_targets_from_target does it), no graph "
            "is built through the target network and no gradient can reach it",
        )
    if not on_current[0]:
        fail(
            "dqn_loss computed Q(s, a) with gradient tracking off",
            inputs=inputs,
            expected="the pass of `online` on observations with gradients on",
            got=described,
            hint="the loss must be able to send gradients to the online network through Q(s, a)",
        )


def oracle_loss(online, target, batch: TensorBatch, gamma: float, loss_name: str):
    """The papers' formulas written out: (mean loss of the TD errors, Q(s, a)), independent of dqn_tutorial."""
    with torch.no_grad():
        best_next = target(batch.next_observations).max(dim=1).values
        y = batch.rewards + gamma * (1.0 - batch.terminals) * best_next
    q = online(batch.observations)[torch.arange(len(batch.actions)), batch.actions]
    delta = y - q
    if loss_name == "mse":
        per_transition = 0.5 * delta**2
    else:  # Huber, delta = 1: quadratic inside [-1, 1], linear outside
        per_transition = torch.where(delta.abs() <= 1.0, 0.5 * delta**2, delta.abs() - 0.5)
    return per_transition.mean(), q.detach()


def gradients(network: torch.nn.Module) -> dict[str, torch.Tensor | None]:
    return {name: None if p.grad is None else p.grad.detach().clone() for name, p in network.named_parameters()}


def nudge(network: torch.nn.Module, seed: int, scale: float = 0.02) -> None:
    """Move every parameter a little, in place (as the online network moves after a sync)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in network.parameters():
            parameter.add_(scale * torch.randn(parameter.shape, generator=generator))


def older_copy(network: torch.nn.Module, seed: int, frozen: bool = True) -> torch.nn.Module:
    """A target network: a copy of `network` with other weights (an older version), frozen unless asked."""
    target = copy.deepcopy(network)
    nudge(target, seed)
    for parameter in target.parameters():
        parameter.requires_grad_(not frozen)
    return target


def dqn_loss_cases(transitions):
    """(online, target, loss name, batch, description of the network and the target)."""
    cases = [
        (network, network, "mse", batch, f"{name}, {origin}, target = the online network itself (2013), mse_loss")
        for network, batch, name, origin in loss_cases(transitions)
    ]
    torch.manual_seed(SEED + 10)
    rng = np.random.default_rng(SEED + 10)
    net2013, nature, mlp = DQN2013Network(num_actions=4), NatureNetwork(num_actions=4), MLPNetwork(2, 4)
    cases += [
        (
            net2013,
            older_copy(net2013, 1),
            "huber",
            real_batch(transitions, rng, 32, terminal_rows=4),
            "DQN2013Network (4 actions), a separate frozen target network (an older copy), huber_loss, real Breakout "
            "transitions",
        ),
        (
            net2013,
            older_copy(net2013, 2, frozen=False),
            "mse",
            real_batch(transitions, rng, 32, terminal_rows=4),
            "DQN2013Network (4 actions), a separate target network whose parameters still require gradients, "
            "mse_loss, real Breakout transitions",
        ),
        (
            nature,
            older_copy(nature, 3),
            "huber",
            random_batch(rng, 16, (4, 84, 84), 4),
            "NatureNetwork (4 actions), a separate frozen target network, huber_loss, random uint8 stacks",
        ),
        (
            mlp,
            older_copy(mlp, 4, frozen=False),
            "huber",
            random_batch(rng, 64, (4,), 2, reward_scale=5),
            "MLPNetwork (2 actions), a separate target network that would accept gradients, huber_loss, rewards "
            "from -5 to 5 (TD errors beyond 1, where Huber and the squared error differ)",
        ),
        (
            mlp,
            mlp,
            "huber",
            random_batch(rng, 32, (4,), 2, reward_scale=5),
            "MLPNetwork (2 actions), target = the online network itself, huber_loss, rewards from -5 to 5",
        ),
        (
            mlp,
            mlp,
            "mse",
            large_error_batch(rng, 32),
            "MLPNetwork (2 actions), target = the online network itself, mse_loss, rewards of +-50 and inputs 30 times "
            "CartPole's (Q-values far off): TD errors of tens to hundreds",
        ),
        (
            mlp,
            older_copy(mlp, 5, frozen=False),
            "huber",
            large_error_batch(rng, 32),
            "MLPNetwork (2 actions), a separate target network that would accept gradients, huber_loss, rewards of "
            "+-50 and inputs 30 times CartPole's: TD errors far beyond 1",
        ),
    ]
    return cases


@exercise("7.1", "The DQN loss of a minibatch")
def test_dqn_loss(ex, breakout_transitions):
    for network, target, loss_name, batch, description in dqn_loss_cases(breakout_transitions):
        inputs = describe_batch(batch, description)
        separate = target is not network
        expected_recorder = RecordingLoss(LOSSES[loss_name])
        network.zero_grad(set_to_none=True)
        target.zero_grad(set_to_none=True)
        expected_loss, expected_q = reference.dqn_loss(network, target, clone_batch(batch), GAMMA, expected_recorder)
        oracle, oracle_q = oracle_loss(network, target, clone_batch(batch), GAMMA, loss_name)
        torch.testing.assert_close(
            expected_loss, oracle, rtol=1e-5, atol=1e-7
        )  # the reference agrees with the formulas
        torch.testing.assert_close(expected_q, oracle_q, rtol=1e-5, atol=1e-7)
        expected_td = expected_recorder.td_errors[0].detach().clone()
        expected_loss.backward()
        expected_gradients = gradients(network)
        network.zero_grad(set_to_none=True)
        target.zero_grad(set_to_none=True)

        original = clone_batch(batch)
        recorder = RecordingLoss(LOSSES[loss_name])
        online_passes = RecordsForwardPasses(network, original)
        target_passes = online_passes if not separate else RecordsForwardPasses(target, original)
        online_before, target_before = snapshot(network), snapshot(target)
        got = call(ex, "dqn_loss", online_passes, target_passes, batch, GAMMA, recorder, inputs=inputs)
        assert_type(
            got,
            tuple,
            what="the value returned by dqn_loss",
            inputs=inputs,
            hint="return a tuple of two tensors: (the loss, Q(s, a) detached)",
        )
        if len(got) != 2:
            fail(
                "dqn_loss must return 2 values",
                inputs=inputs,
                expected="(loss, Q(s, a) detached)",
                got=f"a tuple of {len(got)} values",
            )
        check_batch_unchanged("dqn_loss", batch, original, inputs)
        assert_inputs_unchanged_for("dqn_loss", inputs, online=(online_before, network), target=(target_before, target))
        check_forward_passes(online_passes, target_passes, inputs)
        if not recorder.td_errors:
            fail(
                "dqn_loss never called the `loss` function it was given",
                inputs=inputs,
                expected=f"one call of loss ({loss_name}_loss here) on the TD errors",
                got="no call",
                hint="the agent chooses the loss (squared error in 2013, Huber in 2015): apply the "
                "function passed as `loss` to the TD errors, do not write your own",
            )
        assert_matches(
            recorder.td_errors[0],
            expected_td,
            what="the TD errors passed to `loss`",
            inputs=inputs,
            atol=1e-6,
            rtol=1e-4,
            check_grad=False,
            hint="pass the B TD errors y - Q(s, a) (targets minus values, one per transition) to `loss`, "
            "as they are (clip nothing: the Huber loss is the papers' error clipping); y from "
            "`target`, Q(s, a) from `online` for the action in batch.actions, y = r where terminal",
        )
        assert_matches(
            got[0],
            expected_loss,
            what="the loss from dqn_loss",
            inputs=inputs,
            atol=1e-8,
            rtol=1e-4,
            hint="return what `loss` returns for the TD errors as it is (not clamped: a clamped loss has no "
            "gradient), still attached to the forward pass of Q(s, a)",
        )
        assert_matches(
            got[1],
            expected_q,
            what="Q(s, a) returned by dqn_loss",
            inputs=inputs,
            atol=1e-6,
            rtol=1e-4,
            hint="the second value is Q(s, a) of the online network for the action taken in each row, "
            "shape (B,), detached from the graph (.detach()): the agent only logs it",
        )
        if any(p.grad is not None for p in network.parameters()):
            fail(
                "dqn_loss filled the parameters' .grad: it called backward",
                inputs=inputs,
                expected="no .grad after the call (backward belongs to the update step, Exercise 7.2)",
                got="gradients already computed",
            )
        try:
            got[0].backward()
        except RuntimeError as error:
            fail(
                "backward through the loss returned by dqn_loss failed",
                inputs=inputs,
                got=f"RuntimeError: {str(error).splitlines()[0]}",
                hint="return the loss tensor itself, still attached to the forward pass of Q(s, a)",
            )
        if separate:
            reached = [name for name, p in target.named_parameters() if p.grad is not None and p.grad.abs().sum() > 0]
            if reached:
                fail(
                    "backpropagating the loss sent gradients into the target network",
                    inputs=inputs,
                    expected="no gradient in any parameter of `target`",
                    got=f"gradients in: {', '.join(reached[:4])}{' ...' if len(reached) > 4 else ''}",
                    hint="the targets are labels: compute them without gradients (td_targets_from_target)",
                )
        for name, reference_gradient in expected_gradients.items():
            got_gradient = dict(network.named_parameters())[name].grad
            if got_gradient is None:
                fail(
                    f"after backward, parameter {name} has no gradient",
                    inputs=inputs,
                    expected="gradients on every parameter, through Q(s, a)",
                    got="grad is None",
                    hint="Q(s, a) must be computed with gradients on (outside torch.no_grad())",
                )
            scale = float(reference_gradient.abs().max())
            assert_matches(
                got_gradient,
                reference_gradient,
                what=f"the gradient of your loss for {name}",
                inputs=inputs,
                atol=1e-6 * scale + 1e-9,
                rtol=1e-4,
                hint="the loss matches but not its gradient: gradients must flow only through Q(s, a) of "
                "the taken actions. The target y is a label: compute Q(s', .) under torch.no_grad() "
                "(td_targets_from_target does) so no gradient flows into it",
            )
        network.zero_grad(set_to_none=True)
        target.zero_grad(set_to_none=True)

    # on the meta device (a device without data, standing in for a GPU): tensors made on the CPU show
    for online, target, name, size, shape, num_actions in meta_cases():
        batch = meta_batch(size, shape, num_actions)
        inputs = f"{name}, a batch of {size} on the meta device (PyTorch's device without data, a stand-in for a GPU)"
        expected = reference.dqn_loss(online, target, batch, GAMMA, mse_loss)
        assert expected[0].device.type == "meta" and expected[1].device.type == "meta"
        got = call_on_device(
            ex,
            "dqn_loss",
            online,
            target,
            meta_batch(size, shape, num_actions),
            GAMMA,
            mse_loss,
            device="meta",
            inputs=inputs,
        )
        if got is INCONCLUSIVE:  # boolean masks: right, but the meta device cannot run them
            continue
        assert_type(got, tuple, what="the value returned by dqn_loss", inputs=inputs)
        for value, what in zip(got, ("the loss", "Q(s, a)")):
            assert_type(value, torch.Tensor, what=f"{what} returned by dqn_loss", inputs=inputs)
            assert_same_device(f"dqn_loss ({what})", value, torch.device("meta"))
    if torch.cuda.is_available():  # and on a real GPU, values included
        torch.manual_seed(SEED)
        online = MLPNetwork(2, 4).cuda()
        batch = on_device(random_batch(np.random.default_rng(SEED), 32, (4,), 2, reward_scale=5), "cuda")
        inputs = describe_batch(
            on_device(batch, "cpu"), "MLPNetwork on the GPU, target = itself, huber_loss, the batch on the GPU"
        )
        expected = reference.dqn_loss(online, online, clone_batch(batch), GAMMA, huber_loss)
        got = call(ex, "dqn_loss", online, online, clone_batch(batch), GAMMA, huber_loss, inputs=inputs)
        assert_matches(got, expected, what="dqn_loss on the GPU", inputs=inputs, atol=1e-5, rtol=1e-4)
        for value, what in zip(got, ("the loss", "Q(s, a)")):
            assert_same_device(f"dqn_loss ({what})", value, batch.rewards.device)


def on_device(batch: TensorBatch, device) -> TensorBatch:
    return TensorBatch(
        *(
            getattr(batch, name).to(device)
            for name in ("observations", "actions", "rewards", "next_observations", "terminals")
        )
    )


def meta_batch(size: int, shape: tuple[int, ...], num_actions: int) -> TensorBatch:
    meta = torch.device("meta")
    frames = torch.uint8 if len(shape) == 3 else torch.float32
    return TensorBatch(
        torch.empty(size, *shape, dtype=frames, device=meta),
        torch.zeros(size, dtype=torch.int64, device=meta).random_(num_actions),
        torch.empty(size, device=meta),
        torch.empty(size, *shape, dtype=frames, device=meta),
        torch.empty(size, device=meta),
    )


def meta_cases():
    """(online, target, description, batch size, observation shape, number of actions), networks on meta."""
    meta = torch.device("meta")
    net2013, mlp = DQN2013Network(num_actions=4).to(meta), MLPNetwork(2, 4).to(meta)
    frozen = older_copy(MLPNetwork(2, 4), 1).to(meta)
    return [
        (net2013, net2013, "DQN2013Network, target = the online network itself", 8, (4, 84, 84), 4),
        (mlp, frozen, "MLPNetwork, a separate frozen target network", 16, (4,), 2),
    ]


def check_batch_unchanged(function: str, batch: TensorBatch, original: TensorBatch, inputs: str) -> None:
    for field in ("observations", "actions", "rewards", "next_observations", "terminals"):
        if not torch.equal(getattr(batch, field), getattr(original, field)):
            fail(
                f"{function} changed batch.{field} in place",
                inputs=inputs,
                expected=f"batch.{field} as it was",
                got="other values after the call",
                hint="the batch comes from the replay memory and may be used again: an in-place operation "
                "(`+=`, `clamp_`, `x[...] = ...`) on it, or on a view of it, changes it for every later use",
            )


# ------------------------------------------------------------------------------------------------
# 7.2 update_step
# ------------------------------------------------------------------------------------------------


def optimizer_cases():
    """(name, factory): the paper's optimizer, and plain SGD whose step shows the gradient directly."""
    return [
        ("DeepMindRMSprop(lr=2.5e-4)", lambda params: DeepMindRMSprop(params, lr=2.5e-4, batch_size=32)),
        ("torch.optim.SGD(lr=0.05)", lambda params: torch.optim.SGD(params, lr=0.05)),
    ]


@exercise("7.2", "One DQN update")
def test_update_step(ex, breakout_transitions):
    rng = np.random.default_rng(SEED + 1)
    for optimizer_name, make_optimizer in optimizer_cases():
        for network_name, make_network, make_batches in [
            (
                "DQN2013Network (4 actions)",
                lambda: DQN2013Network(num_actions=4),
                lambda: [real_batch(breakout_transitions, rng, 32, terminal_rows=3) for _ in range(3)],
            ),
            (
                "MLPNetwork (2 actions)",
                lambda: MLPNetwork(num_actions=2, observation_size=4),
                lambda: [random_batch(rng, 64, (4,), 2, reward_scale=3) for _ in range(3)],
            ),
        ]:
            for with_target, loss_name in [(False, "mse"), (True, "huber")]:
                torch.manual_seed(SEED)
                reference_network = make_network()
                learner_network = copy.deepcopy(reference_network)
                frozen = optimizer_name.startswith("DeepMind")
                target = older_copy(reference_network, SEED, frozen=frozen) if with_target else None
                target_state = copy.deepcopy(target.state_dict()) if with_target else None
                reference_optimizer = make_optimizer(reference_network.parameters())
                learner_optimizer = make_optimizer(learner_network.parameters())
                kind = "frozen target network" if frozen else "target network whose parameters would accept gradients"
                setting = (
                    f"{network_name}, "
                    + (
                        f"a separate {kind} (an older copy)"
                        if with_target
                        else "target=None (2013: targets from the online network)"
                    )
                    + f", {loss_name}_loss, optimizer {optimizer_name}"
                )
                for number, batch in enumerate(make_batches(), start=1):
                    inputs = f"update number {number} in a row with the same network and optimizer: " + describe_batch(
                        batch, setting
                    )
                    reference_before = [p.detach().clone() for p in reference_network.parameters()]
                    learner_before = [p.detach().clone() for p in learner_network.parameters()]
                    expected = reference.update_step(
                        reference_network, target, reference_optimizer, clone_batch(batch), GAMMA, LOSSES[loss_name]
                    )
                    assert target is None or all(p.grad is None for p in target.parameters())
                    given = clone_batch(batch)
                    modes = network_modes(learner_network, target)
                    got = call(
                        ex,
                        "update_step",
                        learner_network,
                        target,
                        learner_optimizer,
                        given,
                        GAMMA,
                        LOSSES[loss_name],
                        inputs=inputs,
                    )
                    assert_type(
                        got,
                        tuple,
                        what="the value returned by update_step",
                        inputs=inputs,
                        hint="return a tuple (loss, mean Q(s, a)), two tensors without gradient",
                    )
                    if len(got) != 2:
                        fail(
                            "update_step must return 2 values",
                            inputs=inputs,
                            expected="(loss, mean Q(s, a))",
                            got=f"a tuple of {len(got)} values",
                        )
                    check_update_side_effects(given, batch, learner_network, target, modes, inputs)
                    assert_matches(
                        got[0],
                        expected[0],
                        what="the loss returned by update_step",
                        inputs=inputs,
                        atol=1e-8,
                        rtol=1e-4,
                        hint="return the loss of this batch (your dqn_loss: make sure its own test passes "
                        "first) computed before the optimizer step, as a tensor without gradient "
                        "(.detach(); not .item(): reading a GPU tensor makes the CPU wait for the GPU "
                        "at every update)",
                    )
                    assert_matches(
                        got[1],
                        expected[1],
                        what="the mean Q(s, a) returned by update_step",
                        inputs=inputs,
                        atol=1e-6,
                        rtol=1e-4,
                        hint="the second value is the mean over the batch of the Q(s, a) that dqn_loss "
                        "returns, a scalar tensor without gradient",
                    )
                    parameters = zip(
                        reference_network.named_parameters(),
                        learner_network.parameters(),
                        reference_before,
                        learner_before,
                    )
                    for (name, expected_parameter), got_parameter, expected_start, got_start in parameters:
                        # Compare the change made by this update: it is small next to the weights themselves.
                        expected_change = expected_parameter.detach() - expected_start
                        got_change = got_parameter.detach() - got_start
                        scale = float(expected_change.abs().max())
                        assert_matches(
                            got_change,
                            expected_change,
                            what=f"the change of parameter {name} made by update number {number}",
                            inputs=inputs,
                            atol=1e-3 * scale + 1e-9,
                            rtol=1e-3,
                            hint="each update is ONE optimizer step along the gradient of THIS batch's "
                            "loss (your dqn_loss, with the targets from `target`, or from `online` "
                            "when target is None: make sure its own test passes first). Gradients "
                            "add up in .grad until cleared: clear those of the previous update, "
                            "then backward, then step",
                        )
                    if with_target and differing_entries(target.state_dict(), target_state):
                        fail(
                            "update_step changed the target network",
                            inputs=inputs,
                            expected="the target network as it was",
                            got="some of its weights moved",
                            hint="only the online network learns; the target moves only when it is synced",
                        )

    check_large_gradients(ex)
    check_update_on_meta(ex)


def differing_entries(state: dict, before: dict) -> list[str]:
    return [name for name in before if not torch.equal(state[name], before[name])]


def network_modes(online: torch.nn.Module, target: torch.nn.Module | None) -> dict[str, list[bool]]:
    modes = {"online": [m.training for m in online.modules()]}
    if target is not None:
        modes["target"] = [m.training for m in target.modules()]
    return modes


def check_update_side_effects(given: TensorBatch, original: TensorBatch, online, target, modes, inputs) -> None:
    """The batch unchanged, both networks in the mode they were in, no gradient in the target network."""
    check_batch_unchanged("update_step", given, original, inputs)
    for name, before in modes.items():
        if network_modes(online, target)[name] != before:
            fail(
                f"update_step changed the train/eval mode of the {name} network and left it so",
                inputs=inputs,
                expected=f"the {name} network in the mode it was in",
                got="another mode after the call",
                hint="the caller chooses the networks' modes; computing the targets needs torch.no_grad(), not "
                ".eval() (and where you switch a mode, put the previous one back)",
            )
    if target is not None:
        reached = [name for name, p in target.named_parameters() if p.grad is not None]
        if reached:
            fail(
                "update_step left gradients in the target network",
                inputs=inputs,
                expected="grad None for every parameter of the target (no graph through the targets)",
                got=f"gradients in: {', '.join(reached[:4])}{' ...' if len(reached) > 4 else ''}",
                hint="the targets are labels: computed without gradients, nothing of the loss flows back into "
                "the target network (make sure dqn_loss's own test passes first)",
            )


def check_large_gradients(ex) -> None:
    """Large TD errors and plain SGD, against an oracle written out here: one step moves each weight by exactly
    -lr * its gradient, so clipped gradients, a clamped loss or clamped TD errors show."""
    rng = np.random.default_rng(SEED + 2)
    lr = 1e-3
    for loss_name, with_target in [("mse", False), ("huber", True)]:
        torch.manual_seed(SEED + 2)
        network = MLPNetwork(num_actions=2, observation_size=4)
        target = older_copy(network, SEED + 3, frozen=False) if with_target else None
        batch = large_error_batch(rng, 32)
        inputs = describe_batch(
            batch,
            "MLPNetwork (2 actions), "
            + ("a separate target network" if with_target else "target=None")
            + f", {loss_name}_loss, "
            f"torch.optim.SGD(lr={lr}), rewards of +-50 and inputs 30 times CartPole's: TD errors of tens to hundreds",
        )
        oracle_network = copy.deepcopy(network)
        value, _ = oracle_loss(
            oracle_network, oracle_network if target is None else target, clone_batch(batch), GAMMA, loss_name
        )
        oracle_gradients = torch.autograd.grad(value, list(oracle_network.parameters()))
        largest = max(float(g.abs().max()) for g in oracle_gradients)
        assert largest > (100 if loss_name == "mse" else 0.05), largest  # large enough for clipping to show
        learner_network = copy.deepcopy(network)
        call(
            ex,
            "update_step",
            learner_network,
            target,
            torch.optim.SGD(learner_network.parameters(), lr=lr),
            clone_batch(batch),
            GAMMA,
            LOSSES[loss_name],
            inputs=inputs,
        )
        for (name, start), after, gradient in zip(
            network.named_parameters(), learner_network.parameters(), oracle_gradients
        ):
            expected_change = -lr * gradient
            # float32 rounding of (weight + change) - weight: a few units in the last place of the weights
            rounding = 4 * torch.finfo(torch.float32).eps * float(start.detach().abs().max())
            assert_matches(
                after.detach() - start.detach(),
                expected_change,
                what=f"the change of parameter {name} made by one SGD step",
                inputs=inputs,
                atol=rounding + 1e-4 * float(expected_change.abs().max()),
                rtol=1e-3,
                check_grad=False,
                hint=f"with plain SGD one step moves each weight by exactly -lr * its gradient (largest "
                f"gradient element here: {largest:.0f}). Clip or clamp nothing: not the gradients "
                "(clip_grad_norm_, clip_grad_value_), not the loss, not the TD errors. The papers' "
                "'error clipping' is the Huber loss (Chapter 11), which the caller passes as `loss`",
            )


def check_update_on_meta(ex) -> None:
    """update_step on the meta device: the loss and the mean Q-value stay tensors on the device."""
    for online, target, name, size, shape, num_actions in meta_cases():
        inputs = (
            f"{name}, a batch of {size} on the meta device (PyTorch's device without data, a stand-in for a "
            "GPU), torch.optim.SGD"
        )
        expected = reference.update_step(
            online,
            target,
            torch.optim.SGD(online.parameters(), lr=0.1),
            meta_batch(size, shape, num_actions),
            GAMMA,
            mse_loss,
        )
        assert all(value.device.type == "meta" for value in expected)
        got = call_on_device(
            ex,
            "update_step",
            online,
            None if target is online else target,
            torch.optim.SGD(online.parameters(), lr=0.1),
            meta_batch(size, shape, num_actions),
            GAMMA,
            mse_loss,
            device="meta",
            inputs=inputs,
        )
        if got is INCONCLUSIVE:  # boolean masks: right, but the meta device cannot run them
            continue
        assert_type(got, tuple, what="the value returned by update_step", inputs=inputs)
        for value, what in zip(got, ("the loss", "the mean Q(s, a)")):
            assert_type(
                value,
                torch.Tensor,
                what=f"{what} returned by update_step",
                inputs=inputs,
                hint="return tensors, left on their device: the caller reads them when it writes its logs",
            )
            assert_same_device(f"update_step ({what})", value, torch.device("meta"))
    if torch.cuda.is_available():  # and on a real GPU, values included
        torch.manual_seed(SEED)
        reference_network = MLPNetwork(2, 4).cuda()
        learner_network = copy.deepcopy(reference_network)
        batch = on_device(random_batch(np.random.default_rng(SEED), 32, (4,), 2, reward_scale=5), "cuda")
        inputs = "MLPNetwork on the GPU, target=None, mse_loss, torch.optim.SGD(lr=0.01), a batch of 32 on the GPU"
        expected = reference.update_step(
            reference_network,
            None,
            torch.optim.SGD(reference_network.parameters(), lr=0.01),
            clone_batch(batch),
            GAMMA,
            mse_loss,
        )
        got = call(
            ex,
            "update_step",
            learner_network,
            None,
            torch.optim.SGD(learner_network.parameters(), lr=0.01),
            clone_batch(batch),
            GAMMA,
            mse_loss,
            inputs=inputs,
        )
        assert_matches(got, expected, what="update_step on the GPU", inputs=inputs, atol=1e-5, rtol=1e-4)
        for value, what in zip(got, ("the loss", "the mean Q(s, a)")):
            assert_same_device(f"update_step ({what})", value, batch.rewards.device)
        for (name, expected_parameter), got_parameter in zip(
            reference_network.named_parameters(), learner_network.parameters()
        ):
            assert_matches(
                got_parameter.detach(),
                expected_parameter.detach(),
                what=f"parameter {name} after the update on the GPU",
                inputs=inputs,
                atol=1e-5,
                rtol=1e-4,
            )


# ------------------------------------------------------------------------------------------------
# 7.3 clip_rewards
# ------------------------------------------------------------------------------------------------


def reward_cases():
    rng = np.random.default_rng(SEED)
    cases = [
        (np.array([0.0]), "one zero reward"),
        (np.array([1.0, 4.0, 7.0, 0.0]), "Breakout's brick values (1, 4, 7 points) and 0"),
        (np.array([-1.0, 1.0, 0.0]), "Pong: -1 when the opponent scores, +1 when you do"),
        (np.array([200.0, -50.0, 1000.0, -1000.0]), "large scores of other games, both signs"),
        (np.array([0.5, -0.3, 1.5, -2.5, 1.0, -1.0]), "fractional rewards inside and outside [-1, 1]"),
        (np.array([0, 1, 4, 7], dtype=np.int64), "integer rewards (int64)"),
        (np.array([3.0, -3.0, 0.25], dtype=np.float32), "float32 rewards"),
        (np.array([0.5, -0.25, 0.0], dtype=np.float32), "float32 rewards already inside [-1, 1]"),
        (np.array([0.1, 0.7, -0.3]), "float64 rewards inside [-1, 1] that float32 cannot hold exactly"),
        (np.array([[1.0, 0.0, 7.0], [-4.0, 0.0, 0.5]]), "a (2, 3) array: one row per emulator, two steps"),
        (np.zeros(16), "16 emulators, no points this step (the fast engine's batch)"),
    ]
    for _ in range(8):
        size = int(rng.integers(1, 40))
        cases.append((np.round(rng.normal(scale=3.0, size=size), 2), f"{size} random rewards"))
    return cases


@exercise("7.3", "Reward clipping")
def test_clip_rewards(ex):
    for rewards, why in reward_cases():
        inputs = f"rewards {rewards.dtype} of shape {rewards.shape}: {why}"
        oracle = np.minimum(np.maximum(rewards.astype(np.float32), -1.0), 1.0).astype(np.float32)
        expected = reference.clip_rewards(rewards.copy())
        assert np.array_equal(expected, oracle) and expected.dtype == np.float32, inputs
        given = rewards.copy()
        got = call(ex, "clip_rewards", given, inputs=inputs)
        if not np.array_equal(given, rewards) or given.dtype != rewards.dtype:
            fail(
                "clip_rewards changed the rewards array it was given",
                inputs=inputs,
                expected=f"the input left as it was: {rewards.tolist()}",
                got=f"{given.tolist()}",
                hint="the unclipped game score is still needed (the episode's return, the evaluation): clip into "
                "a new array. Careful: converting an array to the dtype it already has returns the same "
                "array, not a copy",
            )
        assert_type(got, np.ndarray, what="clip_rewards", inputs=inputs, hint="return a numpy array")
        if got.dtype != np.float32:
            fail(
                f"clip_rewards returned a {got.dtype} array, the contract says float32",
                inputs=inputs,
                expected="float32 (what the replay memory stores)",
                got=f"{got.dtype} array of shape {got.shape}",
                hint="the result keeps the dtype of what you clip: integer game points stay integers, float64 "
                "stays float64, unless you convert",
            )
        assert_matches(
            got,
            expected,
            what="clip_rewards",
            inputs=inputs,
            atol=0,
            rtol=0,
            hint="rewards above 1 become 1, below -1 become -1, the others stay as they are (converted to "
            "float32 first); return a float32 array of the same shape",
        )
        if np.shares_memory(got, given):
            fail(
                "clip_rewards returned the array it was given (or a view of it), not a new array",
                inputs=inputs,
                expected="a new float32 array",
                got="an array sharing memory with `rewards`",
                hint="np.clip returns a new array unless told to write into its input (out=...)",
            )


# ------------------------------------------------------------------------------------------------
# 7.4 should_update
# ------------------------------------------------------------------------------------------------


def schedule_cases():
    """(learning_starts, update_every, steps to check, why)."""
    cases = [
        (
            50_000,
            1,
            [1, 2, 49_999, 50_000, 50_001, 50_002, 50_003, 1_000_000, 10_000_000],
            "the dqn2013 preset: one update per agent step after 50,000 steps of random play",
        ),
        (
            50_000,
            4,
            [1, 4, 49_996, 49_999, 50_000, 50_001, 50_003, 50_004, 50_005, 50_008, 50_010, 200_000],
            "the Nature setting: one update every 4 agent steps after 50,000 steps",
        ),
        (1_000, 1, [999, 1_000, 1_001, 1_002, 40_000], "the cartpole preset"),
        (0, 1, [1, 2, 3], "learning from the first step"),
        (0, 4, [1, 2, 3, 4, 5, 8], "no random play, updates every 4 steps"),
        (
            1_001,
            4,
            [1_001, 1_002, 1_004, 1_005, 1_008, 1_009, 1_013],
            "learning_starts not a multiple of update_every: count from learning_starts",
        ),
        (10, 3, list(range(1, 40)), "every step of a short run"),
    ]
    rng = np.random.default_rng(SEED)
    for _ in range(10):
        starts, every = int(rng.integers(0, 5_000)), int(rng.integers(1, 9))
        steps = sorted(
            {
                starts - 1,
                starts,
                starts + 1,
                starts + every - 1,
                starts + every,
                starts + every + 1,
                starts + 5 * every,
                starts + 5 * every + 1,
                *map(int, rng.integers(1, 20_000, size=5)),
            }
        )
        cases.append((starts, every, [s for s in steps if s >= 1], "random settings"))
    return cases


@exercise("7.4", "When to learn")
def test_should_update(ex):
    for learning_starts, update_every, steps, why in schedule_cases():
        for step in steps:
            inputs = f"step={step}, learning_starts={learning_starts}, update_every={update_every} ({why})"
            # the updates follow the random phase: after steps learning_starts + k * update_every, k = 1, 2, ...
            k, remainder = divmod(step - learning_starts, update_every)
            oracle = k >= 1 and remainder == 0
            expected = schedules.should_update(step, learning_starts, update_every)
            assert expected == oracle, inputs
            got = call(ex, "should_update", step, learning_starts, update_every, inputs=inputs)
            assert_python_type(
                "should_update",
                got,
                bool,
                inputs=inputs,
                hint="return a Python bool in every case: True or False, not 0 or 1, and not a numpy.bool_",
            )
            assert_matches(
                got,
                expected,
                what="should_update",
                inputs=inputs,
                hint="no update while step <= learning_starts (random play); after that one update every "
                "update_every agent steps, counted from learning_starts, the first at step "
                "learning_starts + update_every",
            )
