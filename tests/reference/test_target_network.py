"""Target network: targets stay still between syncs; a sync copies exactly; 2013 mode uses the online net;
the loss's targets are td_targets_from_target's (the function Chapter 8 teaches)."""

import numpy as np
import torch

from dqn_tutorial import target_network, update
from dqn_tutorial.losses import huber_loss, mse_loss
from dqn_tutorial.networks import NatureNetwork
from dqn_tutorial.optimizers import DeepMindRMSprop
from dqn_tutorial.q_learning import td_targets
from dqn_tutorial.schedules import is_sync_step
from dqn_tutorial.target_network import make_target_network, sync_target, td_targets_from_target
from dqn_tutorial.update import TensorBatch, dqn_loss, update_step


def _batch(seed=0, size=8):
    g = torch.Generator().manual_seed(seed)
    frames = lambda: torch.randint(0, 256, (size, 4, 84, 84), generator=g, dtype=torch.uint8)  # noqa: E731
    return TensorBatch(
        frames(),
        torch.randint(0, 4, (size,), generator=g),
        torch.randn(size, generator=g),
        frames(),
        (torch.rand(size, generator=g) < 0.2).float(),
    )


def test_targets_do_not_move_between_syncs_and_sync_copies_exactly():
    torch.manual_seed(0)
    online = NatureNetwork(4)
    target = make_target_network(online)
    optimizer = DeepMindRMSprop(online.parameters(), lr=1e-3, batch_size=32)
    batch = _batch()
    with torch.no_grad():
        before = td_targets(batch.rewards, target(batch.next_observations), batch.terminals, 0.99)
    for _ in range(3):
        update_step(online, target, optimizer, batch, 0.99, huber_loss)
    with torch.no_grad():
        after = td_targets(batch.rewards, target(batch.next_observations), batch.terminals, 0.99)
        online_targets = td_targets(batch.rewards, online(batch.next_observations), batch.terminals, 0.99)
    torch.testing.assert_close(before, after, rtol=0, atol=0)
    assert not torch.allclose(online_targets, after)  # the online network did move
    sync_target(target, online)
    for (name, p), (_, q) in zip(online.state_dict().items(), target.state_dict().items()):
        assert torch.equal(p, q), name
    assert all(not p.requires_grad for p in target.parameters())


def test_without_target_network_targets_follow_the_online_network():
    torch.manual_seed(0)
    online = NatureNetwork(4)
    optimizer = DeepMindRMSprop(online.parameters(), lr=1e-3, batch_size=32)
    batch = _batch(1)
    with torch.no_grad():
        first = td_targets(batch.rewards, online(batch.next_observations), batch.terminals, 0.99)
    update_step(online, None, optimizer, batch, 0.99, mse_loss)
    with torch.no_grad():
        second = td_targets(batch.rewards, online(batch.next_observations), batch.terminals, 0.99)
    assert not torch.allclose(first, second)


def test_sync_schedule_counts_agent_steps():
    steps = np.arange(1, 30_001)
    assert [int(s) for s in steps if is_sync_step(int(s), 10_000)] == [10_000, 20_000, 30_000]
    assert not any(is_sync_step(int(s), 0) for s in steps[:100])


def test_td_targets_mask_terminals_and_carry_no_gradient():
    rewards = torch.tensor([1.0, 0.0, -1.0])
    next_q = torch.tensor([[1.0, 3.0], [2.0, -1.0], [5.0, 5.0]], requires_grad=True)
    terminals = torch.tensor([0.0, 1.0, 0.0])
    y = td_targets(rewards, next_q, terminals, 0.5)
    torch.testing.assert_close(y, torch.tensor([2.5, 0.0, 1.5]))
    assert not y.requires_grad


def test_dqn_loss_targets_come_from_td_targets_from_target(monkeypatch):
    """The agent's loss computes its targets with the module-level td_targets_from_target, so a replacement
    (dqn-tutorial train --impl) reaches it; without gradient, Q(s, a) detached."""
    torch.manual_seed(0)
    online = NatureNetwork(4)
    target = make_target_network(online)
    batch = _batch(2)
    seen = []

    def spy(*args):
        seen.append(args[0])
        return td_targets_from_target(*args)

    monkeypatch.setattr(update, "td_targets_from_target", spy)
    loss, q_taken = dqn_loss(online, target, batch, 0.99, mse_loss)
    assert seen == [target] and loss.requires_grad and not q_taken.requires_grad
    with torch.no_grad():
        y = td_targets(batch.rewards, target(batch.next_observations), batch.terminals, 0.99)
        q = online(batch.observations).gather(1, batch.actions.unsqueeze(1)).squeeze(1)
    torch.testing.assert_close(q_taken, q)
    torch.testing.assert_close(loss.detach(), (0.5 * (y - q) ** 2).mean())
    loss.backward()
    assert all(p.grad is None for p in target.parameters())
    assert target_network.td_targets_from_target is td_targets_from_target
