"""is_sync_step forgets the case sync_every == 0 (no syncing): `step % 0` raises ZeroDivisionError."""

CAUGHT_BY = ["test_is_sync_step"]


def is_sync_step(step, sync_every):
    return step % sync_every == 0
