"""updates_due counts the updates owed from step 0 instead of from learning_starts: the moment learning
starts it asks for 12,500 updates at once (50,000 / 4) on a replay memory that has just been filled."""

CAUGHT_BY = ["test_updates_due"]


def updates_due(step, learning_starts, update_every, updates_done):
    if step <= learning_starts:
        return 0
    return max(step // update_every - updates_done, 0)
