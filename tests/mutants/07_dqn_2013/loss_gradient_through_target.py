"""dqn_loss computes the targets y = r + gamma * max Q(s', a') itself, with gradients on: with the online
network as its own target (2013) the loss has the right value, but backward also pushes Q(s', .)
towards Q(s, a) (a "residual gradient"), which is not Q-learning's update and not what the papers do."""

CAUGHT_BY = ["test_dqn_loss", "test_update_step"]


def dqn_loss(online, target, batch, gamma, loss):
    best_next = target(batch.next_observations).max(dim=1).values
    targets = batch.rewards + gamma * (1.0 - batch.terminals) * best_next
    q_taken = online(batch.observations).gather(1, batch.actions.unsqueeze(1)).squeeze(1)
    return loss(targets - q_taken), q_taken.detach()
