"""Grader for Chapter 11 (the Huber loss): compares chapters/11_huber_loss/exercises.py with dqn_tutorial.losses.

Run it with `pytest -k ch11`; `pytest --impl=solutions -k ch11` grades the answers instead.

Besides the values and the gradients (against the reference, itself checked against torch's own losses
and autograd), each exercise is run on TD errors that live on the meta device (shape and dtype, no values:
the stand-in for a GPU on this CPU-only machine), and on CUDA when there is one, and the TD error given
must be left as it was.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from checks import INCONCLUSIVE, assert_inputs_unchanged_for, assert_same_device, call_on_device
from dqn_tutorial import losses as reference
from grading import assert_matches, assert_type, call, exercise, fail

SEED = 11


def td_error_cases(deltas=(1.0,)):
    """(td_error, delta, description), `delta` the Huber threshold (kappa).

    Edges first (zero, exactly +-delta, just inside and outside, huge errors, a batch of one, float64,
    a 2-D batch), then random batches of several scales."""
    generator = torch.Generator().manual_seed(SEED)
    cases = []
    for delta in deltas:
        edges = torch.tensor(
            [
                0.0,
                delta,
                -delta,
                delta - 1e-3,
                -delta + 1e-3,
                delta + 1e-3,
                -delta - 1e-3,
                0.5 * delta,
                -0.5 * delta,
                3 * delta,
                -3 * delta,
                1000.0,
                -1000.0,
            ]
        )
        cases.append(
            (
                edges,
                delta,
                f"delta={delta}: 0, exactly +-delta, just inside and just outside +-delta, "
                f"+-0.5 delta, +-3 delta, +-1000 (float32, shape {tuple(edges.shape)})",
            )
        )
        cases.append((torch.tensor([0.25 * delta]), delta, f"delta={delta}: a batch of one small error (0.25 delta)"))
        cases.append(
            (torch.tensor([-7.0 * delta]), delta, f"delta={delta}: a batch of one large negative error (-7 delta)")
        )
        for scale in [0.3, 1.0, 5.0, 50.0]:
            values = torch.randn(32, generator=generator) * scale * delta
            cases.append((values, delta, f"delta={delta}: 32 random normal errors of scale {scale} x delta (float32)"))
    values = torch.randn(64, generator=generator, dtype=torch.float64) * 3
    cases.append((values, deltas[0], f"delta={deltas[0]}: 64 random errors of scale 3, float64"))
    values = torch.randn(4, 8, generator=generator) * 2
    cases.append((values, deltas[0], f"delta={deltas[0]}: a 2-D batch of shape (4, 8), scale 2"))
    return cases


# ------------------------------------------------------------------------------------------------
# Naming the mistake: the values and gradients of the usual wrong losses, written out in numpy
# ------------------------------------------------------------------------------------------------


def wrong_loss_values(d: np.ndarray, delta: float) -> dict[str, tuple[float, str]]:
    """name -> (value of a mistaken loss on the TD errors d, what the mistake is), in float64."""
    a, clipped = np.abs(d), np.clip(d, -delta, delta)
    huber = np.where(a <= delta, 0.5 * d**2, delta * (a - 0.5 * delta))
    one = np.where(a <= 1.0, 0.5 * d**2, a - 0.5)
    return {
        "sum": (float(huber.sum()), "the loss is summed over the batch: it must be the MEAN over all elements"),
        "mse sum": (
            float((0.5 * d**2).sum()),
            "the loss is summed over the batch: it must be the MEAN over all elements",
        ),
        "no half": (float((d**2).mean()), "the factor 0.5 is missing from 0.5 * d^2"),
        "huber no half": (
            float(np.where(a <= delta, d**2, delta * (a - 0.5 * delta)).mean()),
            "the quadratic piece is d^2: it is 0.5 * d^2, so that the two pieces meet at |d| = delta",
        ),
        "clipped loss": (
            float(np.minimum(0.5 * d**2, 0.5 * delta**2).mean()),
            "the loss is flat beyond delta: the LOSS was clipped (min(0.5 d^2, 0.5 delta^2)), or the "
            "error clipped before squaring, which is the same. Large errors then get no gradient at "
            "all. The clipping is the gradient's: beyond delta the loss keeps growing, linearly",
        ),
        "mse clipped": (
            float((0.5 * clipped**2).mean()),
            "the TD errors were clipped: the 2013 loss squares every error as it is (clipping is the "
            "Nature paper's, Exercise 11.2), and clipped errors beyond 1 send no gradient at all",
        ),
        "no offset": (
            float(np.where(a <= delta, 0.5 * d**2, delta * a).mean()),
            "the linear piece is delta * |d|: without its -0.5 * delta^2 offset the two pieces do not meet "
            "at |d| = delta",
        ),
        "delta 1": (float(one.mean()), "the threshold used is 1, not the `delta` argument"),
        "mse": (
            float((0.5 * d**2).mean()),
            "the errors beyond delta are squared too: that is the 2013 loss, with no clipping",
        ),
    }


def diagnose_value(got, expected: float, d: np.ndarray, delta: float, names: list[str]) -> str | None:
    """The mistake whose value the learner's loss has, in words (None if none of `names` fits)."""
    if not isinstance(got, torch.Tensor) or got.numel() != 1:
        return None
    value = float(got.detach().cpu().reshape(()))
    for name in names:
        candidate, words = wrong_loss_values(d, delta)[name]
        if not np.isclose(candidate, expected, rtol=1e-5, atol=1e-6) and np.isclose(
            value, candidate, rtol=1e-4, atol=1e-5
        ):
            return words
    return None


def diagnose_gradient(grad: torch.Tensor, d: np.ndarray, delta: float | None) -> str | None:
    """What is wrong with the gradient that reached Q(s, a), for a gradient of the right shape."""
    g = grad.detach().cpu().numpy().astype(np.float64) * d.size  # per element, undo the mean
    large = np.abs(d) > (delta if delta is not None else np.inf)
    if large.any() and np.allclose(g[large], 0.0) and not np.allclose(d[large], 0.0):
        return (
            "the errors beyond delta send no gradient to Q(s, a): the clipping has gone into the value (a clamp "
            "or a min with zero gradient outside). Beyond delta the gradient must stay +-delta / N, so that "
            "large errors are still corrected"
        )
    if np.allclose(g, -d, rtol=1e-4, atol=1e-6) and large.any():
        return "the gradient is -d / N for every error, large ones included: nothing was clipped"
    if np.allclose(g, d, rtol=1e-4, atol=1e-6) or (delta and np.allclose(g, np.clip(d, -delta, delta))):
        return "the gradient has the wrong sign: the loss must be a function of y - Q, so it pulls Q towards y"
    return None


# ------------------------------------------------------------------------------------------------
# The checks shared by the two losses
# ------------------------------------------------------------------------------------------------


def check_loss(ex, name, reference_loss, with_delta, cases, hint_values, hint_grad, value_mistakes):
    """Values and gradients of the learner's loss against the reference, the TD error being y - Q; the TD
    error given must be left unchanged."""
    for td_error, delta, inputs in cases:
        targets = td_error.detach().clone()
        # expected: value, and the gradient with respect to Q (Q = 0 here, so that y - Q = td_error)
        q_reference = torch.zeros_like(td_error, requires_grad=True)
        args = (delta,) if with_delta else ()
        expected = reference_loss(targets - q_reference, *args)
        expected.backward()
        q = torch.zeros_like(td_error, requires_grad=True)
        given = targets - q
        before = given.detach().clone()
        described = inputs + ", passed as y - Q with Q requiring grad"
        got = call(ex, name, given, *args, inputs=described)
        assert_inputs_unchanged_for(name, described, td_error=(before, given))
        d = targets.double().numpy()
        diagnosis = None
        if not (
            isinstance(got, torch.Tensor)
            and got.shape == expected.shape
            and got.dtype == expected.dtype
            and torch.allclose(got.detach().double(), expected.detach().double(), atol=1e-5, rtol=1e-5)
        ):
            diagnosis = diagnose_value(got, float(expected.detach()), d, delta, value_mistakes)
        assert_matches(
            got, expected, what=f"{name} value", inputs=inputs, atol=1e-5, rtol=1e-5, hint=diagnosis or hint_values
        )
        got.backward()
        if q.grad is None:
            fail(
                f"{name}: no gradient reached Q(s, a)",
                inputs=inputs,
                hint="build the loss from the tensor you were given with torch operations (no .item(), numpy or "
                "detach), so that backward() reaches the network",
            )
        if q.grad.shape == q_reference.grad.shape and not torch.allclose(
            q.grad, q_reference.grad, atol=1e-6, rtol=1e-5
        ):
            hint_grad = diagnose_gradient(q.grad, d, delta if with_delta else None) or hint_grad
        assert_matches(
            q.grad,
            q_reference.grad,
            what=f"gradient of {name} with respect to Q(s, a)",
            inputs=inputs,
            atol=1e-6,
            rtol=1e-5,
            hint=hint_grad,
        )
    check_devices(ex, name, reference_loss, (1.5,) if with_delta else (), shape_out=())


def check_devices(ex, name, reference_function, args, shape_out):
    """TD errors on the meta device (no values: shape, dtype and device only) and on CUDA when there is one."""
    for dtype, shape in [(torch.float32, (32,)), (torch.float64, (4, 8))]:
        td_error = torch.empty(shape, dtype=dtype, device="meta")
        inputs = (
            f"a TD error {tuple(shape)} {str(dtype).replace('torch.', '')} on the meta device (a tensor with a "
            f"shape and a dtype but no values: the stand-in for a GPU on this CPU-only machine)"
        )
        got = call_on_device(ex, name, td_error, *args, device="meta", inputs=inputs)
        if got is INCONCLUSIVE:  # boolean masks: right, but the meta device cannot run them
            continue
        assert_type(got, torch.Tensor, what=name, inputs=inputs, hint="return a tensor, on the device of td_error")
        assert_same_device(name, got, td_error.device)
        expected_shape = shape if shape_out is None else shape_out
        if tuple(got.shape) != tuple(expected_shape) or got.dtype != dtype:
            fail(
                f"{name} returned a {str(got.dtype).replace('torch.', '')} tensor of shape {tuple(got.shape)}",
                inputs=inputs,
                expected=f"{str(dtype).replace('torch.', '')}, shape {tuple(expected_shape)}",
                got=f"{str(got.dtype).replace('torch.', '')}, shape {tuple(got.shape)}",
                hint="keep the dtype of td_error (no .float(), no float32 constants of your own making)",
            )
    if torch.cuda.is_available():
        td_error = torch.linspace(-5, 5, 33, device="cuda")
        inputs = "33 TD errors from -5 to 5 on CUDA"
        expected = reference_function(td_error.clone(), *args)
        got = call(ex, name, td_error.clone(), *args, inputs=inputs)
        assert_same_device(name, got, td_error.device)
        assert_matches(got, expected, what=name, inputs=inputs, atol=1e-5, rtol=1e-5, check_grad=False)


@exercise("11.1", "Mean squared TD error (2013)")
def test_mse_loss(ex):
    # the grader's own setup: the reference is half of torch's mean squared error
    for td_error, _, _ in td_error_cases():
        torch.testing.assert_close(reference.mse_loss(td_error), 0.5 * F.mse_loss(torch.zeros_like(td_error), td_error))
    check_loss(
        ex,
        "mse_loss",
        reference.mse_loss,
        False,
        td_error_cases(),
        hint_values="the loss is the MEAN over all elements of 0.5 * d^2 (the 0.5 included), d the TD error; "
        "a scalar tensor of shape () in the dtype of td_error",
        hint_grad="with 0.5 * d^2 averaged over N elements, each Q(s, a) receives -d / N",
        value_mistakes=["mse sum", "no half", "mse clipped"],
    )


@exercise("11.2", "Huber loss")
def test_huber_loss(ex):
    cases = td_error_cases(deltas=(1.0, 2.0, 0.5))
    # the grader's own setup: the reference is torch's huber_loss
    for td_error, delta, _ in cases:
        torch.testing.assert_close(
            reference.huber_loss(td_error, delta), F.huber_loss(torch.zeros_like(td_error), td_error, delta=delta)
        )
    check_loss(
        ex,
        "huber_loss",
        reference.huber_loss,
        True,
        cases,
        hint_values="per element 0.5 * d^2 for |d| <= delta and delta * (|d| - 0.5 * delta) beyond, so the two "
        "pieces meet at |d| = delta; then the mean over all elements; use the `delta` argument",
        hint_grad="the gradient with respect to Q(s, a) is -d / N inside [-delta, delta] and -delta * sign(d) / N "
        "outside: large errors keep a constant pull, they are not switched off",
        value_mistakes=["clipped loss", "no offset", "huber no half", "sum", "delta 1", "mse"],
    )


GRADIENT_MISTAKES = [
    (lambda d: -d, "the gradient is not clipped: -d is the gradient of 0.5 d^2 (the 2013 loss), unbounded"),
    (
        lambda d: np.where(np.abs(d) <= 1, -d, 0.0),
        "the errors beyond 1 get a zero gradient: that is the gradient of the clipped LOSS min(0.5 d^2, 0.5); the "
        "paper clips the gradient, so large errors keep a pull of size 1",
    ),
    (lambda d: np.clip(d, -1, 1), "the sign is wrong: Q enters the TD error y - Q with a minus"),
    (
        lambda d: -np.clip(d, -1, 1) / d.size,
        "the gradient is divided by the number of elements: that is the "
        "gradient of the MEAN loss; the contract asks for the summed loss",
    ),
]


@exercise("11.3", "Error clipping as a gradient")
def test_clipped_error_gradient(ex):
    for td_error, _, inputs in td_error_cases():
        # expected: autograd of the summed Huber loss (delta = 1) with respect to Q, with y - Q = td_error
        q = torch.zeros_like(td_error, requires_grad=True)
        (reference.huber_loss(td_error - q) * td_error.numel()).backward()
        expected = q.grad
        # the grader's own setup: the reference's closed form equals autograd
        torch.testing.assert_close(reference.clipped_error_gradient(td_error), expected, atol=1e-6, rtol=1e-5)
        given = td_error.clone()
        got = call(ex, "clipped_error_gradient", given, inputs=inputs)
        assert_inputs_unchanged_for("clipped_error_gradient", inputs, td_error=(td_error, given))
        hint = (
            "dL/dQ for L = sum of huber(y - Q): the TD error clipped to [-1, 1], with the sign that Q's minus "
            "gives it; one value per element, not divided by the batch size"
        )
        if (
            isinstance(got, torch.Tensor)
            and got.shape == expected.shape
            and not torch.allclose(got.detach().double(), expected.double(), atol=1e-6, rtol=1e-5)
        ):
            d = td_error.double().numpy()
            for mistake, words in GRADIENT_MISTAKES:
                candidate = mistake(d)
                if not np.allclose(candidate, expected.double().numpy()) and np.allclose(
                    got.detach().double().numpy(), candidate, atol=1e-6, rtol=1e-5
                ):
                    hint = words
                    break
        assert_matches(got, expected, what="clipped_error_gradient", inputs=inputs, atol=1e-6, rtol=1e-5, hint=hint)
    # a TD error that is part of a graph: the gradient is a plain value, not a new node of that graph
    q = torch.randn(32, generator=torch.Generator().manual_seed(SEED), requires_grad=True)
    td_error = 3 * torch.ones(32) - q
    inputs = "a TD error y - Q of shape (32,) that is part of an autograd graph (Q requires grad)"
    q_reference = torch.zeros(32, requires_grad=True)
    (reference.huber_loss(td_error.detach() - q_reference) * 32).backward()
    expected = q_reference.grad
    before = td_error.detach().clone()
    got = call(ex, "clipped_error_gradient", td_error, inputs=inputs)
    assert_inputs_unchanged_for("clipped_error_gradient", inputs, td_error=(before, td_error))
    assert_matches(
        got,
        expected,
        what="clipped_error_gradient",
        inputs=inputs,
        atol=1e-6,
        rtol=1e-5,
        hint="the result is a gradient value, outside any graph: detach the TD error, or compute it "
        "inside torch.no_grad()",
    )
    check_devices(ex, "clipped_error_gradient", reference.clipped_error_gradient, (), shape_out=None)
