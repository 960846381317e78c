"""conv_output_size divides the room the kernel can move by the stride but forgets to count the first
position ((size - kernel) // stride): 84 -> 19 instead of 20, and every later layer is off too."""

CAUGHT_BY = ["test_conv_output_size"]


def conv_output_size(size, kernel, stride):
    return (size - kernel) // stride
