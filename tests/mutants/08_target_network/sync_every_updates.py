"""is_sync_step follows Extended Data Table 1 literally, 10,000 parameter *updates* with one update per 4
agent steps: the target is refreshed every 40,000 agent steps, four times less often than DeepMind's
code and this project."""

CAUGHT_BY = ["test_is_sync_step"]


def is_sync_step(step, sync_every):
    if sync_every == 0:
        return False
    updates = step / 4
    return updates % sync_every == 0
