"""dqn_loss clamps the loss to at most 1, reading the Nature paper's "clip the error term to [-1, 1]" as a
clip of the loss: with small TD errors nothing changes, but as soon as the loss passes 1 its gradient is
zero and the network stops learning from exactly the transitions it gets most wrong."""

CAUGHT_BY = ["test_dqn_loss", "test_update_step"]


def dqn_loss(online, target, batch, gamma, loss):
    targets = target_network.td_targets_from_target(
        target, batch.rewards, batch.next_observations, batch.terminals, gamma
    )
    q_taken = q_learning.q_values_of_actions(online(batch.observations), batch.actions)
    return torch.clamp(loss(targets - q_taken), max=1.0), q_taken.detach()
