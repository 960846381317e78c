"""update_step passes `target` to dqn_loss as it is, forgetting that None means "no target network": the
2013 agent (target=None) then calls None as a network and crashes at its first update."""

CAUGHT_BY = ["test_update_step"]


def update_step(online, target, optimizer, batch, gamma, loss):
    value, q_taken = dqn_loss(online, target, batch, gamma, loss)
    optimizer.zero_grad()
    value.backward()
    optimizer.step()
    return value.detach(), q_taken.mean()
