"""td_targets turns the flags into a mask with .double(): the float64 mask promotes the targets to float64,
so the loss against the float32 Q-values runs in double precision (or fails where dtypes must match)."""

CAUGHT_BY = ["test_td_targets"]


def td_targets(rewards, next_q_values, terminals, gamma):
    not_terminal = (~terminals.bool()).double()
    best_next = next_q_values.max(dim=1).values
    return (rewards + gamma * not_terminal * best_next).detach()
