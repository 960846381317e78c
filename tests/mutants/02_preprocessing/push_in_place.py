"""push_frame shifts the frames inside the given array and returns it: the values are right, but the
previous stack (maybe already stored as a transition's observation) changes under the caller's feet."""

CAUGHT_BY = ["test_push_frame"]


def push_frame(stack, frame):
    stack[:-1] = stack[1:]
    stack[-1] = frame
    return stack
