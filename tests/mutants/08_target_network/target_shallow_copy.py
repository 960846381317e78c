"""make_target_network uses copy.copy instead of copy.deepcopy: a new module object, but its parameters
are the online network's own tensors, so the targets still move with every update."""

CAUGHT_BY = ["test_make_target_network"]


def make_target_network(online):
    target = copy.copy(online)
    for parameter in target.parameters():
        parameter.requires_grad_(False)
    return target
