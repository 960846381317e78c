"""td_targets forgets to detach: the target still carries the network's gradient, so the loss also
pulls Q(s', a') towards Q(s, a), a different (and unstable) algorithm from the papers' Q-learning."""

CAUGHT_BY = ["test_td_targets"]


def td_targets(rewards, next_q_values, terminals, gamma):
    best_next = next_q_values.max(dim=1).values
    return rewards + gamma * (1.0 - terminals.float()) * best_next
