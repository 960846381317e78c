"""reset_stack fills np.zeros((history_length, H, W)), whose dtype defaults to float64, with the frame: the
values are right, but the first stack of every game is float64 while the next ones are uint8."""

CAUGHT_BY = ["test_reset_stack"]


def reset_stack(frame, history_length=4):
    stack = np.zeros((history_length, *frame.shape))
    stack[:] = frame
    return stack
