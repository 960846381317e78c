"""conv_output_size ignores the kernel and divides the input by the stride (84 / 4 = 21): the
"same"-padding rule of other libraries, not the unpadded convolutions of the papers."""

CAUGHT_BY = ["test_conv_output_size"]


def conv_output_size(size, kernel, stride):
    return -(-size // stride)
