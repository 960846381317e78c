"""update_step clips the batch's rewards in place before learning (`batch.rewards.clamp_(-1, 1)`): the values
the agent learns from are the same when the rewards are already clipped, but the caller's batch is
modified (the fast engine reuses its batch tensors, and any reward outside [-1, 1] is altered)."""

CAUGHT_BY = ["test_update_step"]


def update_step(online, target, optimizer, batch, gamma, loss):
    batch.rewards.clamp_(-1.0, 1.0)
    value, q_taken = dqn_loss(online, online if target is None else target, batch, gamma, loss)
    optimizer.zero_grad()
    value.backward()
    optimizer.step()
    return value.detach(), q_taken.mean()
