"""dqn_loss computes the targets with the online network (passing `online` where `target` belongs): the
code runs and the loss falls, but the target network is never used, so the Nature agent is back to
chasing its own moving targets, the instability Chapter 8 sets out to remove."""

CAUGHT_BY = ["test_dqn_loss", "test_update_step"]


def dqn_loss(online, target, batch, gamma, loss):
    targets = target_network.td_targets_from_target(
        online, batch.rewards, batch.next_observations, batch.terminals, gamma
    )
    q_taken = q_learning.q_values_of_actions(online(batch.observations), batch.actions)
    return loss(targets - q_taken), q_taken.detach()
