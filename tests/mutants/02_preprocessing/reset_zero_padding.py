"""reset_stack pads with black frames and puts the first frame last (what DeepMind's replay memory does
for frames from before an episode): a valid choice, but not this project's, whose stacks repeat the
first frame."""

CAUGHT_BY = ["test_reset_stack"]


def reset_stack(frame, history_length=4):
    stack = np.zeros((history_length, *frame.shape), dtype=frame.dtype)
    stack[-1] = frame
    return stack
