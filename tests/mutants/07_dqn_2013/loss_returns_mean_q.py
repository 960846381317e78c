"""dqn_loss returns the mean of Q(s, a) as its second value (what the logs show) instead of the B values:
update_step then takes the mean of a mean, and the contract's shape (B,) is lost."""

CAUGHT_BY = ["test_dqn_loss"]


def dqn_loss(online, target, batch, gamma, loss):
    targets = target_network.td_targets_from_target(
        target, batch.rewards, batch.next_observations, batch.terminals, gamma
    )
    q_taken = q_learning.q_values_of_actions(online(batch.observations), batch.actions)
    return loss(targets - q_taken), q_taken.detach().mean()
