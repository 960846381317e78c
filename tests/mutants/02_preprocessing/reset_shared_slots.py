"""reset_stack makes one copy of the frame and repeats it with a zero stride (np.lib.stride_tricks): it is
not the caller's frame, but every slot is the same memory, so writing the next frame into one slot
writes it into all of them."""

CAUGHT_BY = ["test_reset_stack"]


def reset_stack(frame, history_length=4):
    copy = frame.copy()
    return np.lib.stride_tricks.as_strided(copy, shape=(history_length, *frame.shape), strides=(0, *copy.strides))
