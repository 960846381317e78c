"""clipped_error_gradient divides by the number of elements, as autograd does for a mean loss: the contract
asks for the gradient of the summed loss, the per-transition clipped error of the paper."""

CAUGHT_BY = ["test_clipped_error_gradient"]


def clipped_error_gradient(td_error):
    d = td_error.detach()
    return -torch.clamp(d, -1.0, 1.0) / d.numel()
