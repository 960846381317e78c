"""clipped_error_gradient clamps the detached TD error in place (`td_error.detach().clamp_(-1, 1)`):
detach() shares the memory of the caller's tensor, so the caller's TD errors are clipped too."""

CAUGHT_BY = ["test_clipped_error_gradient"]


def clipped_error_gradient(td_error):
    return -td_error.detach().clamp_(-1.0, 1.0)
