"""compute_dqn_loss forgets the terminal mask: it bootstraps from the next state even when the game
(or, during training, a life) ended, so the agent believes losing a life is followed by more reward
and never learns that it is bad."""

CAUGHT_BY = ["test_compute_dqn_loss", "test_dqn_update_step"]


def compute_dqn_loss(network, batch, gamma):
    with torch.no_grad():
        best_next = network(batch.next_observations).max(dim=1).values
        targets = batch.rewards + gamma * best_next
    q_taken = network(batch.observations).gather(1, batch.actions.unsqueeze(1)).squeeze(1)
    return (0.5 * (targets - q_taken) ** 2).mean()
