"""is_sync_step reads the period as emulator frames (step * 4 frames): the target is refreshed every
2,500 agent steps instead of every 10,000, four times too often."""

CAUGHT_BY = ["test_is_sync_step"]


def is_sync_step(step, sync_every):
    if sync_every == 0:
        return False
    frames = 4 * step
    return frames % sync_every == 0
