"""linear_epsilon returns `end` as it was given once annealing is over: with integer arguments
(start=1, end=0) the schedule then returns the int 0 instead of the float 0.0 the contract asks for."""

CAUGHT_BY = ["test_linear_epsilon"]


def linear_epsilon(step, start=1.0, end=0.1, duration=1_000_000):
    if step >= duration:
        return end
    return start + (step / duration) * (end - start)
