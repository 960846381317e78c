"""mse_loss squares the TD errors in place (`td_error **= 2`, the numpy habit): the loss and its gradient
are right, but the caller's TD errors are now their squares, so the priorities, statistics or logs made
from them afterwards are wrong."""

CAUGHT_BY = ["test_mse_loss"]


def mse_loss(td_error):
    td_error **= 2
    return (0.5 * td_error).mean()
