"""The agent really learns: the same training code, with an MLP, solves CartPole-v1.

Greedy evaluation over 20 episodes must average at least 475 (the task's threshold) with a fixed
seed. Takes about two minutes on a 2-core CPU.
"""

import json

import pytest
import torch

from dqn_tutorial.config import get_preset
from dqn_tutorial.evaluation import evaluate
from dqn_tutorial.networks import build_network
from dqn_tutorial.training import train


@pytest.mark.slow
def test_dqn_solves_cartpole(tmp_path):
    config = get_preset("cartpole").replace(seed=0, device="cpu")
    summary = train(config, tmp_path / "cartpole", progress=False)
    assert summary["total_steps"] == config.total_steps
    best = torch.load(tmp_path / "cartpole" / "checkpoints" / "best.pt", weights_only=False)
    network = build_network("mlp", 2, (1, 4))
    network.load_state_dict(best["online"])
    result = evaluate(network, config, episodes=20, seed=2024, epsilon=0.0)
    print(json.dumps({"best_step": best["step"], "mean": result.mean, "std": result.std}))
    assert result.mean >= 475, (
        f"greedy mean {result.mean:.1f} over 20 episodes (best checkpoint at step {best['step']})"
    )
