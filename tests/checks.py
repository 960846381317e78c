"""Checks shared by the graders for the classes of mistakes issue 13 lists (import: `from checks import ...`).

Each check ends in `grading.fail` with a message that names the mistake. Add a check here when two
chapters need it; keep chapter-specific checks in the chapter's grader.
"""

from __future__ import annotations

import copy
import traceback
from pathlib import Path

import numpy as np
import torch

from grading import fail


def snapshot(value):
    """A deep copy of the inputs of a call, to compare with after it (arrays, tensors, dicts, lists)."""
    if isinstance(value, torch.nn.Module):
        return {
            "state": {k: v.detach().clone() for k, v in value.state_dict().items()},
            "training": [m.training for m in value.modules()],
        }
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    return copy.deepcopy(value)


def _same(before, after) -> bool:
    if isinstance(before, torch.Tensor):
        return (
            isinstance(after, torch.Tensor)
            and before.shape == after.shape
            and bool(torch.equal(before.to("cpu"), after.detach().to("cpu")) if before.device.type != "meta" else True)
        )
    if isinstance(before, np.ndarray):
        return (
            isinstance(after, np.ndarray)
            and before.shape == after.shape
            and np.array_equal(before, after, equal_nan=True)
        )
    if isinstance(before, dict):
        return (
            isinstance(after, dict)
            and before.keys() == after.keys()
            and all(_same(before[k], after[k]) for k in before)
        )
    if isinstance(before, (list, tuple)):
        return len(before) == len(after) and all(_same(a, b) for a, b in zip(before, after))
    try:
        return bool(before == after)
    except Exception:
        return True


def assert_inputs_unchanged(function: str, **inputs_before_and_after) -> None:
    """`name=(snapshot_before, value_after)` for every input: fail if the call wrote into one of them."""
    for name, (before, after) in inputs_before_and_after.items():
        if isinstance(after, torch.nn.Module):
            now = snapshot(after)
            if now["training"] != before["training"]:
                fail(
                    f"{function} changed the mode of the network `{name}` (train/eval) and left it so",
                    hint="a function that only reads a network must leave network.training as it found it: "
                    "if you call .eval(), restore the previous mode, or use torch.no_grad() instead",
                )
            if not _same(before["state"], now["state"]):
                fail(
                    f"{function} changed the weights of the network `{name}`",
                    hint="this function must only read the network",
                )
        elif not _same(before, after):
            fail(
                f"{function} wrote into its input `{name}` (the caller's {type(after).__name__} changed)",
                hint="in-place operations (`-=`, `+=`, `clamp_`, `x[...] = ...`) on an input, or on a view of "
                "it, change the caller's data: work on a new array/tensor instead",
            )


def assert_python_type(
    function: str,
    value,
    expected: type,
    what: str = "the result",
    *,
    inputs: str | None = None,
    hint: str | None = None,
) -> None:
    """The contract says `int`/`float`/`bool`: numpy scalars (numpy.int64, numpy.bool_) are not accepted."""
    if type(value) is not expected:
        kind = (
            type(value).__name__
            if type(value).__module__ == "builtins"
            else f"{type(value).__module__}.{type(value).__name__}"
        )
        fail(
            f"{function} returned {what} as {kind}, the contract says a Python {expected.__name__}",
            inputs=inputs,
            hint=hint or f"convert with {expected.__name__}(...) before returning",
        )


def assert_same_device(function: str, result: torch.Tensor, device: torch.device) -> None:
    if isinstance(result, torch.Tensor) and result.device.type != torch.device(device).type:
        fail(
            f"{function} returned a tensor on {result.device} although its inputs are on {device}",
            hint="create new tensors on the inputs' device: torch.zeros_like(x), x.new_tensor(...), or device=x.device",
        )


def call_on_meta(function_name: str, call):
    """Run `call()` whose tensor inputs are on the meta device; turn a device mix-up into a pointed failure."""
    try:
        return call()
    except RuntimeError as error:
        text = str(error)
        if "device" in text and ("meta" in text or "Expected all tensors" in text):
            fail(
                f"{function_name} builds a tensor on the CPU whatever the device of its inputs "
                f"(PyTorch: {text.splitlines()[0][:160]})",
                hint="create new tensors on the inputs' device: torch.zeros_like(x), x.new_tensor(...), "
                "or device=x.device; on a GPU your function would fail or copy every step",
            )
        raise


def assert_deterministic(function: str, first, second) -> None:
    """Two identical calls gave different outputs: a random layer, a global RNG, or state kept between calls."""
    if not _same(first, second):
        fail(
            f"{function}'s outputs change between two identical calls",
            hint="a random layer (dropout), a global random generator, or state kept between calls?",
        )


class DeviceError:
    """What `run_catching_device_errors` returns, instead of raising, when the learner's code failed because of
    the device; `fail_on_device_error` turns it into a failure that names the mistake."""

    def __init__(self, error: BaseException):
        self.text = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        self.kind = type(error).__name__
        here = Path(__file__).resolve().parent
        frames = [
            frame
            for frame in traceback.extract_tb(error.__traceback__)
            if "site-packages" not in frame.filename and Path(frame.filename).resolve().parent != here
        ]
        self.where = (
            f"raised at {Path(frames[-1].filename).name} line {frames[-1].lineno}, in {frames[-1].name}"
            if frames
            else None
        )


def run_catching_device_errors(thunk):
    """For a runner that `grading.call` invokes (so that time limits and the sandbox apply): run `thunk()`, the
    learner's code working on the meta device (or CUDA), and return a DeviceError instead of raising when the
    error names the device: a CPU tensor mixed in (RuntimeError), a numpy round trip (TypeError "can't convert
    meta device type tensor to numpy"), a copy to the CPU (NotImplementedError "Cannot copy out of meta
    tensor", which `call` would report as "not attempted"). A failure declared from inside `call`, or caught
    and declared again, would not give the learner this message: the sandbox keeps the first one."""
    try:
        return thunk()
    except (RuntimeError, TypeError, NotImplementedError) as error:
        if "meta" in str(error) or "device" in str(error):
            return DeviceError(error)
        raise


def fail_on_device_error(what: str, result, inputs: str) -> None:
    """Fail with a message naming the mistake if `result` is a DeviceError (`what`: whose code, e.g. "ScaleFrames")."""
    if not isinstance(result, DeviceError):
        return
    got = f"PyTorch: {result.kind}: {result.text}"
    if "numpy" in result.text:
        fail(
            f"{what} goes through numpy (.numpy(), np.asarray, torch.from_numpy), which only works for "
            f"tensors in CPU memory",
            inputs=inputs,
            got=got,
            details=result.where,
            hint="stay in torch, on the device of the inputs: on a GPU this fails, or copies every batch to "
            "the CPU and back",
        )
    if "copy out of meta" in result.text:
        fail(
            f"{what} moves tensors or the network to another device (.cpu(), .to(...), .cuda())",
            inputs=inputs,
            got=got,
            details=result.where,
            hint="leave the tensors and layers on the device they were created on: the caller chooses it "
            "(network.to(device), or `with torch.device(...)`)",
        )
    fail(
        f"{what} builds a tensor on the CPU whatever the device of its inputs",
        inputs=inputs,
        got=got,
        details=result.where,
        hint="create new tensors on the inputs' device (torch.zeros_like(x), x.new_tensor(...), "
        "device=x.device); a tensor kept as a plain attribute of a module (not a parameter or "
        "buffer) does not move with network.to(device)",
    )


# --- chapters 6-8 (issue 13): input descriptions, global random state, calls on the meta device ---


def assert_inputs_unchanged_for(function: str, inputs: str, **inputs_before_and_after) -> None:
    """`assert_inputs_unchanged`, with the input case that exposed the change (`inputs`) in the message.

    (Checked here, not by catching the other's failure: under the sandbox the first failure declared is the one
    reported.)"""
    for name, (before, after) in inputs_before_and_after.items():
        if isinstance(after, torch.nn.Module):
            now = snapshot(after)
            if now["training"] != before["training"]:
                fail(
                    f"{function} changed the mode of the network `{name}` (train/eval) and left it so",
                    inputs=inputs,
                    expected=f"`{name}` in the mode it was in",
                    got="another mode after the call",
                    hint="a function that only reads a network must leave network.training as it found it: "
                    "if you call .eval(), restore the previous mode, or use torch.no_grad() instead",
                )
            if not _same(before["state"], now["state"]):
                fail(
                    f"{function} changed the weights of the network `{name}`",
                    inputs=inputs,
                    hint="this function must only read the network",
                )
        elif not _same(before, after):
            fail(
                f"{function} wrote into its input `{name}` (the caller's {type(after).__name__} changed)",
                inputs=inputs,
                hint="in-place operations (`-=`, `+=`, `clamp_`, `x[...] = ...`) on an input, or on a view of "
                "it, change the caller's data: work on a new array/tensor instead",
            )


def global_random_state() -> tuple:
    """The state of the global generators (numpy's np.random.*, Python's random, torch's): compare before/after."""
    import random

    return np.random.get_state(), random.getstate(), torch.random.get_rng_state()


def assert_global_random_untouched(function: str, before: tuple, inputs: str) -> None:
    """Fail if `function` drew from a global generator: `before` is global_random_state() before the call."""
    now = global_random_state()
    names = ["numpy's global generator (np.random.*)", "Python's random module", "torch's global generator"]
    same = [
        all(np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b for a, b in zip(before[0], now[0])),
        before[1] == now[1],
        torch.equal(before[2], now[2]),
    ]
    used = [name for name, unchanged in zip(names, same) if not unchanged]
    if used:
        fail(
            f"{function} drew random numbers from {' and '.join(used)}",
            inputs=inputs,
            expected="every random number drawn from the `rng` argument",
            got=f"the state of {used[0]} changed",
            hint="a global generator ignores the seed of the run: draw from the generator you are given",
        )


class _Inconclusive:
    """What `call_on_device` returns when the learner's code needs values the meta device does not have."""

    def __repr__(self) -> str:
        return "INCONCLUSIVE"


INCONCLUSIVE = _Inconclusive()


def call_on_device(module, name: str, *args, device, inputs: str, **kwargs):
    """`grading.call` for tensor inputs on `device` ("meta" on a CPU-only machine, where no value can be read).

    The learner's function runs inside `call` (time limits, sandbox) through `run_catching_device_errors`: a
    tensor made on the CPU and mixed with the inputs, or a value read back to the host (.item(), .cpu(),
    .numpy()), becomes a failure that names the mistake, instead of PyTorch's bare RuntimeError (or a
    NotImplementedError that would read as "not attempted").

    Returns INCONCLUSIVE (skip the device checks of this call) when the code uses an operation whose result's
    shape depends on the values, such as boolean-mask indexing (`x[mask] = ...`, torch.nonzero): correct code,
    which the meta device cannot run.
    """
    from types import SimpleNamespace

    from grading import call

    function = getattr(module, name, None)
    if function is None or not callable(function):
        return call(module, name, *args, inputs=inputs, **kwargs)  # reports the missing function

    def run(*a, **k):
        return run_catching_device_errors(lambda: function(*a, **k))

    result = call(
        SimpleNamespace(**{name: run, "__file__": getattr(module, "__file__", "exercises.py")}),
        name,
        *args,
        inputs=inputs,
        **kwargs,
    )
    if isinstance(result, DeviceError) and (
        "nonzero" in result.text or "data-dependent" in result.text or "data-independent" in result.text
    ):
        return INCONCLUSIVE
    if isinstance(result, DeviceError) and "item()" in result.text:
        fail(
            f"{name} read a tensor's value back to the host (.item(), float(), int()) although its inputs are on "
            f"{device}",
            inputs=inputs,
            got=f"PyTorch: {result.kind}: {result.text}",
            details=result.where,
            hint="keep the computation on the inputs' device and return tensors there: on a GPU every such read "
            "makes the CPU wait for the GPU, and a CUDA graph cannot record it",
        )
    fail_on_device_error(name, result, inputs)
    return result
