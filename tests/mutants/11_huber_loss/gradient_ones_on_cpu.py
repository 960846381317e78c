"""clipped_error_gradient clips with torch.min and torch.max against torch.ones(td_error.shape): right on
the CPU, but the tensors of ones are always made on the CPU, so on a GPU it fails (a tensor on cuda:0 and
one on cpu)."""

CAUGHT_BY = ["test_clipped_error_gradient"]


def clipped_error_gradient(td_error):
    d = td_error.detach()
    ones = torch.ones(d.shape, dtype=d.dtype)
    return -torch.max(torch.min(d, ones), -ones)
