"""reset_stack gives the frame its leading axis by setting frame.shape in place before repeating it: the
stack is right, but the caller's frame is now (1, H, W), and the next push or resize of it fails."""

CAUGHT_BY = ["test_reset_stack"]


def reset_stack(frame, history_length=4):
    frame.shape = (1, *frame.shape)
    return np.repeat(frame, history_length, axis=0)
