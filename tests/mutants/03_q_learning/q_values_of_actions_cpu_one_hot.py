"""q_values_of_actions multiplies the Q-values by a one-hot mask made with torch.zeros(q_values.shape), on
the CPU: values and gradient are right on a CPU, but with a network on the GPU the product mixes
devices and fails."""

CAUGHT_BY = ["test_q_values_of_actions"]


def q_values_of_actions(q_values, actions):
    mask = torch.zeros(q_values.shape)
    mask[torch.arange(len(actions)), actions.long()] = 1.0
    return (q_values * mask).sum(dim=1)
