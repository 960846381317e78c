"""tabular_q_update always bootstraps, even after a terminal transition: the value of whatever row the
terminal state has leaks into the target. In a table initialised to zeros this goes unnoticed (the
terminal row stays 0); with any other initial values, or with a network, the values come out wrong."""

CAUGHT_BY = ["test_tabular_q_update"]


def tabular_q_update(q_table, state, action, reward, next_state, terminal, alpha, gamma):
    target = reward + gamma * np.max(q_table[next_state])
    q_table[state, action] += alpha * (target - q_table[state, action])
