"""linear_epsilon uses integer division (step // duration): the fraction is 0 until the very end, so
epsilon stays at `start` for the whole annealing period and then drops to `end` in one step."""

CAUGHT_BY = ["test_linear_epsilon"]


def linear_epsilon(step, start=1.0, end=0.1, duration=1_000_000):
    fraction = min(step // duration, 1)
    return start + fraction * (end - start)
