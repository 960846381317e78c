"""memory_bytes leaves np.prod's result as it is: the count is right, but it is a numpy.int64, not the
Python int the contract asks for (json.dumps refuses it in the run's summary, and a numpy integer has a
fixed size where a Python int never overflows)."""

CAUGHT_BY = ["test_memory_bytes"]


def memory_bytes(capacity, frame_shape=(84, 84), frame_dtype=np.uint8):
    frame_bytes = np.prod(frame_shape) * np.dtype(frame_dtype).itemsize
    return capacity * (frame_bytes + 1 + 4 + 1 + 1)
