"""memory_bytes counts a whole stack of 4 frames per transition, as a memory that stores each
observation whole would need (about 28 GB at 1M instead of 7 GB): the layout of this chapter stores
each frame once and rebuilds the stacks when sampling."""

CAUGHT_BY = ["test_memory_bytes"]


def memory_bytes(capacity, frame_shape=(84, 84), frame_dtype=np.uint8):
    frame_bytes = int(np.prod(frame_shape)) * np.dtype(frame_dtype).itemsize
    return capacity * (4 * frame_bytes + 1 + 4 + 1 + 1)
