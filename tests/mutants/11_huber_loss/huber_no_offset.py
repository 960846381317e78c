"""huber_loss writes the linear piece as delta * |d|, without the -0.5 delta^2 offset: the loss jumps by
0.5 delta^2 at |d| = delta (discontinuous), and every large error is over-counted by that amount."""

CAUGHT_BY = ["test_huber_loss"]


def huber_loss(td_error, delta=1.0):
    absolute = td_error.abs()
    return torch.where(absolute <= delta, 0.5 * td_error**2, delta * absolute).mean()
