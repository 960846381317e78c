"""Grader for Chapter 4 (the 2013 network): compares chapters/04_network_2013/exercises.py with
dqn_tutorial.networks, with what PyTorch measures (the output length of a real convolution), with numpy's
float32 division, with the paper's layer list and with parameter counts written out by formula.

Run it with `pytest -k ch04`; `pytest --impl=solutions -k ch04` grades the answers instead.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

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
    cases = [(84, 8, 4, "the 2013 network's first layer"), (20, 4, 2, "the 2013 network's second layer"),
             (9, 3, 1, "the Nature network's third layer"), (84, 84, 1, "kernel as wide as the input"),
             (85, 8, 4, "the window does not fit a whole number of times (rounds down)"),
             (86, 8, 4, "the window does not fit a whole number of times (rounds down)"),
             (87, 8, 4, "the window does not fit a whole number of times (rounds down)"),
             (210, 8, 4, "a raw Atari screen height"), (160, 8, 4, "a raw Atari screen width"),
             (7, 3, 2, "stride 2 on an odd size"), (5, 1, 1, "a 1x1 kernel, stride 1"), (10, 2, 5, "stride > kernel")]
    rng = np.random.default_rng(SEED)
    for _ in range(20):
        kernel = int(rng.integers(1, 12))
        cases.append((int(rng.integers(kernel, 300)), kernel, int(rng.integers(1, 6)), "random"))
    for size, kernel, stride, why in cases:
        inputs = f"size={size}, kernel={kernel}, stride={stride} ({why})"
        expected = reference.conv_output_size(size, kernel, stride)
        assert expected == measured_output_size(size, kernel, stride), f"the reference disagrees with torch: {inputs}"
        got = call(ex, "conv_output_size", size, kernel, stride, inputs=inputs)
        assert_matches(got, expected, what="conv_output_size", inputs=inputs, exact_type=True,
                       hint="count the positions of the window: it starts at 0, moves by `stride`, and its last "
                            "position must still fit entirely inside the input; the answer is a Python int "
                            "(torch.nn.Conv2d gives the same width)")


# ------------------------------------------------------------------------------------------------
# 4.2 ScaleFrames (its forward method)
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def breakout_stacks():
    """Eight real (4, 84, 84) uint8 stacks from a random game of Breakout, as one batch (8, 4, 84, 84)."""
    return real_breakout_stacks(SEED, steps=120, every=15)


SCALE_HINT = ("convert to float32 with frames.float() (a new tensor; not .double(): the network's weights are "
              "float32), then divide by 255: pixel 0 -> 0.0, 255 -> 1.0, the shape unchanged")


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
        return (f"{differ} values are off in their last bit: multiplying by 1/255 (or dividing in another "
                f"precision) rounds differently from dividing by 255; divide the float32 pixels by 255, as the "
                f"reference does, so that a run with your layer repeats the reference's bit for bit")
    if float(got.min()) < 0:
        return "negative values: the pixels are scaled to [0, 1] (pixel / 255), not centred around 0"
    return None


@exercise("4.2", "Scale the frames inside the network")
def test_forward(ex, breakout_stacks):
    layer = call(ex, "ScaleFrames", inputs="ScaleFrames()")
    assert_type(layer, nn.Module, what="ScaleFrames()", inputs="ScaleFrames()",
                hint="keep ScaleFrames a subclass of nn.Module and write its forward method")
    stored = list(layer.state_dict())
    if stored:
        fail(f"ScaleFrames has parameters or buffers: {stored}", inputs="ScaleFrames()",
             expected="no parameters, no buffers", got=str(stored),
             hint="255 is a plain Python number in the division: a parameter would be trained, and a parameter or "
                  "buffer would add an entry to every checkpoint, which the reference network could not load")
    stacks = torch.from_numpy(breakout_stacks)
    cases = [(all_pixel_values(), "every uint8 value 0..255 once, shape (1, 4, 8, 8)"),
             (stacks, f"8 real Breakout stacks uint8 {tuple(stacks.shape)}"),
             (stacks[0], "one real stack without a batch dimension (4, 84, 84)"),
             (stacks[:, ::2], "every other frame of 8 real stacks (8, 2, 84, 84)"),
             (torch.zeros(0, 4, 84, 84, dtype=torch.uint8), "an empty batch (0, 4, 84, 84)")]
    for frames, inputs in cases:
        expected = scaled_by_numpy(frames)
        assert torch.equal(reference.ScaleFrames()(frames), expected), f"the reference disagrees with numpy: {inputs}"
        given = frames.clone()
        got = call(RUN, "forward", layer, given, inputs=inputs)
        mistake = _scaling_mistake(got, frames, expected)
        if mistake and not torch.equal(got, expected):
            fail(f"ScaleFrames: {mistake}", inputs=inputs, hint=SCALE_HINT)
        assert_matches(got, expected, what="ScaleFrames()(frames)", inputs=inputs, atol=0, rtol=0, hint=SCALE_HINT)
        if not torch.equal(given, frames):
            fail("ScaleFrames changed the frames it was given", inputs=inputs,
                 hint="convert into a new tensor (frames.float() / 255), never in place: the same frames sit in the "
                      "replay memory")


# ------------------------------------------------------------------------------------------------
# 4.3 build_dqn2013_network
# ------------------------------------------------------------------------------------------------

def paper_2013_layers(num_actions: int, history_length: int) -> tuple[list[str], list[str]]:
    """Mnih et al. 2013, section 4.1, written out: the layers of `features` and of `head`."""
    return ([f"Conv2d({history_length}, 16, kernel_size=8, stride=4)", "ReLU()",
             "Conv2d(16, 32, kernel_size=4, stride=2)", "ReLU()", "Flatten()"],
            [f"Linear({32 * 9 * 9}, 256)", "ReLU()", f"Linear(256, {num_actions})"])


@exercise("4.3", "Build the 2013 network")
def test_build_dqn2013_network(ex, breakout_stacks):
    cases = [(4, None, "Breakout's 4 actions, default history_length"), (18, 4, "the full set of 18 actions"),
             (6, 2, "6 actions, a history of 2 frames")]
    for num_actions, history_length, why in cases:
        history = 4 if history_length is None else history_length
        arguments = (num_actions,) if history_length is None else (num_actions, history_length)
        inputs = f"num_actions={num_actions}" + ("" if history_length is None else f", history_length={history_length}")
        inputs += f" ({why})"
        torch.manual_seed(SEED)
        reference_network = reference.build_dqn2013_network(num_actions, history_length=history)
        paper = paper_2013_layers(num_actions, history)
        layers = tuple([describe_layer(layer) for layer in part]
                       for part in (reference_network.features, reference_network.head))
        assert layers == paper, "the reference is not the paper's network"
        check_network(ex, "build_dqn2013_network", arguments, inputs, reference_network, SEED,
                      np.ascontiguousarray(breakout_stacks[:, :history]), strides=[4, 2],
                      scale_hint="the network's first part, scale, must be your ScaleFrames() of Exercise 4.2 "
                                 "(frames.float() / 255); `pytest -k \"ch04 and test_forward\"` checks it")


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
    return ((16 * history_length * 8 * 8 + 16) + (32 * 16 * 4 * 4 + 32) + (32 * 9 * 9 * 256 + 256)
            + (256 * num_actions + num_actions))


def count_cases():
    torch.manual_seed(SEED)
    with_batch_norm = nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 3))
    shared = nn.Linear(10, 10)
    nature = (32 * 4 * 64 + 32) + (64 * 32 * 16 + 64) + (64 * 64 * 9 + 64) + (64 * 7 * 7 * 512 + 512) + (512 * 4 + 4)
    return [
        (reference.build_dqn2013_network(num_actions=4), "the 2013 network with 4 actions", count_2013(4)),
        (reference.build_dqn2013_network(num_actions=18), "the 2013 network with 18 actions", count_2013(18)),
        (reference.build_dqn2013_network(num_actions=4, history_length=2), "the 2013 network, history_length=2",
         count_2013(4, 2)),
        (reference.build_nature_network(num_actions=4), "the Nature network with 4 actions (Chapter 9)", nature),
        (reference.MLPNetwork(num_actions=2, observation_size=4), "MLPNetwork for CartPole",
         (4 * 256 + 256) + (256 * 256 + 256) + (256 * 2 + 2)),
        (nn.Linear(3, 2, bias=False), "nn.Linear(3, 2, bias=False): a single weight tensor", 6),
        (make_target_network(reference.build_dqn2013_network(num_actions=4)),
         "a target network (Chapter 8): a frozen copy, every parameter requires_grad=False", 0),
        (PartlyFrozen(), "a 2013 network whose two conv layers are frozen", count_2013(4) - (16 * 4 * 64 + 16)
         - (32 * 16 * 16 + 32)),
        (with_batch_norm, "a network with BatchNorm1d (running statistics are buffers, not parameters)",
         (8 * 16 + 16) + (16 + 16) + (16 * 3 + 3)),
        (nn.Sequential(shared, nn.ReLU(), shared), "one nn.Linear(10, 10) used twice (shared weights count once)",
         110),
        (nn.Sequential(nn.ReLU(), nn.Flatten()), "a network without any parameter", 0),
    ]


@exercise("4.4", "Count the trainable parameters")
def test_count_parameters(ex):
    for network, inputs, by_hand in count_cases():
        expected = reference.count_parameters(network)
        assert expected == by_hand, f"the reference disagrees with the count by hand: {inputs}"
        got = call(ex, "count_parameters", network, inputs=inputs)
        assert_matches(got, expected, what="count_parameters", inputs=inputs,
                       hint="add up the number of values (numel) of every parameter tensor that requires a gradient; "
                            "buffers and frozen parameters are not trained, so they do not count")
