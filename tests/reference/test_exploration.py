"""The actor's fast path (no forward pass for exploring rows) picks exactly what epsilon_greedy picks."""

import numpy as np
import torch

from dqn_tutorial.exploration import epsilon_greedy, greedy_q_values, linear_epsilon, select_actions
from dqn_tutorial.networks import MLPNetwork


class CountingNetwork(MLPNetwork):
    def __init__(self):
        super().__init__(3, 4)
        self.rows_seen = 0

    def forward(self, x):
        self.rows_seen += x.shape[0]
        return super().forward(x)


def test_select_actions_equals_epsilon_greedy_with_the_same_rng():
    torch.manual_seed(0)
    network = CountingNetwork()
    observations = np.random.default_rng(1).normal(size=(256, 1, 4)).astype(np.float32)
    for epsilon in [0.0, 0.05, 0.5, 0.99, 1.0]:
        fast = select_actions(network, observations, epsilon, np.random.default_rng(5))
        rng = np.random.default_rng(5)
        plain = rng.integers(3, size=256) if epsilon >= 1 else epsilon_greedy(greedy_q_values(network, observations), epsilon, rng)
        np.testing.assert_array_equal(fast, plain)


def test_exploring_rows_skip_the_forward_pass():
    network = CountingNetwork()
    observations = np.zeros((1000, 1, 4), np.float32)
    select_actions(network, observations, 0.9, np.random.default_rng(0))
    assert 50 < network.rows_seen < 150  # about 10% of the rows are greedy
    network.rows_seen = 0
    select_actions(network, observations, 1.0, np.random.default_rng(0))
    assert network.rows_seen == 0


def test_linear_epsilon_endpoints():
    assert linear_epsilon(0) == 1.0 and linear_epsilon(1_000_000) == 0.1 and linear_epsilon(5_000_000) == 0.1
    assert abs(linear_epsilon(250_000) - 0.775) < 1e-12
