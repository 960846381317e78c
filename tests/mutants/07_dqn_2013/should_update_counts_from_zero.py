"""should_update counts the period from step 0 (step % update_every) instead of from learning_starts:
identical when learning_starts is a multiple of update_every, off otherwise, so the first update
does not come update_every steps after learning starts."""

CAUGHT_BY = ["test_should_update"]


def should_update(step, learning_starts, update_every):
    return step > learning_starts and step % update_every == 0
