"""update_step calls optimizer.step() before loss.backward(): each step uses the gradients of the previous
batch (and the first step has none at all), so every update is one batch late."""

CAUGHT_BY = ["test_update_step"]


def update_step(online, target, optimizer, batch, gamma, loss):
    value, q_taken = dqn_loss(online, online if target is None else target, batch, gamma, loss)
    optimizer.step()
    optimizer.zero_grad()
    value.backward()
    return value.detach(), q_taken.mean()
