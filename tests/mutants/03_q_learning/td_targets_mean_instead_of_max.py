"""td_targets averages the next Q-values instead of taking their max: that is the value of a uniformly
random policy from s' (expected SARSA with a random policy), not the Bellman optimality target."""

CAUGHT_BY = ["test_td_targets"]


def td_targets(rewards, next_q_values, terminals, gamma):
    next_value = next_q_values.mean(dim=1)
    return (rewards + gamma * (1.0 - terminals.float()) * next_value).detach()
