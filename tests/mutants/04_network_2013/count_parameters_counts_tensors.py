"""count_parameters counts the parameter tensors instead of the numbers in them: the 2013 network has 8
tensors (4 weights, 4 biases) but 677,172 parameters for Breakout."""

CAUGHT_BY = ["test_count_parameters"]


def count_parameters(network):
    return len([parameter for parameter in network.parameters() if parameter.requires_grad])
