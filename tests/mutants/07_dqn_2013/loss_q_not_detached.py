"""dqn_loss returns Q(s, a) still attached to the graph: whoever keeps it for the logs keeps the whole
forward pass of the minibatch alive, and a later backward through it would mix logging into learning."""

CAUGHT_BY = ["test_dqn_loss"]


def dqn_loss(online, target, batch, gamma, loss):
    targets = target_network.td_targets_from_target(
        target, batch.rewards, batch.next_observations, batch.terminals, gamma
    )
    q_taken = q_learning.q_values_of_actions(online(batch.observations), batch.actions)
    return loss(targets - q_taken), q_taken
