"""conv_output_size rounds up when the window does not fit a whole number of times (as if the input were
padded): right for 84 -> 20 -> 9, one too many for 85, 86 or 87 with an 8x8 kernel and stride 4."""

import math

CAUGHT_BY = ["test_conv_output_size"]


def conv_output_size(size, kernel, stride):
    return math.ceil((size - kernel) / stride) + 1
