"""Q-networks: the 2013 network (Chapter 4), the deeper Nature network (Chapter 9), and a small MLP.

All of them map an observation to one Q-value per action. The Atari networks take the uint8 frame
stack as it comes out of the environment and scale it to [0, 1] inside, so the replay memory and the
actor never hold a float copy of the frames (4x the memory).
"""

from __future__ import annotations

import torch
from torch import nn

from dqn_tutorial.errors import UserError


class DQN2013Network(nn.Module):
    """Mnih et al. 2013, Section 4.1: conv 16 8x8/4, conv 32 4x4/2, fc 256, all ReLU, linear output."""

    def __init__(self, num_actions: int, history_length: int = 4):
        super().__init__()
        self.num_actions = num_actions
        self.features = nn.Sequential(
            nn.Conv2d(history_length, 16, kernel_size=8, stride=4), nn.ReLU(),   # 84 -> 20
            nn.Conv2d(16, 32, kernel_size=4, stride=2), nn.ReLU(),               # 20 -> 9
            nn.Flatten(),
        )
        self.head = nn.Sequential(nn.Linear(32 * 9 * 9, 256), nn.ReLU(), nn.Linear(256, num_actions))

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(scale_frames(frames)))


class NatureNetwork(nn.Module):
    """Mnih et al. 2015, Methods: conv 32 8x8/4, conv 64 4x4/2, conv 64 3x3/1, fc 512, all ReLU."""

    def __init__(self, num_actions: int, history_length: int = 4):
        super().__init__()
        self.num_actions = num_actions
        self.features = nn.Sequential(
            nn.Conv2d(history_length, 32, kernel_size=8, stride=4), nn.ReLU(),  # 84 -> 20
            nn.Conv2d(32, 64, kernel_size=4, stride=2), nn.ReLU(),              # 20 -> 9
            nn.Conv2d(64, 64, kernel_size=3, stride=1), nn.ReLU(),              # 9 -> 7
            nn.Flatten(),
        )
        self.head = nn.Sequential(nn.Linear(64 * 7 * 7, 512), nn.ReLU(), nn.Linear(512, num_actions))

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(scale_frames(frames)))


class MLPNetwork(nn.Module):
    """Two hidden layers for low-dimensional observations (CartPole): same agent, cheap to train on a CPU."""

    def __init__(self, num_actions: int, observation_size: int, hidden_size: int = 256):
        super().__init__()
        self.num_actions = num_actions
        self.layers = nn.Sequential(
            nn.Linear(observation_size, hidden_size), nn.ReLU(),
            nn.Linear(hidden_size, hidden_size), nn.ReLU(),
            nn.Linear(hidden_size, num_actions),
        )

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return self.layers(observations.float().flatten(1))


def scale_frames(frames: torch.Tensor) -> torch.Tensor:
    """uint8 pixels in [0, 255] -> float in [0, 1]; done on the device, after the cheap uint8 transfer."""
    return frames.float() / 255.0


NETWORKS = {"dqn2013": DQN2013Network, "nature": NatureNetwork, "mlp": MLPNetwork}


def build_network(name: str, num_actions: int, observation_shape: tuple[int, ...]) -> nn.Module:
    """Build a network by its config name; observation_shape is (history, 84, 84) or (features,)."""
    if name not in NETWORKS:
        raise UserError(f"unknown network {name!r}: choose one of {', '.join(NETWORKS)}")
    if name == "mlp":
        size = 1
        for dim in observation_shape:
            size *= dim
        return MLPNetwork(num_actions, size)
    if tuple(observation_shape[1:]) != (84, 84):
        raise UserError(f"network {name!r} needs observations of shape (history, 84, 84), got {observation_shape}")
    return NETWORKS[name](num_actions, history_length=observation_shape[0])


def conv_output_size(size: int, kernel: int, stride: int) -> int:
    """Width (or height) after a convolution without padding: floor((size - kernel) / stride) + 1.

    84 -> 20 (8x8, stride 4) -> 9 (4x4, stride 2) in the 2013 network; the Nature network adds 9 -> 7.
    """
    return (size - kernel) // stride + 1


def count_parameters(network: nn.Module) -> int:
    """Number of trainable weights and biases."""
    return sum(p.numel() for p in network.parameters() if p.requires_grad)
