"""conv_macs returns FLOPs (a multiplication and an addition counted separately) instead of
multiply-accumulates: every count is twice the asked one."""

CAUGHT_BY = ["test_conv_macs"]


def conv_macs(in_channels, out_channels, kernel, out_size):
    return 2 * out_size * out_size * out_channels * in_channels * kernel * kernel
