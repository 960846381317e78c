"""conv_output_size uses true division, (size - kernel) / stride + 1: it returns 20.0 (a float) for
84, 8, 4, which nn.Linear(32 * 9.0 * 9.0, ...) rejects, and 20.25 when the window does not fit a
whole number of times."""

CAUGHT_BY = ["test_conv_output_size"]


def conv_output_size(size, kernel, stride):
    return (size - kernel) / stride + 1
