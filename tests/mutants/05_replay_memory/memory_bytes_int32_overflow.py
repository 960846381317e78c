"""memory_bytes keeps the sizes in 32-bit numpy integers (np.prod(frame_shape, dtype=np.int32), as numpy
did by default on Windows before numpy 2): 7,063 bytes times a million transitions is more than an int32
holds (2,147,483,647), so the count silently wraps around, here to a negative number of bytes."""

CAUGHT_BY = ["test_memory_bytes"]


def memory_bytes(capacity, frame_shape=(84, 84), frame_dtype=np.uint8):
    frame_bytes = np.prod(frame_shape, dtype=np.int32) * np.int32(np.dtype(frame_dtype).itemsize)
    return capacity * (frame_bytes + 1 + 4 + 1 + 1)
