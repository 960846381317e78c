"""clipped_error_gradient returns the clipped TD error itself, clamp(d, -1, 1): that is the gradient with
respect to the target y (or minus the gradient with respect to Q). Followed downhill, it would push
Q(s, a) away from its target."""

CAUGHT_BY = ["test_clipped_error_gradient"]


def clipped_error_gradient(td_error):
    return torch.clamp(td_error.detach(), -1.0, 1.0)
