"""target_network_loss computes the targets with the online network (passing `online` where `target`
belongs): the code runs and the loss falls, but the target network is never used, so the agent is
back to chasing its own moving targets."""

CAUGHT_BY = ["test_target_network_loss"]


def target_network_loss(online, target, observations, actions, rewards, next_observations, terminals, gamma):
    targets = td_targets_from_target(online, rewards, next_observations, terminals, gamma)
    q_taken = online(observations).gather(1, actions.unsqueeze(1)).squeeze(1)
    return (0.5 * (targets - q_taken) ** 2).mean()
