"""count_parameters adds the sizes up with np.sum: the count is right, but it is a numpy.int64 (and a
float 0.0 for a network without parameters), not the Python int the contract asks for; the run's
summary.json cannot store a numpy integer."""

CAUGHT_BY = ["test_count_parameters"]


def count_parameters(network):
    import numpy as np

    return np.sum([parameter.numel() for parameter in network.parameters() if parameter.requires_grad])
