"""clipped_error_gradient forgets the clipping and returns -d, the gradient of 0.5 d^2 (the 2013 loss):
one outlier error of 50 pulls 50 times harder than an error of 1."""

CAUGHT_BY = ["test_clipped_error_gradient"]


def clipped_error_gradient(td_error):
    return -td_error.detach().clone()
