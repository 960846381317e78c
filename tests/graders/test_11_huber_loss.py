"""Grader for Chapter 11 (the Huber loss): compares chapters/11_huber_loss/exercises.py with dqn_tutorial.losses.

Run it with `pytest -k ch11`; `pytest --impl=solutions -k ch11` grades the answers instead.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from dqn_tutorial import losses as reference
from grading import assert_matches, call, exercise, fail

SEED = 11


def td_error_cases(deltas=(1.0,)):
    """(td_error, delta, description), `delta` the Huber threshold (kappa): edges first (zero, exactly +-delta, just inside and outside,
    huge errors, a batch of one, float64, a 2-D batch), then random batches of several scales."""
    generator = torch.Generator().manual_seed(SEED)
    cases = []
    for delta in deltas:
        edges = torch.tensor([0.0, delta, -delta, delta - 1e-3, -delta + 1e-3, delta + 1e-3, -delta - 1e-3,
                              0.5 * delta, -0.5 * delta, 3 * delta, -3 * delta, 1000.0, -1000.0])
        cases.append((edges, delta, f"delta={delta}: 0, exactly +-delta, just inside and just outside +-delta, "
                                    f"+-0.5 delta, +-3 delta, +-1000 (float32, shape {tuple(edges.shape)})"))
        cases.append((torch.tensor([0.25 * delta]), delta, f"delta={delta}: a batch of one small error (0.25 delta)"))
        cases.append((torch.tensor([-7.0 * delta]), delta, f"delta={delta}: a batch of one large negative error (-7 delta)"))
        for scale in [0.3, 1.0, 5.0]:
            values = torch.randn(32, generator=generator) * scale * delta
            cases.append((values, delta, f"delta={delta}: 32 random normal errors of scale {scale} x delta (float32)"))
    values = torch.randn(64, generator=generator, dtype=torch.float64) * 3
    cases.append((values, deltas[0], f"delta={deltas[0]}: 64 random errors of scale 3, float64"))
    values = torch.randn(4, 8, generator=generator) * 2
    cases.append((values, deltas[0], f"delta={deltas[0]}: a 2-D batch of shape (4, 8), scale 2"))
    return cases


def check_loss(ex, name, reference_loss, with_delta, cases, hint_values, hint_grad):
    """Values and gradients of the learner's loss against the reference, the TD error being y - Q."""
    for td_error, delta, inputs in cases:
        targets = td_error.detach().clone()
        # expected: value, and the gradient with respect to Q (Q = 0 here, so that y - Q = td_error)
        q_reference = torch.zeros_like(td_error, requires_grad=True)
        args = (delta,) if with_delta else ()
        expected = reference_loss(targets - q_reference, *args)
        expected.backward()
        q = torch.zeros_like(td_error, requires_grad=True)
        got = call(ex, name, targets - q, *args, inputs=inputs + ", passed as y - Q with Q requiring grad")
        assert_matches(got, expected, what=f"{name} value", inputs=inputs, atol=1e-5, rtol=1e-5, hint=hint_values)
        got.backward()
        if q.grad is None:
            fail(f"{name}: no gradient reached Q(s, a)", inputs=inputs,
                 hint="build the loss from the tensor you were given with torch operations (no .item(), numpy or "
                      "detach), so that backward() reaches the network")
        assert_matches(q.grad, q_reference.grad, what=f"gradient of {name} with respect to Q(s, a)", inputs=inputs,
                       atol=1e-6, rtol=1e-5, hint=hint_grad)


@exercise("11.1", "Mean squared TD error (2013)")
def test_mse_loss(ex):
    # the grader's own setup: the reference is half of torch's mean squared error
    for td_error, _, _ in td_error_cases():
        torch.testing.assert_close(reference.mse_loss(td_error), 0.5 * F.mse_loss(torch.zeros_like(td_error), td_error))
    check_loss(ex, "mse_loss", reference.mse_loss, False, td_error_cases(),
               hint_values="the loss is the MEAN over all elements of 0.5 * d^2 (the 0.5 included), d the TD error; "
                           "a scalar tensor of shape () in the dtype of td_error",
               hint_grad="with 0.5 * d^2 averaged over N elements, each Q(s, a) receives -d / N")


@exercise("11.2", "Huber loss")
def test_huber_loss(ex):
    cases = td_error_cases(deltas=(1.0, 2.0, 0.5))
    # the grader's own setup: the reference is torch's huber_loss
    for td_error, delta, _ in cases:
        torch.testing.assert_close(reference.huber_loss(td_error, delta),
                                   F.huber_loss(torch.zeros_like(td_error), td_error, delta=delta))
    check_loss(ex, "huber_loss", reference.huber_loss, True, cases,
               hint_values="per element 0.5 * d^2 for |d| <= delta and delta * (|d| - 0.5 * delta) beyond, so the two "
                           "pieces meet at |d| = delta; then the mean over all elements; use the `delta` argument",
               hint_grad="the gradient with respect to Q(s, a) is -d / N inside [-delta, delta] and -delta * sign(d) / N "
                         "outside: large errors keep a constant pull, they are not switched off")


@exercise("11.3", "Error clipping as a gradient")
def test_clipped_error_gradient(ex):
    for td_error, _, inputs in td_error_cases():
        # expected: autograd of the summed Huber loss (delta = 1) with respect to Q, with y - Q = td_error
        q = torch.zeros_like(td_error, requires_grad=True)
        (reference.huber_loss(td_error - q) * td_error.numel()).backward()
        expected = q.grad
        # the grader's own setup: the reference's closed form equals autograd
        torch.testing.assert_close(reference.clipped_error_gradient(td_error), expected, atol=1e-6, rtol=1e-5)
        got = call(ex, "clipped_error_gradient", td_error.clone(), inputs=inputs)
        assert_matches(got, expected, what="clipped_error_gradient", inputs=inputs, atol=1e-6, rtol=1e-5,
                       hint="dL/dQ for L = sum of huber(y - Q): the TD error clipped to [-1, 1], with the sign that "
                            "Q's minus gives it; one value per element, not divided by the batch size")
    # a TD error that is part of a graph: the gradient is a plain value, not a new node of that graph
    q = torch.randn(32, generator=torch.Generator().manual_seed(SEED), requires_grad=True)
    td_error = 3 * torch.ones(32) - q
    inputs = "a TD error y - Q of shape (32,) that is part of an autograd graph (Q requires grad)"
    q_reference = torch.zeros(32, requires_grad=True)
    (reference.huber_loss(td_error.detach() - q_reference) * 32).backward()
    expected = q_reference.grad
    got = call(ex, "clipped_error_gradient", td_error, inputs=inputs)
    assert_matches(got, expected, what="clipped_error_gradient", inputs=inputs, atol=1e-6, rtol=1e-5,
                   hint="the result is a gradient value, outside any graph: detach the TD error, or compute it "
                        "inside torch.no_grad()")
