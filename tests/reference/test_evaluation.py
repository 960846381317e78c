"""Evaluation protocol: epsilon 0.05 by default, whole games (life loss does not end them), frame cap."""

import math
import statistics

import numpy as np
import torch

from dqn_tutorial.config import get_preset
from dqn_tutorial.evaluation import EvaluationResult, evaluate
from dqn_tutorial.networks import NatureNetwork
from dqn_tutorial.schedules import epsilon_at


class ConstantNetwork(torch.nn.Module):
    """Always prefers one action: with epsilon = 0 the agent never moves the paddle."""

    def __init__(self, action: int, num_actions: int = 4):
        super().__init__()
        self.num_actions = num_actions
        self.bias = torch.nn.Parameter(torch.zeros(num_actions))
        with torch.no_grad():
            self.bias[action] = 1.0

    def forward(self, x):
        return self.bias.expand(x.shape[0], -1).clone()  # a new tensor, as a real network's output is


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
    schedule = (config.learning_starts, config.epsilon_start, config.epsilon_end, config.epsilon_decay_steps)
    assert epsilon_at(0, *schedule) == 1.0
    assert epsilon_at(config.learning_starts - 1, *schedule) == 1.0
    assert epsilon_at(config.learning_starts + 500_000, *schedule) == 0.55
    assert epsilon_at(config.learning_starts + 1_000_000, *schedule) == 0.1
    assert epsilon_at(10_000_000, *schedule) == 0.1


def test_mean_and_std_are_summarize_scores(monkeypatch):
    """Every evaluation's mean and std come from Chapter 1's summarize_scores (the sample std, n - 1),
    looked up through the module-global name that `--impl` replaces."""
    import dqn_tutorial.evaluation as evaluation

    scores = [12.0, 30.0, 7.0, 41.0]
    result = EvaluationResult(scores, [100] * 4)
    assert result.mean == statistics.fmean(scores)
    assert math.isclose(result.std, statistics.stdev(scores), rel_tol=1e-12)
    assert result.to_dict()["std"] == result.std
    calls = []
    monkeypatch.setattr(evaluation, "summarize_scores", lambda s: calls.append(list(s)) or (1.0, 2.0, 3.0))
    assert (result.mean, result.std) == (1.0, 2.0) and calls == [scores, scores]
    one_game = EvaluationResult([9.0], [50])
    assert one_game.mean == 9.0 and math.isnan(one_game.std)  # one game: no spread to measure
