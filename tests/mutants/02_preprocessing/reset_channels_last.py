"""reset_stack stacks the copies along the last axis (height, width, history_length), the image
convention of TensorFlow, while PyTorch's Conv2d wants the channels first."""

CAUGHT_BY = ["test_reset_stack"]


def reset_stack(frame, history_length=4):
    return np.stack([frame] * history_length, axis=-1)
