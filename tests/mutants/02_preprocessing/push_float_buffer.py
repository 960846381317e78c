"""push_frame fills a new stack made with np.zeros(stack.shape), whose dtype defaults to float64: the frames
are right, but a uint8 stack comes back as float64 (8 times the memory, and not the dtype the
environment's observations have)."""

CAUGHT_BY = ["test_push_frame"]


def push_frame(stack, frame):
    new_stack = np.zeros(stack.shape)
    new_stack[:-1] = stack[1:]
    new_stack[-1] = frame
    return new_stack
