"""tabular_q_update computes the right new table but returns a copy instead of writing into q_table:
the caller's table never changes, so nothing is ever learned."""

CAUGHT_BY = ["test_tabular_q_update"]


def tabular_q_update(q_table, state, action, reward, next_state, terminal, alpha, gamma):
    new_table = q_table.copy()
    target = reward if terminal else reward + gamma * np.max(q_table[next_state])
    new_table[state, action] += alpha * (target - new_table[state, action])
    return new_table
