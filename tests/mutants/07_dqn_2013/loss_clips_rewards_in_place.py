"""dqn_loss clips the batch's rewards to [-1, 1] in place (`clamp_`) "to be safe": the replay memory's rewards
are already clipped, so nothing seems to change, but the function writes into the caller's batch, and
any reward outside [-1, 1] is silently altered for every later use of the batch."""

CAUGHT_BY = ["test_dqn_loss"]


def dqn_loss(online, target, batch, gamma, loss):
    batch.rewards.clamp_(-1.0, 1.0)
    targets = target_network.td_targets_from_target(
        target, batch.rewards, batch.next_observations, batch.terminals, gamma
    )
    q_taken = q_learning.q_values_of_actions(online(batch.observations), batch.actions)
    return loss(targets - q_taken), q_taken.detach()
