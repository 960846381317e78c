"""update_step puts the network that computes the targets in eval mode ("it is only evaluated"): with
target=None (2013) that network is the online network itself, which is left in eval mode for the rest
of training."""

CAUGHT_BY = ["test_update_step"]


def update_step(online, target, optimizer, batch, gamma, loss):
    if target is None:
        target = online
    target.eval()
    value, q_taken = dqn_loss(online, target, batch, gamma, loss)
    optimizer.zero_grad()
    value.backward()
    optimizer.step()
    return value.detach(), q_taken.mean()
