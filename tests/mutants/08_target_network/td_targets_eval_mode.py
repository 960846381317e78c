"""td_targets_from_target puts the network in eval mode before running it ("the target network is only
evaluated"): harmless for a separate target, but the 2013 agent passes its online network here, which is
then left in eval mode for the rest of training."""

CAUGHT_BY = ["test_td_targets_from_target"]


def td_targets_from_target(target, rewards, next_observations, terminals, gamma):
    target.eval()
    with torch.no_grad():
        next_q_values = target(next_observations)
        return q_learning.td_targets(rewards, next_q_values, terminals, gamma)
