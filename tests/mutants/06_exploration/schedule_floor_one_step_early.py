"""linear_epsilon divides by duration - 1 ("steps 0 .. duration-1 make duration steps"): epsilon
reaches `end` one step early and every value on the way is a little too small."""

CAUGHT_BY = ["test_linear_epsilon"]


def linear_epsilon(step, start=1.0, end=0.1, duration=1_000_000):
    if step >= duration - 1:
        return end
    return start + (step / (duration - 1)) * (end - start)
