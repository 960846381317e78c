"""dqn_update_step never clears the gradients: PyTorch adds each backward's gradients to .grad, so the
second update follows the sum of the first two batches' gradients, the third the sum of three, and so on
(the first update looks right, which is why this survives a one-step check)."""

CAUGHT_BY = ["test_dqn_update_step"]


def dqn_update_step(network, optimizer, batch, gamma):
    loss = compute_dqn_loss(network, batch, gamma)
    loss.backward()
    optimizer.step()
    return loss.item()
