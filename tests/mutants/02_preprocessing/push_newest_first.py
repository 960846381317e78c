"""push_frame puts the new frame first and drops the last one (the newest-first order): the network
then sees time running backwards compared with the stacks of the environment."""

CAUGHT_BY = ["test_push_frame"]


def push_frame(stack, frame):
    return np.concatenate([frame[np.newaxis], stack[:-1]], axis=0)
