"""The command line on real Breakout: a short run, evaluate, record, resume, and clear errors on bad input."""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest
import torch

from dqn_tutorial.config import Config


def run_cli(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "dqn_tutorial", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def short_run(tmp_path_factory) -> Path:
    run_dir = tmp_path_factory.mktemp("runs") / "nature-smoke"
    result = run_cli(
        "train",
        "--preset",
        "nature2015",
        "--total-steps",
        "2000",
        "--learning-starts",
        "500",
        "--device",
        "cpu",
        "--run-dir",
        str(run_dir),
        "--no-progress",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return run_dir


def test_train_writes_the_run_directory(short_run):
    config = json.loads((short_run / "config.json").read_text())
    assert config["network"] == "nature" and config["loss"] == "huber" and config["total_steps"] == 2000
    summary = json.loads((short_run / "summary.json").read_text())
    assert summary["total_steps"] == 2000
    assert summary["wall_seconds"] > 0 and summary["steps_per_second"] > 0
    assert summary["updates"] == (2000 - 500) // 4
    header = (short_run / "metrics.csv").read_text().splitlines()[0].split(",")
    for column in ("step", "frames", "epsilon", "loss", "recent_return", "steps_per_second"):
        assert column in header
    assert (short_run / "checkpoints" / "latest.pt").is_file()
    assert (short_run / "checkpoints" / "step_000002000.pt").is_file()
    assert not list(short_run.rglob("*.tmp")), "a temporary checkpoint file was left behind"


def test_evaluate_and_record_use_the_checkpoint(short_run, tmp_path):
    output = tmp_path / "eval.json"
    result = run_cli("evaluate", str(short_run), "--episodes", "2", "--device", "cpu", "--output", str(output))
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(output.read_text())
    assert report["episodes"] == 2 and len(report["returns"]) == 2 and report["epsilon"] == 0.05
    assert report["max_frames"] == 18_000
    video = tmp_path / "game.gif"
    result = run_cli("record", str(short_run), "--output", str(video), "--max-steps", "40", "--device", "cpu")
    assert result.returncode == 0, result.stderr[-3000:]
    assert video.stat().st_size > 1000
    # never overwrite what the user made
    again = run_cli("record", str(short_run), "--output", str(video), "--max-steps", "5", "--device", "cpu")
    assert again.returncode == 2 and "already exists" in again.stderr


def test_resume_continues_where_it_stopped(short_run):
    before = torch.load(short_run / "checkpoints" / "latest.pt", weights_only=False)
    result = run_cli("resume", "--run-dir", str(short_run), "--total-steps", "2400", "--device", "cpu", "--no-progress")
    assert result.returncode == 0, result.stderr[-3000:]
    after = torch.load(short_run / "checkpoints" / "latest.pt", weights_only=False)
    assert before["step"] == 2000 and after["step"] == 2400
    assert after["updates"] == (2400 - 500) // 4  # the update count carries on, not restarts
    assert after["resumes"] == 1
    summary = json.loads((short_run / "summary.json").read_text())
    assert summary["total_steps"] == 2400
    # a new `train` into the same directory is refused: nothing is overwritten
    refused = run_cli("train", "--run-dir", str(short_run), "--total-steps", "10")
    assert refused.returncode == 2 and "already holds a run" in refused.stderr


def _assert_clear_error(result: subprocess.CompletedProcess, fragment: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert fragment in result.stderr, result.stderr
    assert len(lines) <= 2, result.stderr  # argparse prints usage + one line; ours prints one line


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["train", "--preset", "nature2016"], "unknown preset"),
        (["train", "--set", "learning_rat=1e-4"], "unknown config key"),
        (["train", "--replay-capacity", "-5"], "replay_capacity must be positive"),
        (["train", "--batch-size", "0"], "batch_size must be positive"),
        (["evaluate", "/nonexistent/run"], "no checkpoint at"),
    ],
)
def test_bad_input_gives_one_clear_line(args, fragment):
    _assert_clear_error(run_cli(*args), fragment)


def test_corrupt_checkpoint_is_a_clear_error(tmp_path):
    bad = tmp_path / "broken.pt"
    bad.write_bytes(b"this is not a checkpoint")
    _assert_clear_error(run_cli("evaluate", str(bad)), "damaged or not a checkpoint")
    empty_run = tmp_path / "run"
    empty_run.mkdir()
    _assert_clear_error(run_cli("evaluate", str(empty_run)), "has no checkpoint yet")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_cuda_without_gpu_is_a_clear_error(tmp_path):
    _assert_clear_error(run_cli("train", "--device", "cuda", "--run-dir", str(tmp_path / "r")), "no CUDA GPU")
    assert not (tmp_path / "r").exists()  # nothing was created before the error


# --- `train --help`: one line per config field, with its unit and the papers' value (issue 12) ---


def _subparser(name: str) -> argparse.ArgumentParser:
    from dqn_tutorial.cli import build_parser

    commands = next(action for action in build_parser()._actions if isinstance(action, argparse._SubParsersAction))
    return commands.choices[name]


def test_every_config_flag_of_train_has_one_line_of_help():
    train = _subparser("train")
    field_names = {field.name for field in dataclasses.fields(Config)}
    exposed = {action.dest: action for action in train._actions if action.dest in field_names}
    assert exposed.keys() == field_names, "a config field has no flag on `train`"
    for action in exposed.values():
        text = (action.help or "").strip()
        assert text, f"{action.option_strings[0]} has no help text: add one to config.FIELD_HELP"
        assert "\n" not in text, f"{action.option_strings[0]}: help is one line"
        # every line says where the value comes from: a paper, or this project's own choice
        assert re.search(r"Nature|2013|papers|ours", text), f"{action.option_strings[0]}: the papers' value, or 'ours'"
    shown = " ".join(train.format_help().split())  # argparse wraps lines to the terminal
    assert "--target-sync-every N agent steps between target-network copies (Nature: 10,000" in shown
    assert "--replay-capacity N transitions (agent steps) kept" in shown


# --- --impl: train with the learner's functions (dqn_tutorial.taught) ---


@pytest.fixture
def fake_taught(monkeypatch):
    """dqn_tutorial.taught.use_implementation, recorded instead of run (a stand-in module if it is missing)."""
    try:
        import dqn_tutorial.taught as taught
    except ModuleNotFoundError:
        taught = types.ModuleType("dqn_tutorial.taught")
        monkeypatch.setitem(sys.modules, "dqn_tutorial.taught", taught)
    calls = []

    def use_implementation(which: str) -> list[str]:
        calls.append(("use_implementation", which))
        return [f"6.2 epsilon_greedy: {which} (stand-in)", "5.3 stack_slots: not done yet, the reference's runs"]

    monkeypatch.setattr(taught, "use_implementation", use_implementation, raising=False)
    return calls


@pytest.fixture
def fake_training(monkeypatch, fake_taught):
    import dqn_tutorial.training as training

    def train(config, run_dir, progress=True):
        fake_taught.append(("train", config.env_id))
        return {"total_steps": config.total_steps}

    def resume(run_dir, total_steps=None, progress=True, device=None):
        fake_taught.append(("resume", str(run_dir)))
        return {"total_steps": total_steps}

    monkeypatch.setattr(training, "train", train)
    monkeypatch.setattr(training, "resume", resume)
    return fake_taught


@pytest.mark.parametrize("which", ["chapters", "solutions"])
def test_train_impl_installs_the_functions_first_and_says_so(which, fake_training, tmp_path, capsys):
    from dqn_tutorial.cli import main

    run_dir = str(tmp_path / "run")
    assert main(["train", "--preset", "cartpole", "--run-dir", run_dir, "--impl", which, "--no-progress"]) == 0
    assert fake_training == [("use_implementation", which), ("train", "CartPole-v1")]
    out = capsys.readouterr().out.splitlines()
    assert f"6.2 epsilon_greedy: {which} (stand-in)" in out[1] and "5.3 stack_slots: not done yet" in out[2]
    assert json.loads(out[-1])["total_steps"] == 30_000  # the summary stays the last line


def test_train_reference_is_the_default_and_installs_nothing(fake_training, tmp_path, capsys):
    from dqn_tutorial.cli import main

    assert main(["train", "--preset", "cartpole", "--run-dir", str(tmp_path / "run"), "--no-progress"]) == 0
    assert fake_training == [("train", "CartPole-v1")]
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_resume_takes_impl(fake_training, tmp_path):
    from dqn_tutorial.cli import main

    assert main(["resume", "--run-dir", str(tmp_path), "--impl", "chapters", "--no-progress"]) == 0
    assert fake_training == [("use_implementation", "chapters"), ("resume", str(tmp_path))]


def test_unknown_impl_is_one_clear_line():
    _assert_clear_error(run_cli("train", "--impl", "mine"), "invalid choice")


@pytest.mark.skipif(shutil.which("make") is None, reason="no make")
def test_make_train_passes_impl():
    repository = Path(__file__).resolve().parents[2]
    dry = subprocess.run(["make", "-n", "train", "IMPL=chapters"], cwd=repository, capture_output=True, text=True)
    assert dry.returncode == 0, dry.stderr
    assert "--impl chapters" in dry.stdout
