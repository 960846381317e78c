"""compute_dqn_loss computes the target y = r + gamma * max Q(s', a') with gradients on: the loss has the
right value, but backward also pushes Q(s', .) towards Q(s, a) (a "residual gradient"), which is not
Q-learning's update and is not what the 2013 paper does (the target is held fixed during the step)."""

CAUGHT_BY = ["test_compute_dqn_loss", "test_dqn_update_step"]


def compute_dqn_loss(network, batch, gamma):
    next_q_values = network(batch.next_observations)
    best_next = next_q_values.max(dim=1).values
    targets = batch.rewards + gamma * (1.0 - batch.terminals) * best_next
    q_values = network(batch.observations)
    q_taken = q_values.gather(1, batch.actions.unsqueeze(1)).squeeze(1)
    return (0.5 * (targets - q_taken) ** 2).mean()
