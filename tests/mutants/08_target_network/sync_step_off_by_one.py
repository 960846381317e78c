"""is_sync_step counts steps from 0 while `step` counts from 1 ((step - 1) % sync_every): the target is
refreshed one step late, at step 1, 10,001, 20,001, ..."""

CAUGHT_BY = ["test_is_sync_step"]


def is_sync_step(step, sync_every):
    if sync_every == 0:
        return False
    return (step - 1) % sync_every == 0
