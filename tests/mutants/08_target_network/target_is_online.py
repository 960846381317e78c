"""make_target_network returns the online network itself (`target = online`, no deepcopy): the
"target" then moves with every update, which is exactly the 2013 agent the chapter sets out to fix."""

CAUGHT_BY = ["test_make_target_network"]


def make_target_network(online):
    target = online
    return target
