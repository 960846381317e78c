"""lost_a_life computes the change with numpy (np.sign of the difference) and returns the comparison as
it comes: a numpy.bool_, not a Python bool. It behaves in an `if`, but `result is True` is False, and
JSON and some libraries refuse it."""

CAUGHT_BY = ["test_lost_a_life"]


def lost_a_life(previous_info, info):
    return np.sign(info["lives"] - previous_info["lives"]) < 0
