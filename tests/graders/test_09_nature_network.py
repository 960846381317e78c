"""Grader for Chapter 9 (the deeper CNN): compares chapters/09_nature_network/exercises.py with
dqn_tutorial.networks.NatureNetwork, and the arithmetic exercises with what PyTorch itself measures
(the output length of a real convolution, the input pixels a unit's gradient reaches, torch's FLOP counter).

Run it with `pytest -k ch09`; `pytest --impl=solutions -k ch09` grades the answers instead.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from dqn_tutorial.atari import make_atari_env
from dqn_tutorial.grading import assert_matches, assert_type, call, exercise, fail
from dqn_tutorial.networks import NatureNetwork, count_parameters

SEED = 9


# ------------------------------------------------------------------------------------------------
# References measured with PyTorch
# ------------------------------------------------------------------------------------------------

def measured_output_size(size: int, kernel: int, stride: int) -> int:
    """The output length of a real (1-D, unpadded) convolution: the same rule as in 2-D, per side."""
    convolution = torch.nn.Conv1d(1, 1, kernel, stride=stride, bias=False)
    with torch.no_grad():
        return int(convolution(torch.zeros(1, 1, size)).shape[-1])


def measured_receptive_field(layers: list[tuple[int, int]]) -> int:
    """Back-propagate from the first unit of the last layer of a stack of all-ones convolutions and measure
    the span of input pixels the gradient reaches (1-D: the field is square, so one side is enough)."""
    length = 2                                 # two units in the last layer; go down to the input length
    for kernel, stride in reversed(layers):
        length = (length - 1) * stride + kernel
    x = torch.zeros(1, 1, length, requires_grad=True)
    y = x
    for kernel, stride in layers:
        convolution = torch.nn.Conv1d(1, 1, kernel, stride=stride, bias=False)
        torch.nn.init.ones_(convolution.weight)
        y = convolution(y)
    y[0, 0, 0].backward()
    reached = torch.nonzero(x.grad[0, 0]).flatten()     # with stride > kernel the field has holes: take its span
    return int(reached.max() - reached.min() + 1)


def measured_conv_macs(in_channels: int, out_channels: int, kernel: int, out_size: int) -> int:
    """torch's FLOP counter on a real Conv2d (it counts 2 FLOPs per multiply-accumulate)."""
    convolution = torch.nn.Conv2d(in_channels, out_channels, kernel, bias=False)
    x = torch.zeros(1, in_channels, out_size + kernel - 1, out_size + kernel - 1)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        convolution(x)
    return int(counter.get_total_flops() // 2)


# ------------------------------------------------------------------------------------------------
# 9.1 conv_output_size
# ------------------------------------------------------------------------------------------------

@exercise("9.1", "Output size of a convolution")
def test_conv_output_size(ex):
    cases = [(84, 8, 4, "the first conv layer of both networks (84 -> ?)"),
             (20, 4, 2, "the second conv layer (20 -> ?)"), (9, 3, 1, "the Nature network's third conv layer"),
             (8, 8, 4, "size == kernel: one position"), (11, 8, 4, "the kernel fits once, with pixels left over"),
             (12, 8, 4, "the kernel fits exactly twice"), (7, 1, 1, "a 1x1 kernel"), (10, 3, 3, "stride == kernel")]
    rng = np.random.default_rng(SEED)
    for _ in range(20):
        kernel = int(rng.integers(1, 9))
        cases.append((int(rng.integers(kernel, 100)), kernel, int(rng.integers(1, 5)), "random"))
    for size, kernel, stride, why in cases:
        inputs = f"size={size}, kernel={kernel}, stride={stride} ({why})"
        expected = measured_output_size(size, kernel, stride)
        got = call(ex, "conv_output_size", size, kernel, stride, inputs=inputs)
        assert_matches(got, expected, what="conv_output_size", inputs=inputs,
                       hint="count the positions where the whole kernel fits: the first one at 0, then every "
                            "`stride` pixels; the answer is a whole number")


# ------------------------------------------------------------------------------------------------
# 9.2 build_nature_network
# ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def breakout_stacks():
    """Eight real (4, 84, 84) uint8 frame stacks from a random Breakout game, as one tensor."""
    env = make_atari_env("Breakout", seed=SEED)
    rng = np.random.default_rng(SEED)
    observation, _ = env.reset()
    stacks = []
    for step in range(80):
        observation, _, terminated, truncated, _ = env.step(int(rng.integers(env.action_space.n)))
        if step % 10 == 9:
            stacks.append(np.array(observation))
        if terminated or truncated:
            observation, _ = env.reset()
    env.close()
    return torch.from_numpy(np.stack(stacks))


def shapes(network: torch.nn.Module) -> list[tuple[int, ...]]:
    return [tuple(p.shape) for p in network.parameters()]


@exercise("9.2", "The Nature network")
def test_build_nature_network(ex, breakout_stacks):
    generator = torch.Generator().manual_seed(SEED)
    random_stacks = torch.randint(0, 256, (32, 4, 84, 84), generator=generator, dtype=torch.uint8)
    for num_actions in [4, 18, 6]:
        inputs = f"num_actions={num_actions}"
        torch.manual_seed(SEED + num_actions)
        reference = NatureNetwork(num_actions)
        network = call(ex, "build_nature_network", num_actions, inputs=inputs)
        assert_type(network, torch.nn.Module, what="build_nature_network", inputs=inputs,
                    hint="return the network (a torch.nn.Module, e.g. an nn.Sequential)")

        expected_shapes, got_shapes = shapes(reference), shapes(network)
        if got_shapes != expected_shapes:
            layout = lambda items: "\n".join(f"{i}: {s}" for i, s in enumerate(items)) or "(no parameters)"  # noqa: E731
            fail("build_nature_network: the layers' weights and biases do not have the Nature network's shapes",
                 inputs=inputs, expected=f"{len(expected_shapes)} tensors:\n{layout(expected_shapes)}",
                 got=f"{len(got_shapes)} tensors:\n{layout(got_shapes)}",
                 hint="three conv layers (32 8x8 stride 4, 64 4x4 stride 2, 64 3x3 stride 1), then fully connected "
                      "layers of 512 and num_actions units, each with a bias, created in that order; the first fully "
                      "connected layer takes 64 x 7 x 7 inputs")
        expected_count = count_parameters(reference)
        assert_matches(count_parameters(network), expected_count, what="the number of trainable parameters",
                       inputs=inputs, hint="1,686,180 for 4 actions; every parameter must be trainable")

        with torch.no_grad():
            for mine, theirs in zip(network.parameters(), reference.parameters()):
                mine.copy_(theirs)
        for batch, description in [(breakout_stacks, "8 real Breakout stacks, uint8 (8, 4, 84, 84)"),
                                   (breakout_stacks[:1], "one real Breakout stack, uint8 (1, 4, 84, 84)"),
                                   (random_stacks, "32 random uint8 stacks (32, 4, 84, 84)")]:
            case = f"{inputs}, the reference's weights copied in, {description}"
            with torch.no_grad():
                expected = reference(batch.clone())
                got = call(network, "forward", batch.clone(), inputs=case)
            assert_matches(got, expected, what="the network's Q-values", inputs=case, atol=1e-5, rtol=1e-5,
                           hint="with the same weights the outputs must be equal: check the /255 scaling at the "
                                "input, a ReLU after every hidden layer and none after the last one")


# ------------------------------------------------------------------------------------------------
# 9.3 receptive_field
# ------------------------------------------------------------------------------------------------

@exercise("9.3", "Receptive field of a conv stack")
def test_receptive_field(ex):
    cases = [([], "no layer: one pixel sees itself"), ([(8, 4)], "the first conv layer of both networks"),
             ([(8, 4), (4, 2)], "the 2013 network's conv layers"),
             ([(8, 4), (4, 2), (3, 1)], "the Nature network's conv layers"),
             ([(3, 1), (3, 1), (3, 1)], "three 3x3 layers of stride 1"), ([(2, 2), (2, 2), (2, 2)], "three 2x2 stride 2"),
             ([(1, 1)], "a 1x1 kernel"), ([(4, 2), (3, 1), (8, 4)], "the strides do not come first")]
    rng = np.random.default_rng(SEED)
    for _ in range(15):
        depth = int(rng.integers(1, 5))
        cases.append(([(int(rng.integers(1, 9)), int(rng.integers(1, 5))) for _ in range(depth)], "random"))
    for layers, why in cases:
        inputs = f"layers={layers} ({why})"
        expected = measured_receptive_field(layers)
        got = call(ex, "receptive_field", list(layers), inputs=inputs)
        assert_matches(got, expected, what="receptive_field", inputs=inputs,
                       hint="a kernel of size k widens the field by k - 1 units of the layer below, and one unit of "
                            "a layer is as far from its neighbour as the product of the strides of the layers below")


# ------------------------------------------------------------------------------------------------
# 9.4 conv_macs
# ------------------------------------------------------------------------------------------------

@exercise("9.4", "Multiply-accumulates of a conv layer")
def test_conv_macs(ex):
    cases = [(4, 32, 8, 20, "the Nature network's first conv layer"), (32, 64, 4, 9, "its second conv layer"),
             (64, 64, 3, 7, "its third conv layer"), (4, 16, 8, 20, "the 2013 network's first conv layer"),
             (16, 32, 4, 9, "the 2013 network's second conv layer"), (1, 1, 1, 1, "one weight, one position"),
             (3, 5, 1, 6, "a 1x1 kernel")]
    rng = np.random.default_rng(SEED)
    for _ in range(12):
        cases.append((int(rng.integers(1, 40)), int(rng.integers(1, 40)), int(rng.integers(1, 8)),
                      int(rng.integers(1, 16)), "random"))
    for in_channels, out_channels, kernel, out_size, why in cases:
        inputs = f"in_channels={in_channels}, out_channels={out_channels}, kernel={kernel}, out_size={out_size} ({why})"
        expected = measured_conv_macs(in_channels, out_channels, kernel, out_size)
        got = call(ex, "conv_macs", in_channels, out_channels, kernel, out_size, inputs=inputs)
        assert_matches(got, expected, what="conv_macs", inputs=inputs,
                       hint="one multiply-accumulate per weight of a filter (in_channels x kernel x kernel), for every "
                            "filter and every output position (out_size x out_size); a MAC is one multiplication "
                            "and one addition, counted once")
