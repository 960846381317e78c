"""replay_memory_bytes returns gigabytes as a float (7.063) instead of a whole number of bytes: the
unit the chapter prints is GB, and a learner may convert too early."""

CAUGHT_BY = ["test_replay_memory_bytes"]


def replay_memory_bytes(capacity, frame_shape=(84, 84)):
    frame_bytes = int(np.prod(frame_shape))
    return capacity * (frame_bytes + 1 + 4 + 2) / 1e9
