"""linear_epsilon divides by duration + 1, a classic off-by-one: at step == duration epsilon is still a
little above `end` (1 - 0.9 * 1_000_000 / 1_000_001 = 0.1000009 with the papers' values) and it only
gets there one step late."""

CAUGHT_BY = ["test_linear_epsilon"]


def linear_epsilon(step, start=1.0, end=0.1, duration=1_000_000):
    fraction = min(step / (duration + 1), 1.0)
    return start + fraction * (end - start)
