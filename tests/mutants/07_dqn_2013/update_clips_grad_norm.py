"""update_step clips the gradient's norm to 10 before the step, as many DQN implementations do: a different
algorithm from the papers' (which have no gradient clipping, only the Huber loss), invisible while the
gradients are small and changing every update once the TD errors are large."""

CAUGHT_BY = ["test_update_step"]


def update_step(online, target, optimizer, batch, gamma, loss):
    value, q_taken = dqn_loss(online, online if target is None else target, batch, gamma, loss)
    optimizer.zero_grad()
    value.backward()
    torch.nn.utils.clip_grad_norm_(online.parameters(), max_norm=10.0)
    optimizer.step()
    return value.detach(), q_taken.mean()
