"""dqn_loss ignores its `loss` argument and uses torch.nn.functional.mse_loss, the mean of (y - Q)^2
without the factor 1/2: every gradient is doubled (as if the learning rate were), and the Huber loss
of the Nature agent (Chapter 11) can never be used."""

CAUGHT_BY = ["test_dqn_loss", "test_update_step"]


def dqn_loss(online, target, batch, gamma, loss):
    targets = target_network.td_targets_from_target(
        target, batch.rewards, batch.next_observations, batch.terminals, gamma
    )
    q_taken = q_learning.q_values_of_actions(online(batch.observations), batch.actions)
    return torch.nn.functional.mse_loss(q_taken, targets), q_taken.detach()
