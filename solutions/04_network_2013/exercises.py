"""Chapter 4, the 2013 network: your answers to the exercises.

Write your code between `### YOUR CODE HERE` and `### END YOUR CODE`, replacing the
placeholder line that raises; leave the rest of the file as it is. Grade your work from the
repository root with `pytest -k ch04` (or `make grade CH=04`).
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn


def conv_output_size(size: int, kernel: int, stride: int) -> int:
    """Exercise 4.1: the width (or height) of a convolution's output, as a Python int.

    A convolution without padding slides a `kernel`-wide window over an input `size` pixels wide, moving
    `stride` pixels at a time, and stops at the last position where the whole window still fits (as
    torch.nn.Conv2d does with padding=0). Assume size >= kernel >= 1 and stride >= 1. Returns a Python
    int (not a float, not a numpy integer).
    """
    ### BEGIN SOLUTION
    return (size - kernel) // stride + 1
    ### END SOLUTION


class ScaleFrames(nn.Module):
    """Exercise 4.2: a layer without parameters that turns uint8 pixels 0..255 into float32 in [0, 1].

    forward(frames): `frames` is a uint8 tensor of any shape, (B, history_length, 84, 84) in the network,
    on any device (the CPU, a GPU). Returns a new float32 tensor of the same shape on the same device,
    each value the float32 division of the pixel by 255, bit for bit (multiplying by 1/255 rounds some
    values differently). `frames` is left unchanged (the same frames sit in the replay memory), and the
    layer has no parameters or buffers: it has nothing to learn. The frames stay uint8 (1 byte per
    pixel) in the replay memory and on their way to the device; the network converts them at its input.
    """

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        ### BEGIN SOLUTION
        return frames.float() / 255.0
        ### END SOLUTION


def build_dqn2013_network(num_actions: int, history_length: int = 4) -> nn.Module:
    """Exercise 4.3: the Q-network of Mnih et al. (2013), section 4.1, as an nn.Module.

    Input: a batch of uint8 frame stacks, shape (B, history_length, 84, 84), pixel values 0..255.
    Output: float32 Q-values, shape (B, num_actions), one per action, from one forward pass.
    Return an nn.Sequential of three named parts, in this order (the training code saves and loads the
    weights under these names: features.0.weight, ..., head.2.bias):
      "scale":    ScaleFrames() (Exercise 4.2), pixels to [0, 1];
      "features": an nn.Sequential of conv 16 filters 8x8 stride 4, ReLU; conv 32 filters 4x4 stride 2,
                  ReLU; nn.Flatten();
      "head":     an nn.Sequential of fully connected 256, ReLU; fully connected num_actions (linear).
    No padding; every layer has a bias. The layers are created in the order the data goes through them:
    PyTorch draws each layer's initial weights when the layer is created, so the order decides which
    weights your network starts from. The caller chooses the device (network.to(device), or building
    inside `with torch.device(...)`) and the mode: build on PyTorch's default device and return the
    network in training mode, as PyTorch creates it. Two calls on the same frames give the same Q-values.
    """
    ### BEGIN SOLUTION
    size = conv_output_size(conv_output_size(84, 8, 4), 4, 2)  # 84 -> 20 -> 9
    return nn.Sequential(
        OrderedDict(
            [
                ("scale", ScaleFrames()),
                (
                    "features",
                    nn.Sequential(
                        nn.Conv2d(history_length, 16, kernel_size=8, stride=4),
                        nn.ReLU(),
                        nn.Conv2d(16, 32, kernel_size=4, stride=2),
                        nn.ReLU(),
                        nn.Flatten(),
                    ),
                ),
                (
                    "head",
                    nn.Sequential(
                        nn.Linear(32 * size * size, 256),
                        nn.ReLU(),
                        nn.Linear(256, num_actions),
                    ),
                ),
            ]
        )
    )
    ### END SOLUTION


def count_parameters(network: nn.Module) -> int:
    """Exercise 4.4: the number of trainable parameters of `network` (weights and biases), as an int.

    Count every number in every parameter tensor that requires a gradient, each tensor once; parameters
    that are frozen (requires_grad False, as in a target network) are not trainable and are not counted,
    and neither are buffers. Returns a Python int. The network is only read: its mode (train/eval) and
    which parameters are trainable stay as they were.
    """
    ### BEGIN SOLUTION
    total = 0
    for parameter in network.parameters():
        if parameter.requires_grad:
            total += parameter.numel()
    return total
    ### END SOLUTION
