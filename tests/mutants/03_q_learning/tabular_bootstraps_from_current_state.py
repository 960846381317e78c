"""tabular_q_update takes the max over the row of `state` instead of `next_state` (a slip between s and
s'): the target then says nothing about where the action leads, and values never propagate back."""

CAUGHT_BY = ["test_tabular_q_update"]


def tabular_q_update(q_table, state, action, reward, next_state, terminal, alpha, gamma):
    if terminal:
        target = reward
    else:
        target = reward + gamma * np.max(q_table[state])
    q_table[state, action] += alpha * (target - q_table[state, action])
