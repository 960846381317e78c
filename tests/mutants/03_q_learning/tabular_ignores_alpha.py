"""tabular_q_update overwrites Q[state, action] with the target ("the Bellman equation says Q equals the
target"): a learning rate of 1 whatever alpha is, so in a stochastic environment Q jumps to the last
sample instead of averaging them."""

CAUGHT_BY = ["test_tabular_q_update"]


def tabular_q_update(q_table, state, action, reward, next_state, terminal, alpha, gamma):
    if terminal:
        q_table[state, action] = reward
    else:
        q_table[state, action] = reward + gamma * np.max(q_table[next_state])
