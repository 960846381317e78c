"""sync_target gives each target parameter a fresh copy of the online values (`.data = ....clone()`): the
values are right and shared with nothing, but they sit in new storage, so anything that holds the old
tensors (the CUDA graph of the fast engine's update reads the target's weights at their addresses) goes
on seeing the old weights."""

CAUGHT_BY = ["test_sync_target"]


def sync_target(target, online):
    for target_tensor, online_tensor in zip(
        [*target.parameters(), *target.buffers()], [*online.parameters(), *online.buffers()]
    ):
        target_tensor.data = online_tensor.data.clone()
