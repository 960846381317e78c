"""Chapter 9, the deeper CNN: your answers to the exercises.

Write your code between `### YOUR CODE HERE` and `### END YOUR CODE`, replacing the
placeholder line that raises; leave the rest of the file as it is. Grade your work from the
repository root with `pytest -k ch09` (or `make grade CH=09`).
"""

from __future__ import annotations

from collections import OrderedDict

from torch import nn

# You wrote these two in Chapter 4 (Exercises 4.1 and 4.2); the reference's are used here.
from dqn_tutorial.networks import ScaleFrames, conv_output_size


def build_nature_network(num_actions: int, history_length: int = 4) -> nn.Module:
    """Exercise 9.1: the Q-network of Mnih et al. 2015 (Methods), for `num_actions` actions.

    Input: uint8 frame stacks (B, history_length, 84, 84). Output: float32 Q-values (B, num_actions).
    Return an nn.Sequential of three named parts, in this order, as in Chapter 4 (the training code
    saves and loads the weights under these names: features.0.weight, ..., head.2.bias):
      "scale":    ScaleFrames() (÷255);
      "features": an nn.Sequential of conv 32 filters 8x8 stride 4, ReLU; conv 64 filters 4x4 stride 2,
                  ReLU; conv 64 filters 3x3 stride 1, ReLU; nn.Flatten();
      "head":     an nn.Sequential of fully connected 512 units, ReLU; fully connected num_actions units
                  (no ReLU: Q-values can be negative).
    No padding; every layer has a bias. The layers are created in the order the data goes through them:
    that order decides the initial weights PyTorch draws, and the grader compares them with the
    reference's. As in Chapter 4, the caller chooses the device and the mode: build on PyTorch's default
    device, return the network in training mode, and two calls on the same frames give the same Q-values.
    """
    ### BEGIN SOLUTION
    side = conv_output_size(conv_output_size(conv_output_size(84, 8, 4), 4, 2), 3, 1)  # 84 -> 20 -> 9 -> 7
    return nn.Sequential(
        OrderedDict(
            [
                ("scale", ScaleFrames()),
                (
                    "features",
                    nn.Sequential(
                        nn.Conv2d(history_length, 32, kernel_size=8, stride=4),
                        nn.ReLU(),
                        nn.Conv2d(32, 64, kernel_size=4, stride=2),
                        nn.ReLU(),
                        nn.Conv2d(64, 64, kernel_size=3, stride=1),
                        nn.ReLU(),
                        nn.Flatten(),
                    ),
                ),
                (
                    "head",
                    nn.Sequential(
                        nn.Linear(64 * side * side, 512),
                        nn.ReLU(),
                        nn.Linear(512, num_actions),
                    ),
                ),
            ]
        )
    )
    ### END SOLUTION


def receptive_field(layers: list[tuple[int, int]]) -> int:
    """Exercise 9.2: the receptive field, in input pixels, of one unit of the last layer of a conv stack.

    `layers` lists the convolutions from the input up, as (kernel, stride) pairs, e.g. [(8, 4), (4, 2)]
    for the 2013 network. The answer is the side of the smallest square patch of the input that holds
    every input pixel one unit of the last layer depends on. An empty list means the input itself:
    1 pixel. Returns a Python int; `layers` is only read (the caller's list is the same after the call).
    """
    ### BEGIN SOLUTION
    field = 1  # the side of the patch, in input pixels
    jump = 1  # the distance, in input pixels, between two neighbouring units of the current layer
    for kernel, stride in layers:
        field = field + (kernel - 1) * jump
        jump = jump * stride
    return field
    ### END SOLUTION


def conv_macs(in_channels: int, out_channels: int, kernel: int, out_size: int) -> int:
    """Exercise 9.3: the multiply-accumulates of one convolution layer for one input (batch of 1).

    The layer has `out_channels` filters of shape (in_channels, kernel, kernel) and an output of
    out_size x out_size positions per filter. Count one multiply-accumulate per weight per output
    position; do not count the bias additions. Returns a Python int (not a numpy integer).
    """
    ### BEGIN SOLUTION
    positions = out_size * out_size
    weights_per_filter = in_channels * kernel * kernel
    return positions * out_channels * weights_per_filter
    ### END SOLUTION
