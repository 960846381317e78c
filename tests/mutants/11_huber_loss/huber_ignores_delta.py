"""huber_loss hard-codes the paper's delta = 1 and ignores its `delta` argument: right for the Nature
setting, wrong for every other delta."""

CAUGHT_BY = ["test_huber_loss"]


def huber_loss(td_error, delta=1.0):
    absolute = td_error.abs()
    return torch.where(absolute <= 1.0, 0.5 * td_error**2, absolute - 0.5).mean()
