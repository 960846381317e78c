"""td_targets_from_target builds the targets with gradient tracking on and without detach: harmless with a
frozen target, but in the 2013 setting (the online network passed as target) gradients flow through
the targets too, which is no longer Q-learning's semi-gradient update."""

CAUGHT_BY = ["test_td_targets_from_target"]


def td_targets_from_target(target, rewards, next_observations, terminals, gamma):
    best_next = target(next_observations).max(dim=1).values
    return rewards + gamma * (1.0 - terminals) * best_next
