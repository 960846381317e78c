"""make_target_network freezes the parameters before copying: the copy is frozen, but so is the online
network, which then never learns again (its loss has no gradient to follow)."""

CAUGHT_BY = ["test_make_target_network"]


def make_target_network(online):
    for parameter in online.parameters():
        parameter.requires_grad_(False)
    return copy.deepcopy(online)
