"""conv_macs multiplies by the kernel size once instead of kernel x kernel (a 1-D habit): an 8x8 kernel
counts as 8 weights per channel instead of 64."""

CAUGHT_BY = ["test_conv_macs"]


def conv_macs(in_channels, out_channels, kernel, out_size):
    return out_size * out_size * out_channels * in_channels * kernel
