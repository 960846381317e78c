"""count_parameters adds up the state_dict: that also counts buffers (a BatchNorm's running statistics),
frozen parameters, and shared weights once per use."""

CAUGHT_BY = ["test_count_parameters"]


def count_parameters(network):
    return sum(value.numel() for value in network.state_dict().values())
