"""Networks: the papers' layer shapes, parameter counts, uint8 input scaled inside."""

import numpy as np
import pytest
import torch

from dqn_tutorial import networks
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
        (32, (8, 8), (4, 4)),
        (64, (4, 4), (2, 2)),
        (64, (3, 3), (1, 1)),
    ]
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


def test_weights_keep_the_checkpoint_names():
    """Checkpoints written before the networks were built by functions load unchanged."""
    assert list(DQN2013Network(4).state_dict()) == [
        "features.0.weight",
        "features.0.bias",
        "features.2.weight",
        "features.2.bias",
        "head.0.weight",
        "head.0.bias",
        "head.2.weight",
        "head.2.bias",
    ]
    assert list(NatureNetwork(4).state_dict()) == [
        "features.0.weight",
        "features.0.bias",
        "features.2.weight",
        "features.2.bias",
        "features.4.weight",
        "features.4.bias",
        "head.0.weight",
        "head.0.bias",
        "head.2.weight",
        "head.2.bias",
    ]


@pytest.mark.parametrize("name, builder", [("dqn2013", "build_dqn2013_network"), ("nature", "build_nature_network")])
def test_build_network_is_the_taught_function_with_num_actions(name, builder):
    torch.manual_seed(3)
    built = build_network(name, 6, (2, 84, 84))
    torch.manual_seed(3)
    taught = getattr(networks, builder)(6, history_length=2)
    assert built.num_actions == 6 and not hasattr(taught, "num_actions")
    assert all(torch.equal(a, b) for a, b in zip(built.state_dict().values(), taught.state_dict().values()))
    frames = torch.randint(0, 256, (3, 2, 84, 84), dtype=torch.uint8)
    assert torch.equal(built(frames), taught(frames))


def test_taught_functions_are_looked_up_by_name(monkeypatch):
    """A learner's function set on the module (as `--impl chapters` does) is the one the agent runs."""
    calls = []

    def my_build(num_actions, history_length=4):
        calls.append((num_actions, history_length))
        return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(history_length * 84 * 84, num_actions))

    monkeypatch.setattr(networks, "build_nature_network", my_build)
    assert build_network("nature", 5, (3, 84, 84)).num_actions == 5 and calls == [(5, 3)]

    monkeypatch.setattr(networks, "conv_output_size", lambda size, kernel, stride: (size - kernel) // stride)
    assert networks.build_dqn2013_network(4).head[0].in_features == 32 * 7 * 7  # 84 -> 19 -> 7 with the fake

    class Marker(networks.ScaleFrames):
        pass

    monkeypatch.setattr(networks, "ScaleFrames", Marker)
    assert isinstance(networks.build_dqn2013_network(4).scale, Marker)


def test_scale_frames_divides_by_255_in_float32():
    frames = torch.arange(256, dtype=torch.int32).to(torch.uint8).reshape(4, 64)
    scaled = networks.ScaleFrames()(frames)
    assert scaled.dtype == torch.float32 and scaled.shape == frames.shape
    np.testing.assert_array_equal(scaled.numpy(), np.arange(256, dtype=np.float32).reshape(4, 64) / np.float32(255))
    assert list(networks.ScaleFrames().state_dict()) == []


def test_conv_output_size_receptive_field_and_macs():
    assert [
        networks.conv_output_size(84, 8, 4),
        networks.conv_output_size(20, 4, 2),
        networks.conv_output_size(9, 3, 1),
        networks.conv_output_size(87, 8, 4),
    ] == [20, 9, 7, 20]
    assert [networks.receptive_field([(8, 4), (4, 2), (3, 1)][:depth]) for depth in range(4)] == [1, 8, 20, 36]
    nature = [networks.conv_macs(4, 32, 8, 20), networks.conv_macs(32, 64, 4, 9), networks.conv_macs(64, 64, 3, 7)]
    assert nature == [3_276_800, 2_654_208, 1_806_336]
    assert sum(nature) + 3136 * 512 + 512 * 4 == 9_345_024  # the chapter's "about 9.35M MACs"
