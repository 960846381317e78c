"""clipped_error_gradient returns the gradient of the clipped loss min(0.5 d^2, 0.5): -d inside [-1, 1] and
0 outside. The large errors, the ones error clipping was meant to tame, get no gradient at all."""

CAUGHT_BY = ["test_clipped_error_gradient"]


def clipped_error_gradient(td_error):
    d = td_error.detach()
    return torch.where(d.abs() <= 1.0, -d, torch.zeros_like(d))
