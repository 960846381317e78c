"""receptive_field computes the spacings with np.cumprod and adds up with np.sum: the value is right, but
it is a numpy number (numpy.int64, and numpy.float64 for an empty list), not the Python int the contract
asks for."""

CAUGHT_BY = ["test_receptive_field"]


def receptive_field(layers):
    import numpy as np

    kernels = np.array([kernel for kernel, _ in layers])
    jumps = np.cumprod([1] + [stride for _, stride in layers])[:-1]
    return 1 + np.sum((kernels - 1) * jumps)
