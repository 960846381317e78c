"""make_target_network deep-copies the network but forgets to turn off requires_grad: gradients can then
flow into the target network, and an optimizer built over it would move it between syncs."""

CAUGHT_BY = ["test_make_target_network"]


def make_target_network(online):
    return copy.deepcopy(online)
