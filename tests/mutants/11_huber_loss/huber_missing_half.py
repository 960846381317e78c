"""huber_loss writes the quadratic piece as d^2 instead of 0.5 d^2: the two pieces no longer meet at
|d| = delta (1 against 0.5 for delta = 1), and near zero the gradient is twice the error."""

CAUGHT_BY = ["test_huber_loss"]


def huber_loss(td_error, delta=1.0):
    absolute = td_error.abs()
    return torch.where(absolute <= delta, td_error**2, delta * (absolute - 0.5 * delta)).mean()
