"""Q-networks: the 2013 network (Chapter 4), the deeper Nature network (Chapter 9), and a small MLP.

All of them map an observation to one Q-value per action. The Atari networks take the uint8 frame
stack as it comes out of the environment and scale it to [0, 1] inside (`ScaleFrames`), so the replay
memory and the actor never hold a float copy of the frames (4x the memory).

The training code builds its network with `build_network`, which calls the functions the chapters
teach (`build_dqn2013_network`, `build_nature_network`, which use `ScaleFrames` and `conv_output_size`)
through this module's names, so a learner's version set in their place is the one that runs.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn

from dqn_tutorial.errors import UserError

SCREEN_SIZE = 84  # the preprocessed frames are 84 x 84 (Chapter 2)


class ScaleFrames(nn.Module):
    """Chapter 4, Exercise 4.2: a layer without parameters, uint8 pixels 0..255 -> float32 in [0, 1].

    The frames stay uint8 (1 byte per pixel) in the replay memory and on their way to the device; the
    network converts them at its input, on the device. It divides by 255 (not multiplies by 1/255, which
    rounds 126 of the 256 values differently), keeps the shape and never changes its input.
    """

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return frames.float() / 255.0


def conv_output_size(size: int, kernel: int, stride: int) -> int:
    """Chapter 4, Exercise 4.1: the width (or height) after a convolution without padding, an int.

    floor((size - kernel) / stride) + 1: the window's left edge can be at 0, stride, 2 * stride, ... up
    to size - kernel. 84 -> 20 (8x8, stride 4) -> 9 (4x4, stride 2) in the 2013 network; the Nature
    network adds 9 -> 7 (3x3, stride 1). The networks below size their first linear layer with it.
    """
    return (size - kernel) // stride + 1


def build_dqn2013_network(num_actions: int, history_length: int = 4) -> nn.Module:
    """Chapter 4, Exercise 4.3: the Q-network of Mnih et al. 2013, Section 4.1.

    uint8 stacks (B, history_length, 84, 84) -> float32 Q-values (B, num_actions): ScaleFrames; conv 16
    8x8/4, ReLU; conv 32 4x4/2, ReLU; fc 256, ReLU; fc num_actions (linear). Three named parts, `scale`,
    `features` and `head`: checkpoints store the weights under these names (features.0.weight, ...,
    head.2.bias). The layers are created in the order the data goes through them, which fixes the
    initial weights drawn from torch's global generator.
    """
    size = conv_output_size(conv_output_size(SCREEN_SIZE, 8, 4), 4, 2)  # 84 -> 20 -> 9
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
                ("head", nn.Sequential(nn.Linear(32 * size * size, 256), nn.ReLU(), nn.Linear(256, num_actions))),
            ]
        )
    )


def build_nature_network(num_actions: int, history_length: int = 4) -> nn.Module:
    """Chapter 9, Exercise 9.1: the Q-network of Mnih et al. 2015, Methods ("Model architecture").

    uint8 stacks (B, history_length, 84, 84) -> float32 Q-values (B, num_actions): ScaleFrames; conv 32
    8x8/4, ReLU; conv 64 4x4/2, ReLU; conv 64 3x3/1, ReLU; fc 512, ReLU; fc num_actions (linear). The
    same named parts as the 2013 network (`scale`, `features`, `head`), created in data order.
    """
    size = conv_output_size(conv_output_size(conv_output_size(SCREEN_SIZE, 8, 4), 4, 2), 3, 1)  # 84 -> 20 -> 9 -> 7
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
                ("head", nn.Sequential(nn.Linear(64 * size * size, 512), nn.ReLU(), nn.Linear(512, num_actions))),
            ]
        )
    )


def count_parameters(network: nn.Module) -> int:
    """Chapter 4, Exercise 4.4: the number of trainable weights and biases (requires_grad), an int.

    Frozen parameters (a target network's) and buffers are not counted; a shared layer counts once.
    The run summary reports it for the network being trained.
    """
    return sum(p.numel() for p in network.parameters() if p.requires_grad)


def receptive_field(layers: list[tuple[int, int]]) -> int:
    """Chapter 9, Exercise 9.2: the side, in input pixels, of what one unit of a conv stack's last layer sees.

    `layers` are (kernel, stride) pairs from the input up. r_l = r_(l-1) + (k_l - 1) j_(l-1) and
    j_l = j_(l-1) s_l, with r_0 = j_0 = 1 (j: the distance in input pixels between neighbouring units).
    An analysis for the chapter's tables (8, 20, 36 pixels); the agent does not use it.
    """
    field, jump = 1, 1
    for kernel, stride in layers:
        field += (kernel - 1) * jump
        jump *= stride
    return field


def conv_macs(in_channels: int, out_channels: int, kernel: int, out_size: int) -> int:
    """Chapter 9, Exercise 9.3: the multiply-accumulates of one conv layer for one input, biases not counted.

    out_size^2 positions x out_channels filters x in_channels * kernel^2 weights each. An analysis for
    the chapter's compute table; the agent does not use it.
    """
    return out_size * out_size * out_channels * in_channels * kernel * kernel


class MLPNetwork(nn.Module):
    """Two hidden layers for low-dimensional observations (CartPole): same agent, cheap to train on a CPU."""

    def __init__(self, num_actions: int, observation_size: int, hidden_size: int = 256):
        super().__init__()
        self.num_actions = num_actions
        self.layers = nn.Sequential(
            nn.Linear(observation_size, hidden_size),
            nn.ReLU(),
            nn.Linear(hidden_size, hidden_size),
            nn.ReLU(),
            nn.Linear(hidden_size, num_actions),
        )

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return self.layers(observations.float().flatten(1))


NETWORK_NAMES = ("dqn2013", "nature", "mlp")


def build_network(name: str, num_actions: int, observation_shape: tuple[int, ...]) -> nn.Module:
    """The network the training code uses, by its config name; observation_shape is (history, 84, 84) or (features,).

    "dqn2013" and "nature" call build_dqn2013_network and build_nature_network (Chapters 4 and 9). The
    result gets a `num_actions` attribute, which the actors read to draw random actions.
    """
    if name not in NETWORK_NAMES:
        raise UserError(f"unknown network {name!r}: choose one of {', '.join(NETWORK_NAMES)}")
    if name == "mlp":
        size = 1
        for dim in observation_shape:
            size *= dim
        return MLPNetwork(num_actions, size)
    if tuple(observation_shape[1:]) != (SCREEN_SIZE, SCREEN_SIZE):
        raise UserError(f"network {name!r} needs observations of shape (history, 84, 84), got {observation_shape}")
    if name == "dqn2013":
        network = build_dqn2013_network(num_actions, history_length=observation_shape[0])
    else:
        network = build_nature_network(num_actions, history_length=observation_shape[0])
    network.num_actions = num_actions
    return network


def DQN2013Network(num_actions: int, history_length: int = 4) -> nn.Module:  # noqa: N802 - the chapters' name
    """The 2013 network exactly as the training code gets it: build_network("dqn2013", ...)."""
    return build_network("dqn2013", num_actions, (history_length, SCREEN_SIZE, SCREEN_SIZE))


def NatureNetwork(num_actions: int, history_length: int = 4) -> nn.Module:  # noqa: N802 - the chapters' name
    """The Nature network exactly as the training code gets it: build_network("nature", ...)."""
    return build_network("nature", num_actions, (history_length, SCREEN_SIZE, SCREEN_SIZE))
