"""conv_macs forgets that a filter spans all the input channels (kernel x kernel weights per filter
instead of in_channels x kernel x kernel): it undercounts every layer after the first by its depth."""

CAUGHT_BY = ["test_conv_macs"]


def conv_macs(in_channels, out_channels, kernel, out_size):
    return out_size * out_size * out_channels * kernel * kernel
