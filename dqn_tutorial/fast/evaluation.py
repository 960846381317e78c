"""The Nature evaluation protocol with every game on its own C++ emulator (Chapter 12, the fast engine)."""

from __future__ import annotations

import numpy as np
import torch

from dqn_tutorial.config import MAX_ENVS, Config
from dqn_tutorial.errors import UserError
from dqn_tutorial.evaluation import EvaluationResult, check_arguments
from dqn_tutorial.exploration import epsilon_greedy, q_values
from dqn_tutorial.fast.emulators import VectorAtari


def evaluate_in_parallel(
    network: torch.nn.Module,
    config: Config,
    episodes: int,
    seed: int,
    epsilon: float | None = None,
    device: str | torch.device = "cpu",
) -> EvaluationResult:
    """The same protocol with `episodes` games played at once, one per C++ emulator (the fast engine's).

    Each emulator's first game is scored and later ones are ignored, so short games are not favoured
    (taking the first `episodes` games to finish among many would be). One batched forward per step.
    """
    check_arguments(episodes, seed, epsilon)
    if episodes > MAX_ENVS:
        raise UserError(
            f"the fast engine plays each game on its own emulator: at most {MAX_ENVS} games at once, "
            f"got {episodes}: lower --episodes"
        )
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
            _, stacks, rewards, terminated, truncated, _ = envs.step(
                epsilon_greedy(q_values(network, stacks), epsilon, rng)
            )
            playing = ~finished
            totals[playing] += rewards[playing]
            lengths[playing] += 1
            finished |= terminated | truncated
    finally:
        envs.close()
        network.train(was_training)
    return EvaluationResult([float(total) for total in totals], [int(n) for n in lengths])
