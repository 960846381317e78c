"""mse_loss calls torch's F.mse_loss against a target of zeros made with torch.zeros(td_error.shape), and
halves it: right on the CPU, but the zeros are always made on the CPU, so on a GPU the loss fails (a
tensor on cuda:0 and one on cpu)."""

import torch.nn.functional as F

CAUGHT_BY = ["test_mse_loss"]


def mse_loss(td_error):
    return 0.5 * F.mse_loss(td_error, torch.zeros(td_error.shape, dtype=td_error.dtype))
