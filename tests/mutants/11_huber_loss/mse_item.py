"""mse_loss returns the loss as a Python number (`.item()`, handy for logging): the value is right, but the
loss is cut off from the graph, so backward() cannot reach the network and nothing is learned."""

CAUGHT_BY = ["test_mse_loss"]


def mse_loss(td_error):
    return (0.5 * td_error**2).mean().item()
