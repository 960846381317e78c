"""td_targets_from_target accumulates the targets into the rewards tensor it was given (`rewards += ...`,
"saves a tensor"): the targets are right, but the batch's rewards are overwritten by targets, so any
later use of the batch (the logs, a second update on it) sees wrong rewards."""

CAUGHT_BY = ["test_td_targets_from_target"]


def td_targets_from_target(target, rewards, next_observations, terminals, gamma):
    with torch.no_grad():
        best_next = target(next_observations).max(dim=1).values
        rewards += gamma * (1.0 - terminals) * best_next
        return rewards
