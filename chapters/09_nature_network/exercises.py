"""Chapter 9, the deeper CNN: your answers to the exercises.

Write your code between `### YOUR CODE HERE` and `### END YOUR CODE`, replacing the
placeholder line that raises; leave the rest of the file as it is. Grade your work from the
repository root with `pytest -k ch09` (or `make grade CH=09`).
"""

from __future__ import annotations

import torch
from torch import nn


class ScaleFrames(nn.Module):
    """A layer without weights: uint8 pixels in [0, 255] -> float32 in [0, 1] (as in Chapter 4).

    Put it first in your network, so that the network takes the uint8 frame stacks of the environment
    and the replay memory as they are.
    """

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return frames.float() / 255.0


def conv_output_size(size: int, kernel: int, stride: int) -> int:
    """Exercise 9.1: the side of a convolution's output, without padding, for an input of side `size`.

    The kernel (kernel x kernel) starts at the top-left corner and moves `stride` pixels at a time, as
    long as it fits entirely inside the input. Assume size >= kernel >= 1 and stride >= 1. Returns an int.
    """
    ### YOUR CODE HERE
    # Count the positions of the kernel's left edge: 0, stride, 2 * stride, ... while it fits.
    raise NotImplementedError("Exercise 9.1: write conv_output_size")
    ### END YOUR CODE


def build_nature_network(num_actions: int) -> nn.Module:
    """Exercise 9.2: the Q-network of Mnih et al. 2015 (Methods), for `num_actions` actions.

    Input: uint8 frame stacks (B, 4, 84, 84). Layers, in this order: ScaleFrames; conv 32 filters 8x8
    stride 4, ReLU; conv 64 filters 4x4 stride 2, ReLU; conv 64 filters 3x3 stride 1, ReLU; flatten;
    fully connected 512 units, ReLU; fully connected num_actions units (no ReLU: Q-values can be
    negative). No padding; every layer has a bias. Output: float32 (B, num_actions).
    Create the layers in the order the data goes through them: the grader copies weights in the order
    of `network.parameters()`.
    """
    ### YOUR CODE HERE
    # nn.Sequential(ScaleFrames(), nn.Conv2d(4, 32, kernel_size=8, stride=4), nn.ReLU(), ...);
    # the first fully connected layer takes 64 channels times the last conv's output size squared
    # (conv_output_size tells you that size).
    raise NotImplementedError("Exercise 9.2: write build_nature_network")
    ### END YOUR CODE


def receptive_field(layers: list[tuple[int, int]]) -> int:
    """Exercise 9.3: the receptive field, in input pixels, of one unit of the last layer of a conv stack.

    `layers` lists the convolutions from the input up, as (kernel, stride) pairs, e.g. [(8, 4), (4, 2)]
    for the 2013 network. The answer is the side of the smallest square patch of the input that holds
    every input pixel one unit of the last layer depends on. An empty list means the input itself:
    1 pixel. Returns an int.
    """
    ### YOUR CODE HERE
    # Go up the layers keeping two numbers: the field (starts at 1) and the distance in input
    # pixels between neighbouring units (starts at 1). A kernel of size k adds k - 1 of those distances.
    raise NotImplementedError("Exercise 9.3: write receptive_field")
    ### END YOUR CODE


def conv_macs(in_channels: int, out_channels: int, kernel: int, out_size: int) -> int:
    """Exercise 9.4: the multiply-accumulates of one convolution layer for one input (batch of 1).

    The layer has `out_channels` filters of shape (in_channels, kernel, kernel) and an output of
    out_size x out_size positions per filter. Count one multiply-accumulate per weight per output
    position; do not count the bias additions. Returns an int.
    """
    ### YOUR CODE HERE
    # Every output position of every filter does one multiply-accumulate per weight of the filter.
    raise NotImplementedError("Exercise 9.4: write conv_macs")
    ### END YOUR CODE
