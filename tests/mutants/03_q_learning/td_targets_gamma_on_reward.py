"""td_targets discounts the reward too, y = gamma * (r + max Q(s', .)): the reward of this step is received
now and must not be discounted; every target comes out too small by a factor gamma on r."""

CAUGHT_BY = ["test_td_targets"]


def td_targets(rewards, next_q_values, terminals, gamma):
    best_next = next_q_values.max(dim=1).values
    return (gamma * (rewards + (1.0 - terminals.float()) * best_next)).detach()
