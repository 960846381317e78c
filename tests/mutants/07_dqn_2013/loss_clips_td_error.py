"""dqn_loss clips the TD errors to [-1, 1] before passing them to `loss` (the Nature paper's error clipping,
done by hand): with rewards in [-1, 1] and small Q-values it changes nothing, but large errors then have
no gradient at all (the clamp's gradient is 0 outside [-1, 1]), and the Huber loss passed by the caller
never sees an error beyond 1."""

CAUGHT_BY = ["test_dqn_loss", "test_update_step"]


def dqn_loss(online, target, batch, gamma, loss):
    targets = target_network.td_targets_from_target(
        target, batch.rewards, batch.next_observations, batch.terminals, gamma
    )
    q_taken = q_learning.q_values_of_actions(online(batch.observations), batch.actions)
    return loss(torch.clamp(targets - q_taken, -1.0, 1.0)), q_taken.detach()
