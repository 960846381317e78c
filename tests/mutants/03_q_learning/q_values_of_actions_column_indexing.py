"""q_values_of_actions indexes columns with the whole action vector, q_values[:, actions]: that selects
B columns for every row, a (B, B) matrix instead of one value per row."""

CAUGHT_BY = ["test_q_values_of_actions"]


def q_values_of_actions(q_values, actions):
    return q_values[:, actions.long()]
