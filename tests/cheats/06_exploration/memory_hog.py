"""Cheat: linear_epsilon allocates 50 GB (np.ones touches every page), more than the machine has: without
a limit the machine runs out of memory and the run is killed, with no report."""

CAUGHT_BY = ["test_linear_epsilon"]
MESSAGE = "used more than 4 GB of memory"


def linear_epsilon(step, start=1.0, end=0.1, duration=1_000_000):
    import numpy as np

    hog = np.ones(50 * 2**30 // 8)
    return float(hog[0])
