"""The actor's two functions: epsilon_greedy draws from its generator in a fixed order, q_values runs the
network once, without a graph, and hands back float32 numpy on the CPU."""

import numpy as np
import pytest
import torch

from dqn_tutorial.exploration import epsilon_greedy, q_values
from dqn_tutorial.networks import DQN2013Network, MLPNetwork


class CountingNetwork(MLPNetwork):
    def __init__(self):
        super().__init__(3, 4)
        self.calls, self.grad_enabled = 0, []

    def forward(self, x):
        self.calls += 1
        self.grad_enabled.append(torch.is_grad_enabled())
        return super().forward(x)


def test_epsilon_greedy_draws_actions_then_coins_whatever_epsilon():
    q = np.random.default_rng(0).normal(size=(256, 3)).astype(np.float32)
    for epsilon in [0.0, 0.05, 0.5, 1.0]:
        rng = np.random.default_rng(5)
        actions = epsilon_greedy(q, epsilon, rng)
        mirror = np.random.default_rng(5)
        random_actions, coins = mirror.integers(3, size=256), mirror.random(256)
        np.testing.assert_array_equal(actions, np.where(coins < epsilon, random_actions, q.argmax(axis=1)))
        assert actions.dtype == np.int64
        assert rng.bit_generator.state == mirror.bit_generator.state  # the same draws, so later ones agree too


def test_epsilon_greedy_ignores_q_values_at_epsilon_one():
    q = np.random.default_rng(1).normal(size=(64, 4)).astype(np.float32)
    with_values = epsilon_greedy(q, 1.0, np.random.default_rng(2))
    with_zeros = epsilon_greedy(np.zeros_like(q), 1.0, np.random.default_rng(2))
    np.testing.assert_array_equal(with_values, with_zeros)


def test_q_values_one_forward_without_graph_as_float32_numpy():
    torch.manual_seed(0)
    network = CountingNetwork()
    observations = np.random.default_rng(1).normal(size=(10, 4)).astype(np.float32)
    values = q_values(network, observations)
    assert isinstance(values, np.ndarray) and values.dtype == np.float32 and values.shape == (10, 3)
    assert network.calls == 1 and network.grad_enabled == [False]
    with torch.no_grad():
        np.testing.assert_array_equal(values, network(torch.from_numpy(observations)).numpy())
    np.testing.assert_array_equal(q_values(network, torch.from_numpy(observations)), values)  # tensors too


def test_q_values_of_uint8_stacks_scaled_by_the_network():
    torch.manual_seed(0)
    network = DQN2013Network(num_actions=4)
    stacks = np.random.default_rng(0).integers(0, 256, size=(3, 4, 84, 84), dtype=np.uint8)
    before = stacks.copy()
    values = q_values(network, stacks)
    assert values.shape == (3, 4) and values.dtype == np.float32
    np.testing.assert_array_equal(stacks, before)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_q_values_on_the_network_device():
    torch.manual_seed(0)
    network = DQN2013Network(num_actions=4)
    stacks = np.random.default_rng(0).integers(0, 256, size=(5, 4, 84, 84), dtype=np.uint8)
    on_cpu = q_values(network, stacks)
    network.cuda()
    for observations in (stacks, torch.from_numpy(stacks).cuda()):
        on_gpu = q_values(network, observations)
        assert isinstance(on_gpu, np.ndarray) and on_gpu.dtype == np.float32
        np.testing.assert_allclose(on_gpu, on_cpu, rtol=1e-4, atol=1e-5)
