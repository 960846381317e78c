"""q_values_of_actions forgets to squeeze the gather result: it returns shape (B, 1), and subtracting
the (B,) targets from it broadcasts to a (B, B) matrix, so the loss silently mixes every pair of rows."""

CAUGHT_BY = ["test_q_values_of_actions"]


def q_values_of_actions(q_values, actions):
    return q_values.gather(1, actions.long().unsqueeze(1))
