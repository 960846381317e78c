"""huber_loss takes the absolute value with the in-place `td_error.abs_()` (one underscore too many): the
loss and its gradient are right, since d^2 = |d|^2, but the caller's TD errors have all become positive."""

CAUGHT_BY = ["test_huber_loss"]


def huber_loss(td_error, delta=1.0):
    absolute = td_error.abs_()
    quadratic = 0.5 * absolute**2
    linear = delta * (absolute - 0.5 * delta)
    return torch.where(absolute <= delta, quadratic, linear).mean()
