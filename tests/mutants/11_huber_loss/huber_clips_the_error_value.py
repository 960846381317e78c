"""huber_loss clips the TD error itself and squares it: 0.5 * clamp(d, -delta, delta)^2. The clamp has a
zero gradient outside [-delta, delta], so errors larger than delta stop contributing any gradient,
the same trap as clipping the loss (the clipping belongs to the gradient, not to the value)."""

CAUGHT_BY = ["test_huber_loss"]


def huber_loss(td_error, delta=1.0):
    return (0.5 * torch.clamp(td_error, -delta, delta) ** 2).mean()
