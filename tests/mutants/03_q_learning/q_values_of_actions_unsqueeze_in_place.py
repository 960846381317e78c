"""q_values_of_actions gives the actions their extra dimension with actions.unsqueeze_(1), in place: the
values are right, but the caller's actions tensor is now (B, 1), and the next use of it breaks or
broadcasts."""

CAUGHT_BY = ["test_q_values_of_actions"]


def q_values_of_actions(q_values, actions):
    actions.unsqueeze_(1)
    return q_values.gather(1, actions.long()).squeeze(1)
