"""compute_dqn_loss uses torch.nn.functional.mse_loss, the mean of (y - Q)^2 without the factor 1/2: the
loss and every gradient are twice the reference's, as if the learning rate had been doubled."""

CAUGHT_BY = ["test_compute_dqn_loss", "test_dqn_update_step"]


def compute_dqn_loss(network, batch, gamma):
    with torch.no_grad():
        best_next = network(batch.next_observations).max(dim=1).values
        targets = batch.rewards + gamma * (1.0 - batch.terminals) * best_next
    q_taken = network(batch.observations).gather(1, batch.actions.unsqueeze(1)).squeeze(1)
    return torch.nn.functional.mse_loss(q_taken, targets)
