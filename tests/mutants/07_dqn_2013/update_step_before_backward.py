"""dqn_update_step calls optimizer.step() before loss.backward(): each step uses the gradients of the
previous batch (and the first step has none at all), so every update is one batch late."""

CAUGHT_BY = ["test_dqn_update_step"]


def dqn_update_step(network, optimizer, batch, gamma):
    loss = compute_dqn_loss(network, batch, gamma)
    optimizer.step()
    optimizer.zero_grad()
    loss.backward()
    return loss.item()
