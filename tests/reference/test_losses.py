"""Losses: Huber equals torch's huber_loss (threshold delta = 1) and its gradient is the clipped TD error."""

import torch
import torch.nn.functional as F

from dqn_tutorial import losses
from dqn_tutorial.losses import LOSSES, clipped_error_gradient, huber_loss, mse_loss


def test_huber_matches_torch_values():
    torch.manual_seed(0)
    q = torch.randn(1000) * 3
    y = torch.randn(1000) * 3
    torch.testing.assert_close(huber_loss(y - q), F.huber_loss(q, y, delta=1.0))
    torch.testing.assert_close(huber_loss(y - q, delta=2.0), F.huber_loss(q, y, delta=2.0))


def test_huber_gradient_is_clipped_td_error():
    torch.manual_seed(1)
    q = (torch.randn(500) * 4).requires_grad_()
    y = torch.randn(500) * 4
    huber_loss(y - q).backward()
    expected = -torch.clamp(y - q.detach(), -1.0, 1.0) / q.numel()
    torch.testing.assert_close(q.grad, expected)
    assert q.grad.abs().max() <= 1.0 / q.numel() + 1e-9


def test_mse_gradient_is_unclipped_td_error():
    q = torch.tensor([0.0, 0.0, 0.0], requires_grad=True)
    y = torch.tensor([5.0, -0.5, 0.0])
    mse_loss(y - q).backward()
    torch.testing.assert_close(q.grad, -(y - q.detach()) / 3)


def test_clipping_the_loss_is_not_the_same():
    """Clipping the loss (not the error) zeroes the gradient of large errors: the trap Chapter 11 shows."""
    q = torch.tensor([0.0], requires_grad=True)
    y = torch.tensor([10.0])
    torch.clamp(0.5 * (y - q) ** 2, max=1.0).sum().backward()
    assert q.grad.item() == 0.0
    q.grad = None
    huber_loss(y - q).backward()
    assert q.grad.item() == -1.0


def test_clipped_error_gradient_is_autograd_of_the_summed_huber_loss():
    torch.manual_seed(2)
    q = (torch.randn(200) * 3).requires_grad_()
    y = torch.randn(200) * 3
    td = y - q
    (huber_loss(td) * td.numel()).backward()
    by_hand = clipped_error_gradient(td)
    torch.testing.assert_close(by_hand, q.grad)
    assert not by_hand.requires_grad


def test_the_agent_s_loss_table_calls_the_module_functions(monkeypatch):
    """update.dqn_loss calls LOSSES[name]; replacing mse_loss / huber_loss in this module (what `--impl` does
    with the learner's functions) must change what it runs."""
    calls = []
    monkeypatch.setattr(losses, "mse_loss", lambda td_error: calls.append("mse") or mse_loss(td_error))
    monkeypatch.setattr(
        losses, "huber_loss", lambda td_error, delta=1.0: calls.append(("huber", delta)) or huber_loss(td_error, delta)
    )
    td = torch.tensor([0.5, -3.0])
    assert LOSSES["mse"](td) == mse_loss(td)
    assert LOSSES["huber"](td) == huber_loss(td)
    assert calls == ["mse", ("huber", 1.0)]
