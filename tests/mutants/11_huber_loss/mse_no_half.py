"""mse_loss leaves out the factor 0.5 (torch's F.mse_loss convention): the loss and its gradient are
twice the chapter's, so Q(s, a) receives -2d / N instead of -d / N (d the TD error) and the quadratic part of
the Huber loss no longer equals this loss near zero."""

CAUGHT_BY = ["test_mse_loss"]


def mse_loss(td_error):
    return (td_error**2).mean()
