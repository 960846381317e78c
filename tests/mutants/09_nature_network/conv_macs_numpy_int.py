"""conv_macs multiplies the sizes with np.prod: the count is right, but it is a numpy.int64, not the
Python int the contract asks for (and np.prod on int32 inputs would overflow silently for large layers)."""

CAUGHT_BY = ["test_conv_macs"]


def conv_macs(in_channels, out_channels, kernel, out_size):
    import numpy as np

    return np.prod([out_size, out_size, out_channels, in_channels, kernel, kernel])
