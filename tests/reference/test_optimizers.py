"""DeepMind's RMSProp: the constant goes inside the square root (unlike torch's centred RMSprop)."""

import torch

from dqn_tutorial.optimizers import DeepMindRMSprop, make_optimizer


def test_matches_deepmind_update_rule():
    torch.manual_seed(0)
    w = torch.randn(10, requires_grad=True)
    optimizer = DeepMindRMSprop([w], lr=0.1, momentum=0.95, min_squared_gradient=0.01)
    manual_w, g, g2 = w.detach().clone(), torch.zeros(10), torch.zeros(10)
    for step in range(5):
        grad = torch.randn(10)
        w.grad = grad.clone()
        optimizer.step()
        g = 0.95 * g + 0.05 * grad
        g2 = 0.95 * g2 + 0.05 * grad ** 2
        manual_w = manual_w - 0.1 * grad / torch.sqrt(g2 - g ** 2 + 0.01)
        torch.testing.assert_close(w.detach(), manual_w)


def test_differs_from_torch_centred_rmsprop():
    torch.manual_seed(0)
    a = torch.randn(10, requires_grad=True)
    b = a.detach().clone().requires_grad_()
    ours = DeepMindRMSprop([a], lr=0.1)
    theirs = torch.optim.RMSprop([b], lr=0.1, alpha=0.95, eps=0.01, centered=True)
    grad = torch.randn(10)
    a.grad, b.grad = grad.clone(), grad.clone()
    ours.step()
    theirs.step()
    assert not torch.allclose(a, b)


def test_make_optimizer_names():
    w = [torch.zeros(1, requires_grad=True)]
    assert isinstance(make_optimizer("rmsprop", w, 2.5e-4), DeepMindRMSprop)
    assert isinstance(make_optimizer("adam", w, 1e-4), torch.optim.Adam)
