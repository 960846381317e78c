"""push_frame appends the new frame but forgets to drop the oldest: the stack grows by one frame at
every step."""

CAUGHT_BY = ["test_push_frame"]


def push_frame(stack, frame):
    return np.concatenate([stack, frame[np.newaxis]], axis=0)
