"""should_update measures the period in emulator frames: with action repeat 4 it takes "update every 4"
to mean every 4 frames, i.e. every agent step, four times as many updates as the Nature setting."""

CAUGHT_BY = ["test_should_update"]


def should_update(step, learning_starts, update_every):
    frames_since_start = 4 * (step - learning_starts)
    return step > learning_starts and frames_since_start % update_every == 0
