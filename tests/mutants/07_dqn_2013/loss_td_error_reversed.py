"""dqn_loss passes Q(s, a) - y to the loss instead of the TD error y - Q(s, a): the squared error and
Huber do not see the sign, but the contract (and any asymmetric loss) does, and the TD error's sign is
what says whether Q(s, a) is too low or too high."""

CAUGHT_BY = ["test_dqn_loss"]


def dqn_loss(online, target, batch, gamma, loss):
    targets = target_network.td_targets_from_target(
        target, batch.rewards, batch.next_observations, batch.terminals, gamma
    )
    q_taken = q_learning.q_values_of_actions(online(batch.observations), batch.actions)
    return loss(q_taken - targets), q_taken.detach()
