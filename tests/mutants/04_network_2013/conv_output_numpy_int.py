"""conv_output_size computes the width with numpy (np.floor_divide): the value is right, but it is a
numpy.int64, not the Python int the contract asks for; numpy integers then leak into layer sizes and
checkpoint metadata (json.dumps refuses them)."""

CAUGHT_BY = ["test_conv_output_size"]


def conv_output_size(size, kernel, stride):
    import numpy as np

    return np.floor_divide(size - kernel, stride) + 1
