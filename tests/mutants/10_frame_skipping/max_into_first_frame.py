"""max_of_last_two writes the maximum into the first frame to save an allocation (np.maximum(a, b,
out=a)): the result is right, but the caller's frame is overwritten, so the frame the wrapper keeps for
the next agent step's maximum is no longer the frame the emulator showed."""

CAUGHT_BY = ["test_max_of_last_two"]


def max_of_last_two(frame_a, frame_b):
    return np.maximum(frame_a, frame_b, out=frame_a)
