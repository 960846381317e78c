"""benchmarks/learn_breakout_cpu.py (Chapter 12's proof that the agent learns) on a few thousand steps.

The real command takes an hour; this checks in seconds that it trains on the real ALE, evaluates with
the Nature protocol, measures random play the same way and writes every file Chapter 12 reads.
"""

import csv
import importlib.util
import json
from pathlib import Path

import pytest

from dqn_tutorial.config import get_preset
from dqn_tutorial.errors import UserError

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "learn_breakout_cpu.py"


def load_script():
    spec = importlib.util.spec_from_file_location("learn_breakout_cpu", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_preset_is_nature2015_with_only_budget_changes():
    cpu, paper = get_preset("breakout_cpu"), get_preset("nature2015")
    changed = {name for name in paper.to_dict() if getattr(paper, name) != getattr(cpu, name)}
    # the algorithm's shape stays the paper's: network, loss, frame max, replay ratio, gamma, batch
    for name in (
        "network",
        "loss",
        "max_last_two",
        "update_every",
        "gamma",
        "batch_size",
        "frame_skip",
        "history_length",
        "terminal_on_life_loss",
        "clip_rewards",
        "eval_epsilon",
        "eval_max_frames",
    ):
        assert name not in changed, f"breakout_cpu must keep nature2015's {name}"
    assert cpu.eval_episodes == 30 and cpu.max_wall_minutes <= 62


def test_short_run_writes_what_chapter_12_reads(tmp_path):
    module = load_script()
    out = tmp_path / "data"
    code = module.main(
        [
            "--run-dir",
            str(tmp_path / "run"),
            "--out",
            str(out),
            "--set",
            "total_steps=1200",
            "--set",
            "learning_starts=400",
            "--set",
            "eval_every=600",
            "--set",
            "eval_episodes=2",
            "--set",
            "replay_capacity=2000",
            "--final-episodes",
            "2",
        ]
    )
    assert code == 0
    report = json.loads((out / "breakout_cpu.json").read_text())
    assert report["training_summary"]["total_steps"] == 1200
    assert report["training_summary"]["updates"] == (1200 - 400) // 4
    assert len(report["final_evaluation"]["returns"]) == 2 and report["final_evaluation"]["epsilon"] == 0.05
    assert report["random_play"]["epsilon"] == 1.0 and report["random_play"]["max_frames"] == 18_000
    assert report["command"].startswith("python benchmarks/learn_breakout_cpu.py") and report["commit"]
    with open(out / "breakout_cpu_evaluations.csv") as handle:
        assert [int(row["step"]) for row in csv.DictReader(handle)] == [600, 1200]
    assert (out / "breakout_cpu_agent.gif").stat().st_size > 1000
    # a second run never writes into the first one's run directory
    with pytest.raises(UserError, match="already holds a run"):
        module.main(["--run-dir", str(tmp_path / "run"), "--out", str(out)])
