"""huber_loss sums over the batch where the mean is asked: values and gradients are batch-size times
too large (32 with the papers' minibatch), an invisible change of learning rate."""

CAUGHT_BY = ["test_huber_loss"]


def huber_loss(td_error, delta=1.0):
    absolute = td_error.abs()
    quadratic = 0.5 * td_error**2
    linear = delta * (absolute - 0.5 * delta)
    return torch.where(absolute <= delta, quadratic, linear).sum()
