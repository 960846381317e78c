"""linear_epsilon forgets to stop at the floor: after `duration` steps epsilon keeps falling, goes
negative, and the agent stops exploring altogether (it looks fine for the first million steps)."""

CAUGHT_BY = ["test_linear_epsilon"]


def linear_epsilon(step, start=1.0, end=0.1, duration=1_000_000):
    return start + (step / duration) * (end - start)
