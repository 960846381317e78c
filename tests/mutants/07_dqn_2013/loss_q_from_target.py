"""dqn_loss takes Q(s, a) from the target network too ("the values come from the target network"): with
a frozen target the loss has no gradient at all, and with an unfrozen one the target network learns
while the online network never does."""

CAUGHT_BY = ["test_dqn_loss", "test_update_step"]


def dqn_loss(online, target, batch, gamma, loss):
    targets = target_network.td_targets_from_target(
        target, batch.rewards, batch.next_observations, batch.terminals, gamma
    )
    q_taken = q_learning.q_values_of_actions(target(batch.observations), batch.actions)
    return loss(targets - q_taken), q_taken.detach()
