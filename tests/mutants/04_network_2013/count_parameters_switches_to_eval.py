"""count_parameters calls network.eval() first, thinking it stops PyTorch from tracking gradients while
counting: the count is right, but the caller's online network is left in evaluation mode."""

CAUGHT_BY = ["test_count_parameters"]


def count_parameters(network):
    network.eval()
    return sum(parameter.numel() for parameter in network.parameters() if parameter.requires_grad)
