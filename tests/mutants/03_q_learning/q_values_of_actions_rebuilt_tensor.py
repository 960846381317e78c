"""q_values_of_actions picks the values with .item() in a loop and builds a new tensor: the numbers are
right, but the result is cut off from the network, so the loss has no gradient to learn from."""

CAUGHT_BY = ["test_q_values_of_actions"]


def q_values_of_actions(q_values, actions):
    values = [q_values[i, int(actions[i])].item() for i in range(len(actions))]
    return torch.tensor(values, dtype=q_values.dtype)
