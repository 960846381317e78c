"""conv_output_size forgets the "+ 1" (it counts the moves of the window, not its positions): 84 -> 19
instead of 20, and every size after it is wrong."""

CAUGHT_BY = ["test_conv_output_size"]


def conv_output_size(size, kernel, stride):
    return (size - kernel) // stride
