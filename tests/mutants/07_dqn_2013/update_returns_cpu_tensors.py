"""update_step returns fresh tensors built from .item() ("tensors, as the contract says, and cheap to log"):
each .item() makes the CPU wait for the GPU at every update, and a CUDA graph (the fast engine records
update_step once and replays it) cannot record it; the tensors it returns are on the CPU."""

CAUGHT_BY = ["test_update_step"]


def update_step(online, target, optimizer, batch, gamma, loss):
    value, q_taken = dqn_loss(online, online if target is None else target, batch, gamma, loss)
    optimizer.zero_grad()
    value.backward()
    optimizer.step()
    return torch.tensor(value.item()), torch.tensor(q_taken.mean().item())
