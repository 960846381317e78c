"""td_targets forgets the terminal mask: it bootstraps from the state after a game over (or a lost
life), whose Q-values the network makes up. The agent then believes losing the ball costs nothing."""

CAUGHT_BY = ["test_td_targets"]


def td_targets(rewards, next_q_values, terminals, gamma):
    best_next = next_q_values.max(dim=1).values
    return (rewards + gamma * best_next).detach()
