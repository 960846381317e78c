"""huber_loss reads "clip the error" as clipping the loss: min(0.5 d^2, 0.5). Beyond |d| = 1 the loss is
flat, so the largest errors get a zero gradient and are never corrected: the opposite of what the paper
means (it keeps a gradient of size 1 for them)."""

CAUGHT_BY = ["test_huber_loss"]


def huber_loss(td_error, delta=1.0):
    return torch.clamp(0.5 * td_error**2, max=0.5 * delta**2).mean()
