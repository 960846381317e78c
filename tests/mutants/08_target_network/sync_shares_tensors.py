"""sync_target points the target's parameters at the online network's tensors (`.data = ...`) instead of
copying the values: after the first sync the target moves with every update, as if there were none."""

CAUGHT_BY = ["test_sync_target"]


def sync_target(target, online):
    for target_parameter, online_parameter in zip(target.parameters(), online.parameters()):
        target_parameter.data = online_parameter.data
