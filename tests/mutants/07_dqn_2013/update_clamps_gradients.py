"""update_step clamps every gradient element to [-1, 1], reading the Nature paper's error clipping as
gradient clipping: the same as no clipping while the gradients are small, a different update once a
gradient element passes 1 (the paper clips the TD error, which is what the Huber loss does)."""

CAUGHT_BY = ["test_update_step"]


def update_step(online, target, optimizer, batch, gamma, loss):
    value, q_taken = dqn_loss(online, online if target is None else target, batch, gamma, loss)
    optimizer.zero_grad()
    value.backward()
    for parameter in online.parameters():
        parameter.grad.clamp_(-1.0, 1.0)
    optimizer.step()
    return value.detach(), q_taken.mean()
