"""update_step returns the loss tensor still attached to the graph: the caller that keeps it for the logs
keeps the whole forward and backward graph of the minibatch alive (memory that grows with every
update it holds)."""

CAUGHT_BY = ["test_update_step"]


def update_step(online, target, optimizer, batch, gamma, loss):
    value, q_taken = dqn_loss(online, online if target is None else target, batch, gamma, loss)
    optimizer.zero_grad()
    value.backward()
    optimizer.step()
    return value, q_taken.mean()
