"""dqn_loss picks Q(s, a) with a one-hot mask made by torch.eye(num_actions), a tensor on the CPU: right on
the CPU, but with the network on a GPU the mask is on another device than the Q-values and the update
fails (or the mask is copied to the GPU at every update)."""

CAUGHT_BY = ["test_dqn_loss"]


def dqn_loss(online, target, batch, gamma, loss):
    targets = target_network.td_targets_from_target(
        target, batch.rewards, batch.next_observations, batch.terminals, gamma
    )
    q_all = online(batch.observations)
    one_hot = torch.eye(q_all.shape[1])[batch.actions]
    q_taken = (q_all * one_hot).sum(dim=1)
    return loss(targets - q_taken), q_taken.detach()
