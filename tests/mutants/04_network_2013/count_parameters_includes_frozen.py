"""count_parameters counts every parameter, trainable or not: a target network (all frozen) then seems to
have as many trainable weights as the online network."""

CAUGHT_BY = ["test_count_parameters"]


def count_parameters(network):
    return sum(parameter.numel() for parameter in network.parameters())
