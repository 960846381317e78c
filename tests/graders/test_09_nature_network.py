"""Grader for Chapter 9 (the deeper CNN): compares chapters/09_nature_network/exercises.py with
dqn_tutorial.networks (build_nature_network, receptive_field, conv_macs), with the paper's layer list,
and the arithmetic exercises with what PyTorch itself measures (the input pixels a unit's gradient
reaches, torch's FLOP counter).

Run it with `pytest -k ch09`; `pytest --impl=solutions -k ch09` grades the answers instead.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from checks import assert_python_type
from dqn_tutorial import networks as reference
from dqn_tutorial.networks import count_parameters
from grading import assert_matches, call, exercise, fail, real_breakout_stacks
from network_grading import check_network, describe_layer

SEED = 9


# ------------------------------------------------------------------------------------------------
# References measured with PyTorch
# ------------------------------------------------------------------------------------------------


def measured_receptive_field(layers: list[tuple[int, int]]) -> int:
    """Back-propagate from the first unit of the last layer of a stack of all-ones convolutions and measure
    the span of input pixels the gradient reaches (1-D: the field is square, so one side is enough)."""
    length = 2  # two units in the last layer; go down to the input length
    for kernel, stride in reversed(layers):
        length = (length - 1) * stride + kernel
    x = torch.zeros(1, 1, length, requires_grad=True)
    y = x
    for kernel, stride in layers:
        convolution = torch.nn.Conv1d(1, 1, kernel, stride=stride, bias=False)
        torch.nn.init.ones_(convolution.weight)
        y = convolution(y)
    y[0, 0, 0].backward()
    reached = torch.nonzero(x.grad[0, 0]).flatten()  # with stride > kernel the field has holes: take its span
    return int(reached.max() - reached.min() + 1)


def measured_conv_macs(in_channels: int, out_channels: int, kernel: int, out_size: int) -> int:
    """torch's FLOP counter on a real Conv2d (it counts 2 FLOPs per multiply-accumulate)."""
    convolution = torch.nn.Conv2d(in_channels, out_channels, kernel, bias=False)
    x = torch.zeros(1, in_channels, out_size + kernel - 1, out_size + kernel - 1)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        convolution(x)
    return int(counter.get_total_flops() // 2)


# ------------------------------------------------------------------------------------------------
# 9.1 build_nature_network
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def breakout_stacks():
    """Eight real (4, 84, 84) uint8 frame stacks from a random Breakout game, as one batch (8, 4, 84, 84)."""
    return real_breakout_stacks(SEED, steps=80, every=10)


def paper_nature_layers(num_actions: int, history_length: int) -> tuple[list[str], list[str]]:
    """Mnih et al. 2015, Methods ("Model architecture"), written out: the layers of `features` and of `head`."""
    return (
        [
            f"Conv2d({history_length}, 32, kernel_size=8, stride=4)",
            "ReLU()",
            "Conv2d(32, 64, kernel_size=4, stride=2)",
            "ReLU()",
            "Conv2d(64, 64, kernel_size=3, stride=1)",
            "ReLU()",
            "Flatten()",
        ],
        [f"Linear({64 * 7 * 7}, 512)", "ReLU()", f"Linear(512, {num_actions})"],
    )


@exercise("9.1", "The Nature network")
def test_build_nature_network(ex, breakout_stacks):
    cases = [
        (4, None, "Breakout's 4 actions, default history_length"),
        (18, 4, "the full set of 18 actions"),
        (6, 2, "6 actions, a history of 2 frames"),
    ]
    for num_actions, history_length, why in cases:
        history = 4 if history_length is None else history_length
        arguments = (num_actions,) if history_length is None else (num_actions, history_length)
        inputs = f"num_actions={num_actions}" + ("" if history_length is None else f", history_length={history_length}")
        inputs += f" ({why})"
        torch.manual_seed(SEED + num_actions)
        reference_network = reference.build_nature_network(num_actions, history_length=history)
        paper = paper_nature_layers(num_actions, history)
        layers = tuple(
            [describe_layer(layer) for layer in part] for part in (reference_network.features, reference_network.head)
        )
        assert layers == paper, "the reference is not the paper's network"
        assert count_parameters(reference_network) == (
            (32 * history * 64 + 32)
            + (64 * 32 * 16 + 64)
            + (64 * 64 * 9 + 64)
            + (3136 * 512 + 512)
            + (512 * num_actions + num_actions)
        ), "the reference's parameter count disagrees with the paper's layers"
        check_network(
            ex,
            "build_nature_network",
            arguments,
            inputs,
            reference_network,
            SEED + num_actions,
            np.ascontiguousarray(breakout_stacks[:, :history]),
            strides=[4, 2, 1],
            scale_hint="the network's first part, scale, is ScaleFrames() (already imported at the top of "
            "exercises.py from Chapter 4's reference): pixels / 255 as float32",
        )


# ------------------------------------------------------------------------------------------------
# 9.2 receptive_field
# ------------------------------------------------------------------------------------------------


def _receptive_field_hint(got: int, layers: list[tuple[int, int]]) -> str | None:
    """Name the usual mistakes by the number they give."""
    own_stride = 1 + sum((kernel - 1) * stride for kernel, stride in layers)
    with_own, jump = 1, 1
    for kernel, stride in layers:
        jump *= stride
        with_own += (kernel - 1) * jump
    if got == 1 + sum(kernel - 1 for kernel, _ in layers):
        return (
            "you added up the kernels as if every layer had stride 1: the units under a higher layer's kernel "
            "are spaced apart, in input pixels, by the strides of the layers below it"
        )
    if got == own_stride:
        return (
            "each layer's kernel was spread by its own stride: the units under its kernel are spaced apart by "
            "the strides of ALL the layers below it (multiplied), not by its own"
        )
    if got == with_own:
        return (
            "each layer's own stride was counted in the spacing of its own kernel: a layer's stride only "
            "spaces out the units of the layers above it"
        )
    return None


@exercise("9.2", "Receptive field of a conv stack")
def test_receptive_field(ex):
    cases = [
        ([], "no layer: one pixel sees itself"),
        ([(8, 4)], "the first conv layer of both networks"),
        ([(8, 4), (4, 2)], "the 2013 network's conv layers"),
        ([(8, 4), (4, 2), (3, 1)], "the Nature network's conv layers"),
        ([(3, 1), (3, 1), (3, 1)], "three 3x3 layers of stride 1"),
        ([(2, 2), (2, 2), (2, 2)], "three 2x2 stride 2"),
        ([(1, 1)], "a 1x1 kernel"),
        ([(4, 2), (3, 1), (8, 4)], "the strides do not come first"),
    ]
    rng = np.random.default_rng(SEED)
    for _ in range(15):
        depth = int(rng.integers(1, 5))
        cases.append(([(int(rng.integers(1, 9)), int(rng.integers(1, 5))) for _ in range(depth)], "random"))
    for layers, why in cases:
        inputs = f"layers={layers} ({why})"
        expected = measured_receptive_field(layers)
        assert reference.receptive_field(list(layers)) == expected, f"the reference disagrees with torch: {inputs}"
        given = list(layers)
        got = call(ex, "receptive_field", given, inputs=inputs)
        if given != layers:
            fail(
                "receptive_field changed the list `layers` it was given",
                inputs=inputs,
                expected=f"layers still {layers} after the call",
                got=f"layers = {given}",
                hint="read the list without modifying it (no pop, insert, reverse or sort on it, no item "
                "assignment): the caller's list of layers is still needed after your function returns",
            )
        assert_python_type(
            "receptive_field",
            got,
            int,
            inputs=inputs,
            hint="the field is a whole number of pixels: compute it with Python ints (numpy's prod, "
            "cumprod and sum return numpy numbers), or convert with int(...)",
        )
        hint = (
            "the field is the span of input pixels under one unit of the last layer: each layer's kernel spans "
            "several units of the layer below it, and those units are spaced apart in input pixels"
        )
        if isinstance(got, (int, np.integer)) and got != expected:
            hint = _receptive_field_hint(int(got), layers) or hint
        assert_matches(got, expected, what="receptive_field", inputs=inputs, hint=hint)


# ------------------------------------------------------------------------------------------------
# 9.3 conv_macs
# ------------------------------------------------------------------------------------------------


@exercise("9.3", "Multiply-accumulates of a conv layer")
def test_conv_macs(ex):
    cases = [
        (4, 32, 8, 20, "the Nature network's first conv layer"),
        (32, 64, 4, 9, "its second conv layer"),
        (64, 64, 3, 7, "its third conv layer"),
        (4, 16, 8, 20, "the 2013 network's first conv layer"),
        (16, 32, 4, 9, "the 2013 network's second conv layer"),
        (1, 1, 1, 1, "one weight, one position"),
        (3, 5, 1, 6, "a 1x1 kernel"),
    ]
    rng = np.random.default_rng(SEED)
    for _ in range(12):
        cases.append(
            (
                int(rng.integers(1, 40)),
                int(rng.integers(1, 40)),
                int(rng.integers(1, 8)),
                int(rng.integers(1, 16)),
                "random",
            )
        )
    for in_channels, out_channels, kernel, out_size, why in cases:
        inputs = f"in_channels={in_channels}, out_channels={out_channels}, kernel={kernel}, out_size={out_size} ({why})"
        expected = measured_conv_macs(in_channels, out_channels, kernel, out_size)
        assert reference.conv_macs(in_channels, out_channels, kernel, out_size) == expected, (
            f"the reference disagrees with torch's FLOP counter: {inputs}"
        )
        got = call(ex, "conv_macs", in_channels, out_channels, kernel, out_size, inputs=inputs)
        assert_python_type(
            "conv_macs",
            got,
            int,
            inputs=inputs,
            hint="a count is a Python int: numpy's prod returns a numpy integer (convert with "
            "int(...)), and a float division would give a float",
        )
        hint = (
            "one multiply-accumulate for each weight of each filter at each output position; a MAC is one "
            "multiplication and one addition, counted once, and the bias is not counted"
        )
        if isinstance(got, (int, np.integer)) and got != expected:
            if got == 2 * expected:
                hint = "twice the count: a multiply-accumulate is one multiplication AND one addition, counted once"
            elif got == expected // kernel:
                hint = "the kernel is kernel x kernel weights per input channel: count both sides"
            elif got == expected // in_channels:
                hint = "a filter has a kernel x kernel window for each of the in_channels input channels"
        assert_matches(got, expected, what="conv_macs", inputs=inputs, hint=hint)
