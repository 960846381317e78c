"""conv_output_size uses true division: (size - kernel) / stride + 1 gives a float, and a fractional one
(9.75 for a 43-pixel input, kernel 8, stride 4) where the kernel does not fit a whole number of times."""

CAUGHT_BY = ["test_conv_output_size"]


def conv_output_size(size, kernel, stride):
    return (size - kernel) / stride + 1
