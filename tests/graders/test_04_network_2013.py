"""Grader for Chapter 4 (the 2013 network): compares chapters/04_network_2013/exercises.py with
dqn_tutorial.networks.

Run it with `pytest -k ch04`; `pytest --impl=solutions -k ch04` grades the answers instead.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch import nn

from dqn_tutorial import networks as reference
from dqn_tutorial.grading import assert_matches, assert_type, call, exercise, fail, real_breakout_stacks
from dqn_tutorial.target_network import make_target_network

SEED = 4


# ------------------------------------------------------------------------------------------------
# 4.1 conv_output_size
# ------------------------------------------------------------------------------------------------

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
        got = call(ex, "conv_output_size", size, kernel, stride, inputs=inputs)
        assert_matches(got, expected, what="conv_output_size", inputs=inputs, exact_type=True,
                       hint="count the positions of the window: it starts at 0, moves by `stride`, and its last "
                            "position must still fit entirely inside the input; the answer is a Python int "
                            "(torch.nn.Conv2d gives the same width)")


# ------------------------------------------------------------------------------------------------
# 4.2 build_dqn2013_network
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def breakout_stacks():
    """Eight real (4, 84, 84) uint8 stacks from a random game of Breakout, as one batch (8, 4, 84, 84)."""
    return real_breakout_stacks(SEED, steps=120, every=15)


def _forward(network: nn.Module, frames: torch.Tensor) -> torch.Tensor:
    return network(frames)


# `call` needs a module-like object: the learner's network is run through this one, so that an error
# inside its forward pass becomes a readable failure instead of a crash of the grader.
RUN = SimpleNamespace(forward=_forward)


def parameter_shapes(network: nn.Module) -> list[tuple[int, ...]]:
    return [tuple(p.shape) for p in network.parameters()]


def copy_reference_weights(network: nn.Module, reference_network: nn.Module) -> None:
    """Give each of the learner's parameters the value of the reference parameter of the same shape.

    With 4, 6 or 18 actions the eight parameter shapes of the 2013 network are all different, so the
    match is unambiguous whatever order the learner defined the layers in.
    """
    by_shape = {tuple(p.shape): p for p in reference_network.parameters()}
    with torch.no_grad():
        for parameter in network.parameters():
            parameter.copy_(by_shape[tuple(parameter.shape)])


@exercise("4.2", "Build the 2013 network")
def test_build_dqn2013_network(ex, breakout_stacks):
    generator = np.random.default_rng(SEED)
    cases = [(4, None, "Breakout's 4 actions, default history_length"), (18, 4, "the full set of 18 actions"),
             (6, 2, "6 actions, a history of 2 frames")]
    for num_actions, history_length, why in cases:
        history = 4 if history_length is None else history_length
        arguments = (num_actions,) if history_length is None else (num_actions, history_length)
        inputs = f"num_actions={num_actions}" + ("" if history_length is None else f", history_length={history_length}")
        inputs += f" ({why})"
        torch.manual_seed(SEED)
        network = call(ex, "build_dqn2013_network", *arguments, inputs=inputs)
        assert_type(network, nn.Module, what="build_dqn2013_network", inputs=inputs,
                    hint="return the network itself (an nn.Module such as nn.Sequential), not its output")
        torch.manual_seed(SEED)
        reference_network = reference.DQN2013Network(num_actions, history_length=history)

        # 1. the layers: the same parameter tensors (shapes), whatever order they were defined in
        got_shapes, expected_shapes = parameter_shapes(network), parameter_shapes(reference_network)
        if sorted(got_shapes) != sorted(expected_shapes):
            missing = [s for s in expected_shapes if s not in got_shapes]
            extra = [s for s in got_shapes if s not in expected_shapes]
            fail("build_dqn2013_network: the layers' weights and biases do not have the 2013 network's shapes",
                 inputs=inputs,
                 expected=f"{len(expected_shapes)} parameter tensors: {expected_shapes}",
                 got=f"{len(got_shapes)} parameter tensors: {got_shapes}",
                 details=f"missing: {missing or 'none'}; unexpected: {extra or 'none'}",
                 hint="conv weights are (out channels, in channels, kernel, kernel), linear weights (out, in), "
                      "each followed by its bias; check the number of filters, the kernel sizes, the strides "
                      "(they decide the width of the last feature maps: use conv_output_size), and the size of "
                      "the hidden layer")
        if reference.count_parameters(network) != reference.count_parameters(reference_network):
            fail("build_dqn2013_network: some parameters are frozen (requires_grad=False)", inputs=inputs,
                 hint="leave every parameter trainable")

        # 2. the computation: with the reference's weights copied in, the same Q-values
        copy_reference_weights(network, reference_network)
        stacks = breakout_stacks[:, :history]
        batches = [(stacks, f"8 real Breakout stacks uint8 {stacks.shape}"),
                   (stacks[:1], f"1 real Breakout stack uint8 {stacks[:1].shape}"),
                   (generator.integers(0, 256, size=(5, history, 84, 84), dtype=np.uint8),
                    f"5 random uint8 stacks (5, {history}, 84, 84), pixels 0..255")]
        for frames, what in batches:
            case = f"{inputs}; input: {what}, after copying the reference's weights into your layers"
            frames = torch.from_numpy(np.ascontiguousarray(frames))
            expected = reference_network(frames.clone())
            given = frames.clone()
            got = call(RUN, "forward", network, given, inputs=case)
            assert_matches(got, expected, what="Q-values of your network", inputs=case, atol=1e-5, rtol=1e-5,
                           hint="one float32 row of num_actions Q-values per stack; divide the uint8 pixels by 255 "
                                "first, put a ReLU after each hidden layer (both convolutions and the 256-unit layer) "
                                "and none after the output layer")
            if not torch.equal(given, frames):
                fail("your network changed the frames it was given", inputs=case,
                     hint="convert to float into a new tensor (frames.float() / 255), never in place: the same "
                          "frames sit in the replay memory")


# ------------------------------------------------------------------------------------------------
# 4.3 count_parameters
# ------------------------------------------------------------------------------------------------

class PartlyFrozen(nn.Module):
    """A 2013 network whose convolutions are frozen (as when fine-tuning only the head)."""

    def __init__(self):
        super().__init__()
        self.network = reference.DQN2013Network(num_actions=4)
        for parameter in self.network.features.parameters():
            parameter.requires_grad_(False)

    def forward(self, frames):
        return self.network(frames)


def count_cases():
    torch.manual_seed(SEED)
    with_batch_norm = nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 3))
    shared = nn.Linear(10, 10)
    return [
        (reference.DQN2013Network(num_actions=4), "DQN2013Network with 4 actions"),
        (reference.DQN2013Network(num_actions=18), "DQN2013Network with 18 actions"),
        (reference.DQN2013Network(num_actions=4, history_length=2), "DQN2013Network, history_length=2"),
        (reference.NatureNetwork(num_actions=4), "NatureNetwork with 4 actions (Chapter 9)"),
        (reference.MLPNetwork(num_actions=2, observation_size=4), "MLPNetwork for CartPole"),
        (nn.Linear(3, 2, bias=False), "nn.Linear(3, 2, bias=False): a single weight tensor"),
        (make_target_network(reference.DQN2013Network(num_actions=4)),
         "a target network (Chapter 8): a frozen copy, every parameter requires_grad=False"),
        (PartlyFrozen(), "a DQN2013Network whose two conv layers are frozen"),
        (with_batch_norm, "a network with BatchNorm1d (running statistics are buffers, not parameters)"),
        (nn.Sequential(shared, nn.ReLU(), shared), "one nn.Linear(10, 10) used twice (shared weights count once)"),
        (nn.Sequential(nn.ReLU(), nn.Flatten()), "a network without any parameter"),
    ]


@exercise("4.3", "Count the trainable parameters")
def test_count_parameters(ex):
    for network, inputs in count_cases():
        expected = reference.count_parameters(network)
        got = call(ex, "count_parameters", network, inputs=inputs)
        assert_matches(got, expected, what="count_parameters", inputs=inputs,
                       hint="add up the number of values (numel) of every parameter tensor that requires a gradient; "
                            "buffers and frozen parameters are not trained, so they do not count")
