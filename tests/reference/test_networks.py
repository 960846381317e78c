"""Networks: the papers' layer shapes, parameter counts, uint8 input scaled inside."""

import numpy as np
import pytest
import torch

from dqn_tutorial.errors import UserError
from dqn_tutorial.networks import DQN2013Network, MLPNetwork, NatureNetwork, build_network, count_parameters


def test_dqn2013_layers_and_parameter_count():
    network = DQN2013Network(num_actions=4)
    convs = [m for m in network.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [(c.out_channels, c.kernel_size, c.stride) for c in convs] == [(16, (8, 8), (4, 4)), (32, (4, 4), (2, 2))]
    # conv1 4*16*64+16, conv2 16*32*16+32, fc 2592*256+256, out 256*4+4
    assert count_parameters(network) == (4 * 16 * 64 + 16) + (16 * 32 * 16 + 32) + (2592 * 256 + 256) + (256 * 4 + 4)


def test_nature_layers_and_parameter_count():
    network = NatureNetwork(num_actions=4)
    convs = [m for m in network.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [(c.out_channels, c.kernel_size, c.stride) for c in convs] == [
        (32, (8, 8), (4, 4)), (64, (4, 4), (2, 2)), (64, (3, 3), (1, 1))]
    assert count_parameters(network) == 1_686_180


@pytest.mark.parametrize("cls", [DQN2013Network, NatureNetwork])
def test_uint8_input_is_scaled_inside(cls):
    torch.manual_seed(0)
    network = cls(num_actions=4)
    frames = torch.randint(0, 256, (2, 4, 84, 84), dtype=torch.uint8)
    out_uint8 = network(frames)
    out_float = network(frames.float() / 255.0 * 255.0)  # same values as float: scaled the same way
    assert out_uint8.shape == (2, 4) and out_uint8.dtype == torch.float32
    torch.testing.assert_close(out_uint8, out_float)
    # scaling really happens: an unscaled network would see values 255x larger
    assert not torch.allclose(network.head(network.features(frames.float())), out_uint8)


def test_build_network_checks_shapes_and_names():
    assert isinstance(build_network("mlp", 2, (1, 4)), MLPNetwork)
    with pytest.raises(UserError, match="unknown network"):
        build_network("resnet", 4, (4, 84, 84))
    with pytest.raises(UserError, match="84, 84"):
        build_network("nature", 4, (4, 64, 64))
