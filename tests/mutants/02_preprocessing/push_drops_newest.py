"""push_frame keeps stack[:-1] instead of stack[1:]: it throws away the newest frame and keeps the
oldest, so the stack holds a frame from the start of the game forever."""

CAUGHT_BY = ["test_push_frame"]


def push_frame(stack, frame):
    return np.concatenate([stack[:-1], frame[np.newaxis]], axis=0)
