"""Our whole update against DeepMind's, written out from their Lua code (an oracle that shares no code with ours).

deepmind/dqn, NeuralQLearner.lua (qLearnMinibatch, getQUpdate), for a minibatch of B transitions:
    delta_j = clip(r_j + gamma * (1 - term_j) * max_a' Q_target(s'_j, a') - Q(s_j, a_j), -1, 1)
    network:backward(s, targets)   with targets[j][a_j] = delta_j, zero elsewhere
        -> dw = sum_j delta_j * dQ(s_j, a_j)/dw       (a SUM over the batch, never divided by B)
    g  = 0.95 g  + 0.05 dw
    g2 = 0.95 g2 + 0.05 dw^2
    w += lr * dw / sqrt(g2 - g^2 + 0.01)
The oracle below does exactly that in float64 with plain tensor arithmetic; ours runs the agent's own
code (Trainer's replay memory and minibatches, `make_optimizer`, `update_step`). Before the fix the
agent's mean loss met the floor 0.01 sized for the sum, and its steps were ~20x smaller: this test failed.
"""

from __future__ import annotations

import copy

import pytest
import torch

from dqn_tutorial.config import get_preset
from dqn_tutorial.losses import LOSSES
from dqn_tutorial.training import Trainer
from dqn_tutorial.update import batch_to_tensors, update_step

LEARNING_RATE, GAMMA, UPDATES, BATCH = 2.5e-4, 0.99, 6, 32


@pytest.fixture(scope="module")
def agent_and_batches(tmp_path_factory):
    """A Nature agent as the training loop builds it, and real Breakout minibatches from its replay memory."""
    torch.set_num_threads(1)
    config = get_preset("nature2015").replace(replay_capacity=2_000, learning_starts=0, device="cpu", seed=3)
    trainer = Trainer(config, tmp_path_factory.mktemp("run"), progress=False)
    trainer.start_games()
    for _ in range(600):
        trainer.play_step(learning=False)  # random play (epsilon 1 at step 0), no updates
    batches = [batch_to_tensors(trainer.memory.sample(BATCH), "cpu") for _ in range(UPDATES)]
    assert sum(float(b.rewards.abs().sum()) for b in batches) > 0, "the minibatches should hold some rewards"
    return trainer, batches


def nature_q_values(weights, frames):
    """The Nature network written out (2015 Methods), float64, from a flat list of its ten tensors.

    (DeepMind's convnet.lua also pads the first convolution by 1; ours does not, Chapter 9 says so.
    This test is about the update, so the oracle uses our architecture.)"""
    c1w, c1b, c2w, c2b, c3w, c3b, f1w, f1b, f2w, f2b = weights
    x = frames.double() / 255.0
    x = torch.relu(torch.nn.functional.conv2d(x, c1w, c1b, stride=4))
    x = torch.relu(torch.nn.functional.conv2d(x, c2w, c2b, stride=2))
    x = torch.relu(torch.nn.functional.conv2d(x, c3w, c3b, stride=1))
    x = torch.relu(x.reshape(len(x), -1) @ f1w.T + f1b)
    return x @ f2w.T + f2b


def deepmind_updates(network, target, batches, clip_delta: bool):
    """DeepMind's rule, transcribed: summed gradient of Q weighted by the (clipped) TD errors."""
    weights = [p.detach().double().contiguous().clone() for p in network.parameters()]
    frozen = [p.detach().double().contiguous().clone() for p in target.parameters()]
    g = [torch.zeros_like(w) for w in weights]
    g2 = [torch.zeros_like(w) for w in weights]
    for batch in batches:
        with torch.no_grad():
            next_max = nature_q_values(frozen, batch.next_observations).max(dim=1).values
            y = batch.rewards.double() + GAMMA * (1 - batch.terminals.double()) * next_max
        leaves = [w.clone().requires_grad_() for w in weights]
        q_taken = nature_q_values(leaves, batch.observations)[torch.arange(len(batch.actions)), batch.actions]
        delta = (y - q_taken).detach()
        if clip_delta:
            delta = delta.clamp(-1, 1)
        dw = torch.autograd.grad((q_taken * delta).sum(), leaves)  # network:backward(s, targets)
        for i, d in enumerate(dw):
            g[i] = 0.95 * g[i] + 0.05 * d
            g2[i] = 0.95 * g2[i] + 0.05 * d * d
            weights[i] = weights[i] + LEARNING_RATE * d / torch.sqrt(g2[i] - g[i] * g[i] + 0.01)
    return weights


@pytest.mark.parametrize("loss, clip_delta", [("huber", True), ("mse", False)])
def test_rmsprop_update_takes_deepmind_steps(agent_and_batches, loss, clip_delta):
    trainer, batches = agent_and_batches
    from dqn_tutorial.optimizers import make_optimizer

    online = copy.deepcopy(trainer.online)
    target = copy.deepcopy(trainer.online)  # frozen for the whole test, as between two target syncs
    start = [p.detach().double().clone() for p in online.parameters()]
    expected = deepmind_updates(online, target, batches, clip_delta)

    optimizer = make_optimizer("rmsprop", online.parameters(), LEARNING_RATE, BATCH)
    for batch in batches:
        update_step(online, target, optimizer, batch, GAMMA, LOSSES[loss])

    names = [name for name, _ in online.named_parameters()]
    for name, before, ours, theirs in zip(names, start, online.parameters(), expected):
        ours_moved, theirs_moved = ours.detach().double() - before, theirs - before
        scale = float(theirs_moved.norm())
        assert scale > 0, f"{name}: DeepMind's update did not move this tensor; the test would prove nothing"
        ratio = float(ours_moved.norm()) / scale
        error = float((ours_moved - theirs_moved).norm()) / scale
        assert error < 1e-3, (
            f"{name}: after {UPDATES} updates our weights moved {ratio:.2f}x as far as DeepMind's update "
            f"(relative difference {error:.2e}); a mean loss needs RMSProp's floor 0.01 / batch_size^2"
        )
