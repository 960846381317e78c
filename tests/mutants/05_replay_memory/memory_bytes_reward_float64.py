"""memory_bytes counts the reward as a float64 (8 bytes, numpy's default float) where the storage keeps
float32 (4 bytes): 4 bytes too many per transition, 4 MB at 1M, and a figure that disagrees with the
arrays of empty_storage."""

CAUGHT_BY = ["test_memory_bytes"]


def memory_bytes(capacity, frame_shape=(84, 84), frame_dtype=np.uint8):
    frame_bytes = int(np.prod(frame_shape)) * np.dtype(frame_dtype).itemsize
    return capacity * (frame_bytes + 1 + 8 + 1 + 1)
