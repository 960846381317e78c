"""q_values_of_actions indexes with the actions as they come, q_values[arange, actions]: right for int64
and int32 actions, but uint8 actions (the replay memory's dtype) are taken as a boolean mask, and the
indexing fails or picks the wrong entries."""

CAUGHT_BY = ["test_q_values_of_actions"]


def q_values_of_actions(q_values, actions):
    rows = torch.arange(len(actions), device=q_values.device)
    return q_values[rows, actions]
