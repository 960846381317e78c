"""td_targets takes the max over dim 0 (the batch) instead of dim 1 (the actions): with as many rows as
actions the shapes still fit and every row gets a maximum taken over other transitions."""

CAUGHT_BY = ["test_td_targets"]


def td_targets(rewards, next_q_values, terminals, gamma):
    best_next = next_q_values.max(dim=0).values
    return (rewards + gamma * (1.0 - terminals.float()) * best_next).detach()
