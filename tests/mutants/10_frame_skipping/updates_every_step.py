"""updates_due ignores update_every and asks for one update per agent step (the 2013 cadence, or the
update frequency read as "frames"): four times the Nature number of updates, a replay ratio of 32
instead of 8, and four times the compute."""

CAUGHT_BY = ["test_updates_due"]


def updates_due(step, learning_starts, update_every, updates_done):
    if step <= learning_starts:
        return 0
    return max(step - learning_starts - updates_done, 0)
