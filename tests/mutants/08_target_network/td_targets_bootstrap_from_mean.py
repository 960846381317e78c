"""td_targets_from_target bootstraps from the mean of the target network's Q-values instead of their max
(the value of the random policy rather than of the greedy one): that is expected SARSA for a uniform
policy, not Q-learning's target."""

CAUGHT_BY = ["test_td_targets_from_target"]


def td_targets_from_target(target, rewards, next_observations, terminals, gamma):
    with torch.no_grad():
        next_values = target(next_observations).mean(dim=1)
        return rewards + gamma * (1.0 - terminals) * next_values
