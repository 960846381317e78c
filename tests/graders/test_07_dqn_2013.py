"""Grader for Chapter 7 (the 2013 DQN assembled): compares chapters/07_dqn_2013/exercises.py with
dqn_tutorial.update (dqn_loss, update_step, clip_rewards, should_update).

Run it with `pytest -k ch07`; `pytest --impl=solutions -k ch07` grades the answers instead.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch

from dqn_tutorial import update as reference
from dqn_tutorial.atari import make_atari_env
from dqn_tutorial.grading import assert_matches, assert_type, call, exercise, fail
from dqn_tutorial.networks import DQN2013Network, MLPNetwork, NatureNetwork
from dqn_tutorial.optimizers import DeepMindRMSprop
from dqn_tutorial.update import TensorBatch

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
        transitions.append((np.array(observation), action, float(np.clip(reward, -1, 1)),
                            np.array(next_observation), terminal))
        observation = next_observation
        if terminated or truncated:
            observation, _ = env.reset()
    env.close()
    return transitions


def make_batch(observations, actions, rewards, next_observations, terminals) -> TensorBatch:
    return TensorBatch(torch.as_tensor(np.asarray(observations)), torch.as_tensor(np.asarray(actions), dtype=torch.int64),
                       torch.as_tensor(np.asarray(rewards), dtype=torch.float32),
                       torch.as_tensor(np.asarray(next_observations)),
                       torch.as_tensor(np.asarray(terminals), dtype=torch.float32))


def clone_batch(batch: TensorBatch) -> TensorBatch:
    return TensorBatch(batch.observations.clone(), batch.actions.clone(), batch.rewards.clone(),
                       batch.next_observations.clone(), batch.terminals.clone())


def real_batch(transitions, rng, size, terminal_rows=0):
    """A batch of real Breakout transitions; the first `terminal_rows` rows are real terminal ones
    (a lost life), so that every batch tests the terminal mask."""
    terminal_indices = [i for i, t in enumerate(transitions) if t[4]]
    other = [i for i, t in enumerate(transitions) if not t[4]]
    chosen = list(rng.choice(terminal_indices, size=terminal_rows)) if terminal_rows else []
    chosen += list(rng.choice(other, size=size - len(chosen)))
    return make_batch(*[[transitions[i][k] for i in chosen] for k in range(5)])


def random_batch(rng, size, observation_shape, num_actions, terminal_fraction=0.3):
    """Random observations, actions, rewards in {-1, 0, 1} and terminals on about 30 % of the rows."""
    if len(observation_shape) == 3:
        observations = rng.integers(0, 256, size=(size, *observation_shape), dtype=np.uint8)
        next_observations = rng.integers(0, 256, size=(size, *observation_shape), dtype=np.uint8)
    else:
        observations = rng.normal(size=(size, *observation_shape)).astype(np.float32)
        next_observations = rng.normal(size=(size, *observation_shape)).astype(np.float32)
    terminals = rng.random(size) < terminal_fraction
    terminals[0] = True  # at least one terminal row, whatever the seed
    return make_batch(observations, rng.integers(0, num_actions, size=size), rng.integers(-1, 2, size=size),
                      next_observations, terminals)


def describe_batch(batch: TensorBatch, network_name: str, origin: str) -> str:
    terminals = int(batch.terminals.sum())
    rewards = batch.rewards.numpy()
    return (f"{network_name}, {origin}: batch of {len(batch.actions)} ({terminals} terminal, rewards "
            f"{int((rewards > 0).sum())} x +1 / {int((rewards < 0).sum())} x -1), gamma={GAMMA}")


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
        (net2013, real_batch(transitions, rng, 1, terminal_rows=1), "DQN2013Network (4 actions)",
         "one real Breakout transition that lost a life (terminal)"),
        (net2013, real_batch(transitions, rng, 32, terminal_rows=4), "DQN2013Network (4 actions)",
         "real Breakout transitions"),
        (nature, real_batch(transitions, rng, 32, terminal_rows=4), "NatureNetwork (4 actions)",
         "real Breakout transitions"),
        (net2013, random_batch(rng, 32, (4, 84, 84), 4), "DQN2013Network (4 actions)", "random uint8 stacks"),
        (full_set, random_batch(rng, 16, (4, 84, 84), 18), "DQN2013Network (18 actions)", "random uint8 stacks"),
    ]
    for size in [1, 5, 32, 64, 64, 64]:
        cases.append((mlp, random_batch(rng, size, (4,), 2), "MLPNetwork (2 actions, CartPole-sized)",
                      "random float32 vectors"))
    return cases


# ------------------------------------------------------------------------------------------------
# 7.1 compute_dqn_loss
# ------------------------------------------------------------------------------------------------

def gradients(network: torch.nn.Module) -> dict[str, torch.Tensor | None]:
    return {name: None if p.grad is None else p.grad.detach().clone() for name, p in network.named_parameters()}


@exercise("7.1", "The 2013 DQN loss")
def test_compute_dqn_loss(ex, breakout_transitions):
    for network, batch, network_name, origin in loss_cases(breakout_transitions):
        inputs = describe_batch(batch, network_name, origin)
        network.zero_grad(set_to_none=True)
        expected, _ = reference.dqn_loss(network, network, clone_batch(batch), GAMMA, "mse")
        expected.backward()
        expected_gradients = gradients(network)
        network.zero_grad(set_to_none=True)

        original = clone_batch(batch)
        got = call(ex, "compute_dqn_loss", network, batch, GAMMA, inputs=inputs)
        assert_matches(got, expected, what="the loss from compute_dqn_loss", inputs=inputs, atol=1e-8, rtol=1e-4,
                       hint="the loss is the MEAN over the batch of 0.5 * (y - Q(s, a))^2; y = r where terminal, "
                            "else r + gamma * max_a' Q(s', a'); Q(s, a) is the value of the action in batch.actions")
        for field in ("observations", "actions", "rewards", "next_observations", "terminals"):
            if not torch.equal(getattr(batch, field), getattr(original, field)):
                fail(f"compute_dqn_loss changed batch.{field} in place", inputs=inputs,
                     hint="the batch comes from the replay memory and may be used again: never modify it")
        if any(p.grad is not None for p in network.parameters()):
            fail("compute_dqn_loss filled the parameters' .grad: it called backward", inputs=inputs,
                 expected="no .grad after the call (backward belongs to the update step, Exercise 7.2)",
                 got="gradients already computed")
        try:
            got.backward()
        except RuntimeError as error:
            fail("backward through the loss returned by compute_dqn_loss failed", inputs=inputs,
                 got=f"RuntimeError: {str(error).splitlines()[0]}",
                 hint="return the loss tensor itself, still attached to the forward pass of Q(s, a)")
        for name, reference_gradient in expected_gradients.items():
            got_gradient = dict(network.named_parameters())[name].grad
            if got_gradient is None:
                fail(f"after backward, parameter {name} has no gradient", inputs=inputs,
                     expected="gradients on every parameter, through Q(s, a)", got="grad is None",
                     hint="Q(s, a) must be computed with gradients on (outside torch.no_grad())")
            scale = float(reference_gradient.abs().max())
            assert_matches(got_gradient, reference_gradient, what=f"the gradient of your loss for {name}",
                           inputs=inputs, atol=1e-6 * scale + 1e-9, rtol=1e-4,
                           hint="the loss matches but not its gradient: gradients must flow only through Q(s, a) of "
                                "the taken actions. The target y is a label: compute Q(s', .) under torch.no_grad() "
                                "(or detach it) so no gradient flows into it")
        network.zero_grad(set_to_none=True)


# ------------------------------------------------------------------------------------------------
# 7.2 dqn_update_step
# ------------------------------------------------------------------------------------------------

def optimizer_cases():
    """(name, factory): the paper's optimizer, and plain SGD whose step shows the gradient directly."""
    return [
        ("DeepMindRMSprop(lr=2.5e-4)", lambda params: DeepMindRMSprop(params, lr=2.5e-4, batch_size=32)),
        ("torch.optim.SGD(lr=0.05)", lambda params: torch.optim.SGD(params, lr=0.05)),
    ]


@exercise("7.2", "One 2013 DQN update")
def test_dqn_update_step(ex, breakout_transitions):
    rng = np.random.default_rng(SEED + 1)
    for optimizer_name, make_optimizer in optimizer_cases():
        for network_name, make_network, make_batches in [
            ("DQN2013Network (4 actions)", lambda: DQN2013Network(num_actions=4),
             lambda: [real_batch(breakout_transitions, rng, 32, terminal_rows=3) for _ in range(3)]),
            ("MLPNetwork (2 actions)", lambda: MLPNetwork(num_actions=2, observation_size=4),
             lambda: [random_batch(rng, 64, (4,), 2) for _ in range(3)]),
        ]:
            torch.manual_seed(SEED)
            reference_network = make_network()
            learner_network = copy.deepcopy(reference_network)
            reference_optimizer = make_optimizer(reference_network.parameters())
            learner_optimizer = make_optimizer(learner_network.parameters())
            for number, batch in enumerate(make_batches(), start=1):
                inputs = (f"update number {number} in a row with the same network and optimizer: "
                          + describe_batch(batch, network_name, "a new batch") + f", optimizer {optimizer_name}")
                reference_before = [p.detach().clone() for p in reference_network.parameters()]
                learner_before = [p.detach().clone() for p in learner_network.parameters()]
                expected_loss, _ = reference.update_step(reference_network, None, reference_optimizer,
                                                         clone_batch(batch), GAMMA, "mse")
                got = call(ex, "dqn_update_step", learner_network, learner_optimizer, clone_batch(batch), GAMMA,
                           inputs=inputs)
                assert_type(got, float, what="the value returned by dqn_update_step", inputs=inputs,
                            hint="return the loss as a Python float with .item()")
                assert_matches(got, float(expected_loss), what="the loss returned by dqn_update_step",
                               inputs=inputs, atol=1e-8, rtol=1e-4,
                               hint="return the loss of this batch computed before the optimizer step")
                parameters = zip(reference_network.named_parameters(), learner_network.parameters(),
                                 reference_before, learner_before)
                for (name, expected), got_parameter, expected_start, got_start in parameters:
                    # Compare the change made by this update: it is small next to the weights themselves.
                    expected_change = expected.detach() - expected_start
                    got_change = got_parameter.detach() - got_start
                    scale = float(expected_change.abs().max())
                    assert_matches(got_change, expected_change,
                                   what=f"the change of parameter {name} made by update number {number}",
                                   inputs=inputs, atol=1e-3 * scale + 1e-9, rtol=1e-3,
                                   hint="each update is ONE optimizer step along the gradient of THIS batch's loss "
                                        "(your compute_dqn_loss: make sure its own test passes first). Gradients "
                                        "add up in .grad until cleared: clear those of the previous update, then "
                                        "backward, then step")


# ------------------------------------------------------------------------------------------------
# 7.3 clip_reward
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
        (np.array([[1.0, 0.0, 7.0], [-4.0, 0.0, 0.5]]), "a (2, 3) array: one row per emulator, two steps"),
    ]
    for _ in range(8):
        size = int(rng.integers(1, 40))
        cases.append((np.round(rng.normal(scale=3.0, size=size), 2), f"{size} random rewards"))
    return cases


@exercise("7.3", "Reward clipping")
def test_clip_reward(ex):
    for rewards, why in reward_cases():
        inputs = f"rewards {rewards.dtype} of shape {rewards.shape}: {why}"
        expected = reference.clip_rewards(rewards.copy())
        given = rewards.copy()
        got = call(ex, "clip_reward", given, inputs=inputs)
        assert_matches(got, expected, what="clip_reward", inputs=inputs, atol=0, rtol=0,
                       hint="rewards above 1 become 1, below -1 become -1, the others stay as they are; return a "
                            "float32 array of the same shape")
        if not np.array_equal(given, rewards):
            fail("clip_reward changed the rewards array it was given", inputs=inputs,
                 expected=f"the input left as it was: {rewards.tolist()}", got=f"{given.tolist()}",
                 hint="the unclipped game score is still needed (the episode's return, the evaluation): clip into "
                      "a new array")


# ------------------------------------------------------------------------------------------------
# 7.4 should_update
# ------------------------------------------------------------------------------------------------

def schedule_cases():
    """(learning_starts, update_every, steps to check, why)."""
    cases = [
        (50_000, 1, [1, 2, 49_999, 50_000, 50_001, 50_002, 50_003, 1_000_000, 10_000_000],
         "the dqn2013 preset: one update per agent step after 50,000 steps of random play"),
        (50_000, 4, [1, 4, 49_996, 49_999, 50_000, 50_001, 50_003, 50_004, 50_005, 50_008, 50_010, 200_000],
         "the Nature setting: one update every 4 agent steps after 50,000 steps"),
        (1_000, 1, [999, 1_000, 1_001, 1_002, 40_000], "the cartpole preset"),
        (0, 1, [1, 2, 3], "learning from the first step"),
        (0, 4, [1, 2, 3, 4, 5, 8], "no random play, updates every 4 steps"),
        (1_001, 4, [1_001, 1_002, 1_004, 1_005, 1_008, 1_009, 1_013],
         "learning_starts not a multiple of update_every: count from learning_starts"),
        (10, 3, list(range(1, 40)), "every step of a short run"),
    ]
    rng = np.random.default_rng(SEED)
    for _ in range(10):
        starts, every = int(rng.integers(0, 5_000)), int(rng.integers(1, 9))
        steps = sorted({starts - 1, starts, starts + 1, starts + every - 1, starts + every, starts + every + 1,
                        starts + 5 * every, starts + 5 * every + 1, *map(int, rng.integers(1, 20_000, size=5))})
        cases.append((starts, every, [s for s in steps if s >= 1], "random settings"))
    return cases


@exercise("7.4", "When to learn")
def test_should_update(ex):
    for learning_starts, update_every, steps, why in schedule_cases():
        for step in steps:
            inputs = f"step={step}, learning_starts={learning_starts}, update_every={update_every} ({why})"
            expected = reference.should_update(step, learning_starts, update_every)
            got = call(ex, "should_update", step, learning_starts, update_every, inputs=inputs)
            assert_matches(got, expected, what="should_update", inputs=inputs,
                           hint="no update while step <= learning_starts (random play); after that one update every "
                                "update_every agent steps, counted from learning_starts, the first at step "
                                "learning_starts + update_every")
