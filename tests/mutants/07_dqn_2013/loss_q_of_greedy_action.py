"""compute_dqn_loss regresses max_a Q(s, a) (the greedy action's value) instead of Q(s, a) of the action
the agent actually took: the stored action is ignored, so the network learns nothing about the
actions it explored, and the update is no longer Q-learning."""

CAUGHT_BY = ["test_compute_dqn_loss", "test_dqn_update_step"]


def compute_dqn_loss(network, batch, gamma):
    with torch.no_grad():
        best_next = network(batch.next_observations).max(dim=1).values
        targets = batch.rewards + gamma * (1.0 - batch.terminals) * best_next
    q_taken = network(batch.observations).max(dim=1).values
    return (0.5 * (targets - q_taken) ** 2).mean()
