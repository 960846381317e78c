"""mse_loss clips the TD errors to [-1, 1] before squaring, mixing the Nature paper's error clipping into
the 2013 loss: errors beyond 1 send no gradient at all, which is neither the 2013 loss nor the Huber loss."""

CAUGHT_BY = ["test_mse_loss"]


def mse_loss(td_error):
    return (0.5 * td_error.clamp(-1.0, 1.0) ** 2).mean()
