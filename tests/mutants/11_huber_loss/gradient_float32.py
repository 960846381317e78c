"""clipped_error_gradient returns float32 whatever the dtype of the TD error (`.float()`, "gradients are
float32"): the values are right for float32 errors, but a float64 TD error gets a float32 gradient."""

CAUGHT_BY = ["test_clipped_error_gradient"]


def clipped_error_gradient(td_error):
    return -torch.clamp(td_error.detach(), -1.0, 1.0).float()
