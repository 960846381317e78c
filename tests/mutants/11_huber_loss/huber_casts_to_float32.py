"""huber_loss converts the TD errors to float32 first (`td_error.float()`): the value is right for float32
errors, but a float64 TD error gives a float32 loss, not one of its own dtype."""

CAUGHT_BY = ["test_huber_loss"]


def huber_loss(td_error, delta=1.0):
    td_error = td_error.float()
    absolute = td_error.abs()
    return torch.where(absolute <= delta, 0.5 * td_error**2, delta * (absolute - 0.5 * delta)).mean()
