"""dqn_loss switches `target` to eval mode before computing the targets ("the target network is only
evaluated"): in the 2013 setting `target` IS the online network, which is then left in eval mode for
the rest of training (with dropout or batch norm it would learn in the wrong mode)."""

CAUGHT_BY = ["test_dqn_loss"]


def dqn_loss(online, target, batch, gamma, loss):
    target.eval()
    targets = target_network.td_targets_from_target(
        target, batch.rewards, batch.next_observations, batch.terminals, gamma
    )
    q_taken = q_learning.q_values_of_actions(online(batch.observations), batch.actions)
    return loss(targets - q_taken), q_taken.detach()
