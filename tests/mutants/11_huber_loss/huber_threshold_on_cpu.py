"""huber_loss writes the chapter's second form, q = min(|d|, delta), with torch.minimum against
torch.full(td_error.shape, delta): right on the CPU, but the tensor of deltas is always made on the CPU,
so on a GPU the loss fails (a tensor on cuda:0 and one on cpu)."""

CAUGHT_BY = ["test_huber_loss"]


def huber_loss(td_error, delta=1.0):
    absolute = td_error.abs()
    q = torch.minimum(absolute, torch.full(td_error.shape, delta, dtype=td_error.dtype))
    return (0.5 * q**2 + delta * (absolute - q)).mean()
