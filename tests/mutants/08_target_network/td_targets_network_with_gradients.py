"""td_targets_from_target runs the target network with gradients on and relies on td_targets' detach():
the targets are right and carry no gradient, but every update builds the autograd graph of a forward
pass on the 32 next states for nothing (with the 2013 agent, through the online network itself)."""

CAUGHT_BY = ["test_td_targets_from_target"]


def td_targets_from_target(target, rewards, next_observations, terminals, gamma):
    next_q_values = target(next_observations)
    return q_learning.td_targets(rewards, next_q_values, terminals, gamma)
