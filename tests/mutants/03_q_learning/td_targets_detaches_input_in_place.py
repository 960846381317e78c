"""td_targets cuts the gradient with next_q_values.detach_(), the in-place detach: the targets are right,
but the caller's tensor is cut from its network too (in the 2013 agent the same network also gives the
Q-values that are learned)."""

CAUGHT_BY = ["test_td_targets"]


def td_targets(rewards, next_q_values, terminals, gamma):
    next_q_values.detach_()
    best_next = next_q_values.max(dim=1).values
    return rewards + gamma * (1.0 - terminals.float()) * best_next
