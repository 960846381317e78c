"""update_step returns the loss as a Python float (.item()), the habit of training loops that print it:
on a GPU, .item() makes the CPU wait for the GPU at every update, which the agent avoids by reading
the tensors only when it writes its logs."""

CAUGHT_BY = ["test_update_step"]


def update_step(online, target, optimizer, batch, gamma, loss):
    value, q_taken = dqn_loss(online, online if target is None else target, batch, gamma, loss)
    optimizer.zero_grad()
    value.backward()
    optimizer.step()
    return value.item(), q_taken.mean().item()
