"""dqn_loss regresses max_a Q(s, a) (the greedy action's value) instead of Q(s, a) of the action the agent
actually took: the stored action is ignored, so the network learns nothing about the actions it
explored, and the update is no longer Q-learning."""

CAUGHT_BY = ["test_dqn_loss", "test_update_step"]


def dqn_loss(online, target, batch, gamma, loss):
    targets = target_network.td_targets_from_target(
        target, batch.rewards, batch.next_observations, batch.terminals, gamma
    )
    q_taken = online(batch.observations).max(dim=1).values
    return loss(targets - q_taken), q_taken.detach()
