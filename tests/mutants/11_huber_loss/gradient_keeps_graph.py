"""clipped_error_gradient computes -clamp(d, -1, 1) on the TD error without detaching it: the values are
right, but the result is a new node of the network's graph, and anything done with it later (adding it
to a loss, storing it) drags the graph along."""

CAUGHT_BY = ["test_clipped_error_gradient"]


def clipped_error_gradient(td_error):
    return -torch.clamp(td_error, -1.0, 1.0)
