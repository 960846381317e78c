"""is_sync_step writes `sync_every and step % sync_every == 0` to avoid dividing by zero: the syncs happen
at the right steps, but with sync_every == 0 the expression returns the int 0, not the bool the
contract asks for."""

CAUGHT_BY = ["test_is_sync_step"]


def is_sync_step(step, sync_every):
    return sync_every and step % sync_every == 0
