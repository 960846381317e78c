"""linear_epsilon caps the fraction with min(step / duration, 1) and always computes
start + fraction * (end - start): the schedule's shape is right, but after annealing epsilon is
start + (end - start), which in floating point is not always `end` (0.09999999999999998 for 1 -> 0.1),
so a run with it explores with another epsilon than the reference's."""

CAUGHT_BY = ["test_linear_epsilon"]


def linear_epsilon(step, start=1.0, end=0.1, duration=1_000_000):
    fraction = min(step / duration, 1.0)
    return start + fraction * (end - start)
