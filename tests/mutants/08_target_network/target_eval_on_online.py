"""make_target_network writes `copy.deepcopy(online.eval())`, meaning to put the copy in eval mode: the
method runs on `online` before the copy is made, so the copy is right but the online network, which is
about to be trained, is left in eval mode."""

CAUGHT_BY = ["test_make_target_network"]


def make_target_network(online):
    target = copy.deepcopy(online.eval())
    for parameter in target.parameters():
        parameter.requires_grad_(False)
    return target
