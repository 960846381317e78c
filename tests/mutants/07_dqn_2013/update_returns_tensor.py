"""dqn_update_step returns the loss tensor instead of a float: logging it every step keeps the tensor
(and on a GPU forces a synchronisation where it is read); the contract asks for a Python float."""

CAUGHT_BY = ["test_dqn_update_step"]


def dqn_update_step(network, optimizer, batch, gamma):
    loss = compute_dqn_loss(network, batch, gamma)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.detach()
