"""huber_loss detaches the linear piece ("beyond delta the error is clipped, so no gradient flows"): the
values are right, but errors larger than delta send no gradient at all, the opposite of error clipping,
which keeps a gradient of size delta for them."""

CAUGHT_BY = ["test_huber_loss"]


def huber_loss(td_error, delta=1.0):
    absolute = td_error.abs()
    quadratic = 0.5 * td_error**2
    linear = (delta * (absolute - 0.5 * delta)).detach()
    return torch.where(absolute <= delta, quadratic, linear).mean()
