"""Evaluation with the Nature protocol (Chapter 12).

Mnih et al. 2015, Methods: each game is played with epsilon = 0.05, after a random number (0-30) of
no-op frames, for at most 5 minutes of play (18,000 frames); the score is the real game score, whole
games, never clipped, and losing a life does not end the game. We report mean and standard deviation
(the sample one, from Chapter 1's `summarize_scores`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from dqn_tutorial.atari import summarize_scores
from dqn_tutorial.config import Config
from dqn_tutorial.environment import make_env
from dqn_tutorial.errors import UserError
from dqn_tutorial.exploration import epsilon_greedy, q_values


def check_arguments(episodes: int, seed: int, epsilon: float | None) -> None:
    """Refuse what cannot give a score (0 games: a mean of nothing) before a game is played."""
    if isinstance(episodes, bool) or not isinstance(episodes, (int, np.integer)) or episodes < 1:
        raise UserError(f"episodes must be a whole number, 1 or more, got {episodes!r}: fix --episodes")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise UserError(f"seed must be a whole number, 0 or more, got {seed!r}: fix --seed")
    if epsilon is not None:
        try:
            ok = 0.0 <= float(epsilon) <= 1.0  # False for nan
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise UserError(f"epsilon must be between 0 and 1, got {epsilon!r}: fix --epsilon")


@dataclass
class EvaluationResult:
    """The real scores of an evaluation's games; `mean` and `std` are Chapter 1's `summarize_scores`.

    The standard deviation is the sample one (divide by n - 1). One game has no spread to measure:
    its `std` is nan, and its `mean` is its score.
    """

    returns: list[float]
    lengths: list[int] = field(default_factory=list)  # agent steps per game

    def _mean_and_std(self) -> tuple[float, float]:
        if len(self.returns) < 2:
            return (float(self.returns[0]) if self.returns else float("nan")), float("nan")
        mean, std, _ = summarize_scores(self.returns)  # a module-global lookup: `--impl` reaches it
        return mean, std

    @property
    def mean(self) -> float:
        return self._mean_and_std()[0]

    @property
    def std(self) -> float:
        return self._mean_and_std()[1]

    def to_dict(self) -> dict:
        return {
            "mean": self.mean,
            "std": self.std,
            "episodes": len(self.returns),
            "returns": self.returns,
            "lengths": self.lengths,
        }


def evaluate(
    network: torch.nn.Module,
    config: Config,
    episodes: int,
    seed: int,
    epsilon: float | None = None,
    device: str | torch.device = "cpu",
) -> EvaluationResult:
    """Play `episodes` whole games on a fresh evaluation environment and return their real scores.

    Actions as the agent chooses them (Chapter 6): `epsilon_greedy(q_values(network, ...), epsilon, rng)`;
    the network runs on the device its parameters are on (`device` is not needed for that).
    """
    check_arguments(episodes, seed, epsilon)
    epsilon = config.eval_epsilon if epsilon is None else epsilon
    env = make_env(config, seed=seed, evaluation=True)
    rng = np.random.default_rng(seed)
    was_training = network.training
    network.eval()
    returns, lengths = [], []
    try:
        for episode in range(episodes):
            observation, _ = env.reset(seed=seed + episode)
            total, steps, done = 0.0, 0, False
            while not done:
                action = epsilon_greedy(q_values(network, observation[None]), epsilon, rng)[0]
                observation, reward, terminated, truncated, _ = env.step(int(action))
                total += float(reward)
                steps += 1
                done = terminated or truncated
            returns.append(total)
            lengths.append(steps)
    finally:
        env.close()
        network.train(was_training)
    return EvaluationResult(returns, lengths)
