"""replay_memory_bytes counts the reward as a float64 (8 bytes, numpy's default float) where the memory
stores float32 (4 bytes)."""

CAUGHT_BY = ["test_replay_memory_bytes"]


def replay_memory_bytes(capacity, frame_shape=(84, 84)):
    frame_bytes = int(np.prod(frame_shape))
    return int(capacity * (frame_bytes + 1 + 8 + 2))
