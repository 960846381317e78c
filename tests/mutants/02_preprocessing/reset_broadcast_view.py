"""reset_stack returns np.broadcast_to(frame, ...): it looks right and costs no memory, but it is a
read-only view of the frame, and anything that writes into the stack fails."""

CAUGHT_BY = ["test_reset_stack"]


def reset_stack(frame, history_length=4):
    return np.broadcast_to(frame, (history_length, *frame.shape))
