"""Evaluation protocol: epsilon 0.05 by default, whole games (life loss does not end them), frame cap."""

import numpy as np
import torch

from dqn_tutorial.config import get_preset
from dqn_tutorial.evaluation import evaluate
from dqn_tutorial.networks import NatureNetwork
from dqn_tutorial.training import epsilon_at


class ConstantNetwork(torch.nn.Module):
    """Always prefers one action: with epsilon = 0 the agent never moves the paddle."""

    def __init__(self, action: int, num_actions: int = 4):
        super().__init__()
        self.num_actions = num_actions
        self.bias = torch.nn.Parameter(torch.zeros(num_actions))
        with torch.no_grad():
            self.bias[action] = 1.0

    def forward(self, x):
        return self.bias.expand(x.shape[0], -1)


def test_games_are_whole_and_capped_in_frames():
    config = get_preset("nature2015").replace(eval_max_frames=2_000)
    result = evaluate(ConstantNetwork(0), config, episodes=2, seed=3, epsilon=0.0)
    # NOOP forever: FIRE reset launches each ball, the paddle never moves; five lives are lost in a
    # whole game, which ends before the cap, or the cap (2,000 frames = about 500 agent steps) ends it.
    assert len(result.returns) == 2
    assert all(length <= 2_000 // 4 + 1 for length in result.lengths)
    assert result.std >= 0 and np.isfinite(result.mean)


def test_default_epsilon_is_the_papers():
    config = get_preset("nature2015")
    assert config.eval_epsilon == 0.05 and config.eval_max_frames == 18_000
    torch.manual_seed(0)
    result = evaluate(NatureNetwork(4), config.replace(eval_max_frames=800), episodes=1, seed=1)
    assert len(result.lengths) == 1 and result.lengths[0] <= 800 // 4 + 1


def test_epsilon_is_one_until_learning_starts_then_anneals_over_agent_steps():
    config = get_preset("nature2015")
    assert epsilon_at(0, config) == 1.0
    assert epsilon_at(config.learning_starts - 1, config) == 1.0
    assert epsilon_at(config.learning_starts + 500_000, config) == 0.55
    assert epsilon_at(config.learning_starts + 1_000_000, config) == 0.1
    assert epsilon_at(10_000_000, config) == 0.1
