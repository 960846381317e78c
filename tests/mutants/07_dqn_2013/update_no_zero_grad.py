"""update_step never clears the gradients: PyTorch adds each backward's gradients to .grad, so the second
update follows the sum of the first two batches' gradients, the third the sum of three, and so on (the
first update looks right, which is why this survives a one-step check)."""

CAUGHT_BY = ["test_update_step"]


def update_step(online, target, optimizer, batch, gamma, loss):
    value, q_taken = dqn_loss(online, online if target is None else target, batch, gamma, loss)
    value.backward()
    optimizer.step()
    return value.detach(), q_taken.mean()
