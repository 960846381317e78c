"""Grader for Chapter 4 (the 2013 network): compares chapters/04_network_2013/exercises.py with
dqn_tutorial.networks, with what PyTorch measures (the output length of a real convolution), with numpy's
float32 division, with the paper's layer list and with parameter counts written out by formula.

Run it with `pytest -k ch04`; `pytest --impl=solutions -k ch04` grades the answers instead.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch import nn

from checks import assert_inputs_unchanged, assert_python_type, fail_on_device_error, snapshot
from dqn_tutorial import networks as reference
from dqn_tutorial.target_network import make_target_network
from grading import assert_matches, assert_type, call, exercise, fail, real_breakout_stacks
from network_grading import RUN, all_pixel_values, check_network, describe_layer, scaled_by_numpy

SEED = 4


# ------------------------------------------------------------------------------------------------
# 4.1 conv_output_size
# ------------------------------------------------------------------------------------------------


def measured_output_size(size: int, kernel: int, stride: int) -> int:
    """The output length of a real unpadded convolution (1-D: the same rule as each side in 2-D)."""
    convolution = nn.Conv1d(1, 1, kernel, stride=stride, bias=False)
    with torch.no_grad():
        return int(convolution(torch.zeros(1, 1, size)).shape[-1])


@exercise("4.1", "Output size of a convolution")
def test_conv_output_size(ex):
    cases = [
        (84, 8, 4, "the 2013 network's first layer"),
        (20, 4, 2, "the 2013 network's second layer"),
        (9, 3, 1, "the Nature network's third layer"),
        (84, 84, 1, "kernel as wide as the input"),
        (85, 8, 4, "the window does not fit a whole number of times (rounds down)"),
        (86, 8, 4, "the window does not fit a whole number of times (rounds down)"),
        (87, 8, 4, "the window does not fit a whole number of times (rounds down)"),
        (210, 8, 4, "a raw Atari screen height"),
        (160, 8, 4, "a raw Atari screen width"),
        (7, 3, 2, "stride 2 on an odd size"),
        (5, 1, 1, "a 1x1 kernel, stride 1"),
        (10, 2, 5, "stride > kernel"),
    ]
    rng = np.random.default_rng(SEED)
    for _ in range(20):
        kernel = int(rng.integers(1, 12))
        cases.append((int(rng.integers(kernel, 300)), kernel, int(rng.integers(1, 6)), "random"))
    for size, kernel, stride, why in cases:
        inputs = f"size={size}, kernel={kernel}, stride={stride} ({why})"
        expected = reference.conv_output_size(size, kernel, stride)
        assert expected == measured_output_size(size, kernel, stride), f"the reference disagrees with torch: {inputs}"
        got = call(ex, "conv_output_size", size, kernel, stride, inputs=inputs)
        assert_python_type(
            "conv_output_size",
            got,
            int,
            inputs=inputs,
            hint="a width is a whole number of window positions: compute it with Python's integer "
            "arithmetic (no float division, no numpy), so that it is a Python int",
        )
        hint = (
            "count the positions of the window: it starts at 0, moves by `stride`, and its last position "
            "must still fit entirely inside the input (torch.nn.Conv2d gives the same width)"
        )
        if got != expected and got == (size - kernel) // stride:
            hint = "one position short: the window's first position, at pixel 0, counts too"
        elif got != expected and got == -(-(size - kernel) // stride) + 1:
            hint = (
                "one position too many: when the input is not a whole number of strides wide, the last, "
                "incomplete window does not count (round down, as the convolution does)"
            )
        assert_matches(got, expected, what="conv_output_size", inputs=inputs, exact_type=True, hint=hint)


# ------------------------------------------------------------------------------------------------
# 4.2 ScaleFrames (its forward method)
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def breakout_stacks():
    """Eight real (4, 84, 84) uint8 stacks from a random game of Breakout, as one batch (8, 4, 84, 84)."""
    return real_breakout_stacks(SEED, steps=120, every=15)


SCALE_HINT = (
    "the result is a new float32 tensor (the network's weights are float32), the shape of `frames`, "
    "pixel 0 -> 0.0 and 255 -> 1.0, each value the float32 division of the pixel by 255"
)


class InPlaceDivision:
    """Returned by `_forward_in_new_tensor` when the layer divided the uint8 frames in place."""


def _forward_in_new_tensor(layer: nn.Module, frames: torch.Tensor):
    """The learner's layer on `frames`; a division in place of the uint8 frames is returned as InPlaceDivision
    (not raised), so that the grader's message names it."""
    try:
        return layer(frames)
    except RuntimeError as error:
        if "can't be cast to the desired output type" not in str(error):
            raise
        return InPlaceDivision()


SCALE = SimpleNamespace(forward=_forward_in_new_tensor)


def scale(layer: nn.Module, frames: torch.Tensor, inputs: str) -> torch.Tensor:
    got = call(SCALE, "forward", layer, frames, inputs=inputs)
    if isinstance(got, InPlaceDivision):
        fail(
            "ScaleFrames divides the uint8 frames in place (`/=`, div_(), out=frames): PyTorch cannot store "
            "fractions in a uint8 tensor",
            inputs=inputs,
            hint="the caller's frames must stay as they are (the same frames sit in the replay memory): the result "
            "is a new float32 tensor",
        )
    return got


def _scaling_mistake(got: torch.Tensor, frames: torch.Tensor, expected: torch.Tensor) -> str | None:
    """A pointed explanation when the values are off in a recognisable way."""
    if not (isinstance(got, torch.Tensor) and got.dtype == torch.float32 and got.shape == expected.shape):
        return None  # the comparison below names the wrong type, dtype or shape
    got = got.detach().double()
    pixels = frames.double()
    if torch.equal(got, pixels):
        return "the pixels were converted to float but not divided by 255: values up to 255 instead of 1"
    if torch.allclose(got, pixels / 256, atol=1e-6):
        return "the pixels were divided by 256: pixel 255 must give exactly 1.0, so divide by 255"
    if torch.allclose(got, expected.double(), atol=1e-6):
        differ = int((got != expected.double()).sum())
        return (
            f"{differ} values are off in their last bit: multiplying by 1/255 (or dividing in another "
            f"precision) rounds differently from dividing by 255; divide the float32 pixels by 255, as the "
            f"reference does, so that a run with your layer repeats the reference's bit for bit"
        )
    if float(got.min()) < 0:
        return "negative values: the pixels are scaled to [0, 1] (pixel / 255), not centred around 0"
    return None


@exercise("4.2", "Scale the frames inside the network")
def test_forward(ex, breakout_stacks):
    layer = call(ex, "ScaleFrames", inputs="ScaleFrames()")
    assert_type(
        layer,
        nn.Module,
        what="ScaleFrames()",
        inputs="ScaleFrames()",
        hint="keep ScaleFrames a subclass of nn.Module and write its forward method",
    )
    stored = list(layer.state_dict())
    if stored:
        fail(
            f"ScaleFrames has parameters or buffers: {stored}",
            inputs="ScaleFrames()",
            expected="no parameters, no buffers",
            got=str(stored),
            hint="255 is a plain Python number in the division: a parameter would be trained, and a parameter or "
            "buffer would add an entry to every checkpoint, which the reference network could not load",
        )
    stacks = torch.from_numpy(breakout_stacks)
    cases = [
        (all_pixel_values(), "every uint8 value 0..255 once, shape (1, 4, 8, 8)"),
        (stacks, f"8 real Breakout stacks uint8 {tuple(stacks.shape)}"),
        (stacks[0], "one real stack without a batch dimension (4, 84, 84)"),
        (stacks[:, ::2], "every other frame of 8 real stacks (8, 2, 84, 84)"),
        (torch.zeros(0, 4, 84, 84, dtype=torch.uint8), "an empty batch (0, 4, 84, 84)"),
    ]
    for frames, inputs in cases:
        expected = scaled_by_numpy(frames)
        assert torch.equal(reference.ScaleFrames()(frames), expected), f"the reference disagrees with numpy: {inputs}"
        given = frames.clone()
        got = scale(layer, given, inputs)
        if not torch.equal(given, frames):
            fail(
                "ScaleFrames changed the frames it was given",
                inputs=inputs,
                details=f"{int((given != frames).sum())} of {frames.numel()} pixels of the caller's frames changed",
                hint="the result is a new tensor, and the frames stay as they were: the same frames sit in the "
                "replay memory",
            )
        if isinstance(got, torch.Tensor) and got.dtype != torch.float32:
            fail(
                f"ScaleFrames returned a {got.dtype} tensor for {frames.dtype} frames",
                inputs=inputs,
                expected="torch.float32 (the dtype of the network's weights)",
                got=str(got.dtype),
                hint="float64 would make the first convolution refuse its input (or double the memory), an integer "
                "dtype cannot hold values between 0 and 1: the result is float32",
            )
        mistake = _scaling_mistake(got, frames, expected)
        if mistake and not torch.equal(got, expected):
            fail(f"ScaleFrames: {mistake}", inputs=inputs, hint=SCALE_HINT)
        assert_matches(got, expected, what="ScaleFrames()(frames)", inputs=inputs, atol=0, rtol=0, hint=SCALE_HINT)

    # the device: frames on the meta device (a shape and a dtype, no values) or on a GPU give a result there
    for device in ["meta"] + (["cuda"] if torch.cuda.is_available() else []):
        frames = torch.zeros(8, 4, 84, 84, dtype=torch.uint8, device=device)
        inputs = f"frames uint8 (8, 4, 84, 84) on the {device} device"
        got = call(RUN, "forward_on_device", layer, frames, inputs=inputs)
        fail_on_device_error("ScaleFrames", got, inputs)
        assert_type(got, torch.Tensor, what="ScaleFrames()(frames)", inputs=inputs, hint="return a tensor")
        if got.device.type != device:
            fail(
                f"ScaleFrames returned a tensor on {got.device} for frames on {device}",
                inputs=inputs,
                hint="compute on the frames' device: a round trip through numpy, or a tensor created on the CPU, "
                "takes every batch off the GPU",
            )
        if got.dtype != torch.float32 or tuple(got.shape) != (8, 4, 84, 84):
            fail(
                f"ScaleFrames on the {device} device returned {got.dtype} of shape {tuple(got.shape)}",
                inputs=inputs,
                expected="torch.float32 of shape (8, 4, 84, 84)",
                hint=SCALE_HINT,
            )


# ------------------------------------------------------------------------------------------------
# 4.3 build_dqn2013_network
# ------------------------------------------------------------------------------------------------


def paper_2013_layers(num_actions: int, history_length: int) -> tuple[list[str], list[str]]:
    """Mnih et al. 2013, section 4.1, written out: the layers of `features` and of `head`."""
    return (
        [
            f"Conv2d({history_length}, 16, kernel_size=8, stride=4)",
            "ReLU()",
            "Conv2d(16, 32, kernel_size=4, stride=2)",
            "ReLU()",
            "Flatten()",
        ],
        [f"Linear({32 * 9 * 9}, 256)", "ReLU()", f"Linear(256, {num_actions})"],
    )


@exercise("4.3", "Build the 2013 network")
def test_build_dqn2013_network(ex, breakout_stacks):
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
        torch.manual_seed(SEED)
        reference_network = reference.build_dqn2013_network(num_actions, history_length=history)
        paper = paper_2013_layers(num_actions, history)
        layers = tuple(
            [describe_layer(layer) for layer in part] for part in (reference_network.features, reference_network.head)
        )
        assert layers == paper, "the reference is not the paper's network"
        check_network(
            ex,
            "build_dqn2013_network",
            arguments,
            inputs,
            reference_network,
            SEED,
            np.ascontiguousarray(breakout_stacks[:, :history]),
            strides=[4, 2],
            scale_hint="the network's first part, scale, must be your ScaleFrames() of Exercise 4.2; "
            '`pytest -k "ch04 and test_forward"` checks it',
        )


# ------------------------------------------------------------------------------------------------
# 4.4 count_parameters
# ------------------------------------------------------------------------------------------------


class PartlyFrozen(nn.Module):
    """A 2013 network whose convolutions are frozen (as when fine-tuning only the head)."""

    def __init__(self):
        super().__init__()
        self.network = reference.build_dqn2013_network(num_actions=4)
        for parameter in self.network.features.parameters():
            parameter.requires_grad_(False)

    def forward(self, frames):
        return self.network(frames)


def count_2013(num_actions: int, history_length: int = 4) -> int:
    """Mnih et al. 2013's network, counted by hand: weights + biases of each layer."""
    return (
        (16 * history_length * 8 * 8 + 16)
        + (32 * 16 * 4 * 4 + 32)
        + (32 * 9 * 9 * 256 + 256)
        + (256 * num_actions + num_actions)
    )


def count_cases():
    torch.manual_seed(SEED)
    with_batch_norm = nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 3))
    shared = nn.Linear(10, 10)
    nature = (32 * 4 * 64 + 32) + (64 * 32 * 16 + 64) + (64 * 64 * 9 + 64) + (64 * 7 * 7 * 512 + 512) + (512 * 4 + 4)
    return [
        (reference.build_dqn2013_network(num_actions=4), "the 2013 network with 4 actions", count_2013(4)),
        (reference.build_dqn2013_network(num_actions=18), "the 2013 network with 18 actions", count_2013(18)),
        (
            reference.build_dqn2013_network(num_actions=4, history_length=2),
            "the 2013 network, history_length=2",
            count_2013(4, 2),
        ),
        (reference.build_nature_network(num_actions=4), "the Nature network with 4 actions (Chapter 9)", nature),
        (
            reference.MLPNetwork(num_actions=2, observation_size=4),
            "MLPNetwork for CartPole",
            (4 * 256 + 256) + (256 * 256 + 256) + (256 * 2 + 2),
        ),
        (nn.Linear(3, 2, bias=False), "nn.Linear(3, 2, bias=False): a single weight tensor", 6),
        (
            make_target_network(reference.build_dqn2013_network(num_actions=4)),
            "a target network (Chapter 8): a frozen copy, every parameter requires_grad=False",
            0,
        ),
        (
            PartlyFrozen(),
            "a 2013 network whose two conv layers are frozen",
            count_2013(4) - (16 * 4 * 64 + 16) - (32 * 16 * 16 + 32),
        ),
        (
            with_batch_norm,
            "a network with BatchNorm1d (running statistics are buffers, not parameters)",
            (8 * 16 + 16) + (16 + 16) + (16 * 3 + 3),
        ),
        (nn.Sequential(shared, nn.ReLU(), shared), "one nn.Linear(10, 10) used twice (shared weights count once)", 110),
        (nn.Sequential(nn.ReLU(), nn.Flatten()), "a network without any parameter", 0),
    ]


@exercise("4.4", "Count the trainable parameters")
def test_count_parameters(ex):
    for network, inputs, by_hand in count_cases():
        expected = reference.count_parameters(network)
        assert expected == by_hand, f"the reference disagrees with the count by hand: {inputs}"
        before, trainable = snapshot(network), [parameter.requires_grad for parameter in network.parameters()]
        got = call(ex, "count_parameters", network, inputs=inputs)
        if [module.training for module in network.modules()] != before["training"]:
            fail(
                "count_parameters changed the mode (train/eval) of the network it was given",
                inputs=inputs,
                expected=f"network.training still {before['training'][0]}",
                got=f"network.training {network.training}",
                hint="counting only reads the network; .eval() does not turn gradients off (torch.no_grad() does), "
                "and nothing here computes gradients anyway",
            )
        assert_inputs_unchanged("count_parameters", network=(before, network))
        if [parameter.requires_grad for parameter in network.parameters()] != trainable:
            fail(
                "count_parameters changed which parameters are trainable (requires_grad)",
                inputs=inputs,
                hint="counting only reads the network: leave requires_grad as it is (a frozen parameter stays "
                "frozen, and is not counted)",
            )
        hint = (
            "the count is the number of values in the network's trainable parameter tensors, each tensor "
            "counted once; buffers and frozen parameters are not trained, so they do not count"
        )
        if isinstance(got, (int, np.integer)) and got == sum(p.numel() for p in network.parameters()) != expected:
            hint = "frozen parameters (requires_grad False) were counted: they are not trained; " + hint.split("; ")[0]
        assert_python_type(
            "count_parameters",
            got,
            int,
            inputs=inputs,
            hint="a count is a Python int: numpy's sum returns a numpy number, a tensor is no int "
            "either (convert with int(...))",
        )
        assert_matches(got, expected, what="count_parameters", inputs=inputs, hint=hint)
