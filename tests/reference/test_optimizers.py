"""DeepMind's RMSProp: the constant goes inside the square root (unlike torch's centred RMSprop), and its
floor is sized for a summed minibatch gradient (tests/reference/test_deepmind_update.py checks the whole update)."""

import pytest
import torch

from dqn_tutorial.errors import UserError
from dqn_tutorial.optimizers import DeepMindRMSprop, make_optimizer


def test_matches_deepmind_update_rule_on_a_summed_gradient():
    torch.manual_seed(0)
    w = torch.randn(10, requires_grad=True)
    optimizer = DeepMindRMSprop([w], lr=0.1, batch_size=1)  # batch_size=1: the gradient is already a sum
    manual_w, g, g2 = w.detach().clone(), torch.zeros(10), torch.zeros(10)
    for _ in range(5):
        grad = torch.randn(10)
        w.grad = grad.clone()
        optimizer.step()
        g = 0.95 * g + 0.05 * grad
        g2 = 0.95 * g2 + 0.05 * grad**2
        manual_w = manual_w - 0.1 * grad / torch.sqrt(g2 - g**2 + 0.01)
        torch.testing.assert_close(w.detach(), manual_w)


@pytest.mark.parametrize("batch_size", [2, 32, 128])
def test_mean_gradient_with_batch_size_takes_the_summed_step(batch_size):
    """Gradient / B with floor 0.01 / B^2 is the same step as the summed gradient with floor 0.01."""
    torch.manual_seed(1)
    start = torch.randn(20, dtype=torch.float64)
    summed = start.clone().requires_grad_()
    mean = start.clone().requires_grad_()
    on_sum = DeepMindRMSprop([summed], lr=0.01, batch_size=1)
    on_mean = DeepMindRMSprop([mean], lr=0.01, batch_size=batch_size)
    for _ in range(6):
        grad = torch.randn(20, dtype=torch.float64) * 0.05  # small gradients: where the floor matters most
        summed.grad, mean.grad = grad.clone(), grad / batch_size
        on_sum.step()
        on_mean.step()
    torch.testing.assert_close(mean.detach(), summed.detach())


def test_batch_size_is_required_and_checked():
    w = [torch.zeros(1, requires_grad=True)]
    with pytest.raises(TypeError):
        DeepMindRMSprop(w, lr=1e-3)  # no default: a forgotten batch size would take a 20x smaller step
    for bad in (0, -4, 2.5, True):
        with pytest.raises(UserError, match="batch_size"):
            DeepMindRMSprop(w, lr=1e-3, batch_size=bad)


def test_differs_from_torch_centred_rmsprop():
    torch.manual_seed(0)
    a = torch.randn(10, requires_grad=True)
    b = a.detach().clone().requires_grad_()
    ours = DeepMindRMSprop([a], lr=0.1, batch_size=1)
    theirs = torch.optim.RMSprop([b], lr=0.1, alpha=0.95, eps=0.01, centered=True)
    grad = torch.randn(10)
    a.grad, b.grad = grad.clone(), grad.clone()
    ours.step()
    theirs.step()
    assert not torch.allclose(a, b)


def test_make_optimizer_names_and_the_floor_for_the_batch():
    w = [torch.zeros(1, requires_grad=True)]
    rmsprop = make_optimizer("rmsprop", w, 2.5e-4, 32)
    assert isinstance(rmsprop, DeepMindRMSprop)
    assert rmsprop.param_groups[0]["min_squared_gradient"] == pytest.approx(0.01 / 32**2)
    assert isinstance(make_optimizer("adam", w, 1e-4, 32), torch.optim.Adam)
    with pytest.raises(UserError, match="optimizer"):
        make_optimizer("sgd", w, 1e-4, 32)


def test_adam_epsilon_reaches_adam():
    w = [torch.zeros(1, requires_grad=True)]
    assert make_optimizer("adam", w, 1e-4, 32).param_groups[0]["eps"] == 1.5e-4
    assert make_optimizer("adam", w, 1e-4, 32, adam_epsilon=1e-8).param_groups[0]["eps"] == 1e-8
