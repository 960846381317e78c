"""mse_loss sums over the batch instead of averaging: the gradient grows with the batch size (32 times
larger with the papers' minibatch), which silently multiplies the learning rate by 32."""

CAUGHT_BY = ["test_mse_loss"]


def mse_loss(td_error):
    return (0.5 * td_error**2).sum()
