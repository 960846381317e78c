"""tabular_q_update moves the whole row of `state` towards the target (q_table[state] += ...), as if every
action had been taken: the value of the action actually taken is right, but the other actions of that
state are overwritten with what this one transition says about a different action."""

CAUGHT_BY = ["test_tabular_q_update"]


def tabular_q_update(q_table, state, action, reward, next_state, terminal, alpha, gamma):
    target = reward if terminal else reward + gamma * np.max(q_table[next_state])
    q_table[state] += alpha * (target - q_table[state])
