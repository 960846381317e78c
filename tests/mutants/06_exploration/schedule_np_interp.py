"""linear_epsilon uses np.interp between (0, start) and (duration, end), which also stops at `end`: the values
are right, but np.interp returns a numpy.float64, not the Python float the contract asks for."""

CAUGHT_BY = ["test_linear_epsilon"]


def linear_epsilon(step, start=1.0, end=0.1, duration=1_000_000):
    return np.interp(step, [0, duration], [start, end])
