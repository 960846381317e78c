"""The fast engine end to end on real Breakout, on the CPU (the same code a GPU runs, minus graph recording)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from dqn_tutorial.config import get_preset
from dqn_tutorial.errors import UserError
from dqn_tutorial.fast.evaluation import evaluate_in_parallel
from dqn_tutorial.networks import NatureNetwork


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dqn_tutorial", *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory) -> Path:
    run_dir = tmp_path_factory.mktemp("runs") / "fast-smoke"
    result = run_cli(
        "train",
        "--preset",
        "nature2015",
        "--engine",
        "fast",
        "--num-envs",
        "8",
        "--total-steps",
        "1600",
        "--learning-starts",
        "800",
        "--replay-capacity",
        "4000",
        "--eval-every",
        "1600",
        "--eval-episodes",
        "3",
        "--log-every",
        "400",
        "--device",
        "cpu",
        "--run-dir",
        str(run_dir),
        "--no-progress",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return run_dir


def test_fast_run_keeps_the_replay_ratio(fast_run):
    summary = json.loads((fast_run / "summary.json").read_text())
    assert summary["total_steps"] == 1600 and summary["total_frames"] == 6400
    assert summary["gpu_settings"] == {} and summary["env_threads"] >= 1  # on a CPU: PyTorch's settings untouched
    assert summary["evaluation_seconds_this_session"] > 0  # the evaluation at step 1600 (its time is in the budget)
    assert summary["updates"] == (1600 - 800) // 4  # one update of 32 per 4 agent steps
    evaluations = (fast_run / "evaluations.csv").read_text().splitlines()
    assert len(evaluations) == 2 and evaluations[1].startswith("1600,")
    rows = (fast_run / "metrics.csv").read_text().splitlines()
    # The updates due after step t are made while the emulators play step t + 1, so a log row written
    # at step t counts them up to the step before (8 emulators: t - 8), and the run's end adds the rest.
    assert rows[-1].split(",")[2] == str((1600 - 8 - 800) // 4)


def test_fast_run_resumes_with_its_replay_memory(fast_run):
    result = run_cli("resume", "--run-dir", str(fast_run), "--total-steps", "2000", "--device", "cpu", "--no-progress")
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads((fast_run / "summary.json").read_text())
    assert summary["updates"] == (2000 - 800) // 4 and summary["resumes"] == 1


def test_parallel_evaluation_plays_one_whole_game_per_emulator():
    config = get_preset("nature2015").replace(eval_max_frames=2_000)
    torch.manual_seed(0)
    network = NatureNetwork(4)
    result = evaluate_in_parallel(network, config, episodes=3, seed=5)
    again = evaluate_in_parallel(network, config, episodes=3, seed=5)
    assert len(result.returns) == 3 and result.returns == again.returns  # seeded: reproducible
    assert all(0 < n <= 2_000 // 4 + 1 for n in result.lengths)  # capped at eval_max_frames frames


def test_fast_engine_refuses_a_non_atari_game():
    with pytest.raises(UserError, match="Atari"):
        get_preset("cartpole").replace(engine="fast").validate()
    result = run_cli(
        "train", "--preset", "cartpole", "--engine", "fast", "--run-dir", "/nonexistent/x", "--no-progress"
    )
    assert result.returncode != 0 and "Atari" in result.stderr and "Traceback" not in result.stderr


def test_max_wall_minutes_stops_a_run_and_says_so(tmp_path):
    from dqn_tutorial.training import train

    config = get_preset("cartpole").replace(
        total_steps=1_000_000, max_wall_minutes=0.05, eval_every=10**9, checkpoint_every=10**9, device="cpu"
    )
    summary = train(config, tmp_path / "run", progress=False)
    assert summary["stopped_by_time_budget"] is True
    assert 0 < summary["total_steps"] < 1_000_000
    assert summary["wall_seconds"] < 30
    assert (tmp_path / "run" / "checkpoints" / "latest.pt").is_file()  # resumable like any stopped run


def test_breakout_10min_differs_from_nature2015_only_where_chapter_12_says():
    short, paper = get_preset("breakout_10min"), get_preset("nature2015")
    changed = {name for name in paper.to_dict() if getattr(paper, name) != getattr(short, name)}
    assert changed == {
        "engine",
        "num_envs",
        "optimizer",
        "learning_rate",
        "adam_epsilon",
        "learning_starts",
        "epsilon_end",
        "epsilon_decay_steps",
        "target_sync_every",
        "max_wall_minutes",
        "eval_every",
        "checkpoint_every",
        "save_replay",
    }
    assert (short.batch_size, short.update_every, short.replay_capacity) == (32, 4, 1_000_000)  # replay ratio kept
