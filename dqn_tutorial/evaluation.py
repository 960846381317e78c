"""Evaluation with the Nature protocol (Chapter 12).

Mnih et al. 2015, Methods: each game is played with epsilon = 0.05, after a random number (0-30) of
no-op frames, for at most 5 minutes of play (18,000 frames); the score is the real game score, whole
games, never clipped, and losing a life does not end the game. We report mean and standard deviation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from dqn_tutorial.config import MAX_ENVS, Config
from dqn_tutorial.environment import make_env
from dqn_tutorial.errors import UserError
from dqn_tutorial.exploration import select_actions


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
    returns: list[float]
    lengths: list[int] = field(default_factory=list)   # agent steps per game

    @property
    def mean(self) -> float:
        return float(np.mean(self.returns))

    @property
    def std(self) -> float:
        return float(np.std(self.returns))

    def to_dict(self) -> dict:
        return {"mean": self.mean, "std": self.std, "episodes": len(self.returns),
                "returns": self.returns, "lengths": self.lengths}


def evaluate(network: torch.nn.Module, config: Config, episodes: int, seed: int,
             epsilon: float | None = None, device: str | torch.device = "cpu") -> EvaluationResult:
    """Play `episodes` whole games on a fresh evaluation environment and return their real scores."""
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
                action = select_actions(network, observation[None], epsilon, rng, device)[0]
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


def evaluate_in_parallel(network: torch.nn.Module, config: Config, episodes: int, seed: int,
                         epsilon: float | None = None, device: str | torch.device = "cpu") -> EvaluationResult:
    """The same protocol with `episodes` games played at once, one per C++ emulator (the fast engine's).

    Each emulator's first game is scored and later ones are ignored, so short games are not favoured
    (taking the first `episodes` games to finish among many would be). One batched forward per step.
    """
    from dqn_tutorial.vector_atari import VectorAtari, greedy_or_random

    check_arguments(episodes, seed, epsilon)
    if episodes > MAX_ENVS:
        raise UserError(f"the fast engine plays each game on its own emulator: at most {MAX_ENVS} games at once, "
                        f"got {episodes}: lower --episodes")
    epsilon = config.eval_epsilon if epsilon is None else epsilon
    envs = VectorAtari(config, episodes, seed=seed, device=device, evaluation=True, num_threads=config.env_threads)
    rng = np.random.default_rng(seed)
    was_training = network.training
    network.eval()
    totals, lengths = np.zeros(episodes), np.zeros(episodes, dtype=np.int64)
    finished = np.zeros(episodes, dtype=bool)
    try:
        stacks = envs.reset()
        while not finished.all():
            _, stacks, rewards, terminated, truncated, _ = envs.step(greedy_or_random(network, stacks, epsilon, rng))
            playing = ~finished
            totals[playing] += rewards[playing]
            lengths[playing] += 1
            finished |= terminated | truncated
    finally:
        envs.close()
        network.train(was_training)
    return EvaluationResult([float(total) for total in totals], [int(n) for n in lengths])
