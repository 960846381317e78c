"""An exact resume (Chapter 12, issue 11): stopped and resumed, a run ends as if it had never stopped.

A run stopped at some step and resumed must end with bit-identical weights (online and target),
optimizer state, counters, random-generator states, replay memory and logs to the uninterrupted run
with the same seed. The emulators' states (ALE's, with its random generator; CartPole's), the wrappers'
(frame stacks, frame-skip buffers, lives, time-limit counters) and every generator are in the checkpoint.

What may differ, and is left out of the comparison: the wall-clock columns of metrics.csv
(`wall_seconds`, `steps_per_second`) and the checkpoint's clocks (`wall_seconds`, `learning_seconds`),
the number of resumes, and each checkpoint set's random ID (and so its replay file's name).

Three ways to stop: the run ends at total_steps and is resumed with a larger one; a Ctrl-C (SIGINT)
off every grid; a Ctrl-C just before an evaluation that is due (the evaluation then runs after the
resume). Plain engine on the CPU, with the real CartPole and the real ALE Breakout.
"""

from __future__ import annotations

import csv
import os
import signal
from pathlib import Path

import pytest
import torch

from dqn_tutorial.config import get_preset
from dqn_tutorial.errors import UserError
from dqn_tutorial.training import make_trainer, resume

WALL_CLOCK_COLUMNS = ("wall_seconds", "steps_per_second")
NOT_COMPARED = {"wall_seconds", "learning_seconds", "resumes", "checkpoint_id", "replay_file"}


def cartpole():
    """3,000 agent steps of CartPole, learning from 500, a log row every 200 and a checkpoint every 1,000."""
    return get_preset("cartpole").replace(
        total_steps=3000,
        learning_starts=500,
        checkpoint_every=1000,
        log_every=200,
        eval_every=1000,
        eval_episodes=2,
        batch_size=64,
        num_threads=1,
    )


def breakout():
    """360 agent steps of the Nature agent on Breakout (2 emulators, games cut at 600 frames = 150 steps)."""
    return get_preset("nature2015").replace(
        total_steps=360,
        learning_starts=100,
        replay_capacity=1000,
        batch_size=8,
        num_envs=2,
        target_sync_every=100,
        max_episode_frames=600,
        log_every=40,
        eval_every=120,
        eval_episodes=1,
        eval_max_frames=400,
        checkpoint_every=120,
        num_threads=1,
        device="cpu",
    )


CASES = {"cartpole": (cartpole, 1500, 1234, 1000), "breakout": (breakout, 180, 146, 240)}


def train_to_end(config, run_dir: Path) -> None:
    run_dir.mkdir(parents=True)
    make_trainer(config, run_dir, progress=False).run()


def interrupt_at(config, run_dir: Path, step: int) -> None:
    """Run until `step` agent steps are taken, then Ctrl-C (a SIGINT to this process, as in a terminal)."""
    run_dir.mkdir(parents=True)
    trainer = make_trainer(config, run_dir, progress=False)
    play_step = trainer.play_step

    def play_then_interrupt(*args, **kwargs):
        play_step(*args, **kwargs)
        if trainer.step == step:
            os.kill(os.getpid(), signal.SIGINT)

    trainer.play_step = play_then_interrupt
    with pytest.raises(UserError, match=f"interrupted \\(SIGINT\\) at step {step}"):
        trainer.run()


def rows(path: Path) -> list[dict[str, str]]:
    """The CSV's rows as written (strings: equal strings are equal floats), wall-clock columns left out."""
    with open(path, newline="") as handle:
        return [
            {key: value for key, value in row.items() if key not in WALL_CLOCK_COLUMNS}
            for row in csv.DictReader(handle)
        ]


def bits(tensor: torch.Tensor) -> torch.Tensor:
    """The tensor's bytes: equal bits, not just equal values (NaN == NaN, -0.0 != 0.0)."""
    return tensor.detach().contiguous().reshape(-1).view(torch.uint8)


def assert_same(expected, actual, where: str) -> None:
    """Equal structure, and every tensor equal bit for bit (NaN included)."""
    if isinstance(expected, torch.Tensor):
        assert isinstance(actual, torch.Tensor) and expected.dtype == actual.dtype, where
        assert expected.shape == actual.shape, where
        assert torch.equal(bits(expected), bits(actual)), where
    elif isinstance(expected, dict):
        assert isinstance(actual, dict) and set(expected) == set(actual), (where, set(expected) ^ set(actual))
        for key in expected:
            assert_same(expected[key], actual[key], f"{where}.{key}")
    elif isinstance(expected, (list, tuple)):
        assert isinstance(actual, (list, tuple)) and len(expected) == len(actual), where
        for index, (a, b) in enumerate(zip(expected, actual)):
            assert_same(a, b, f"{where}[{index}]")
    elif isinstance(expected, float) and expected != expected:
        assert isinstance(actual, float) and actual != actual, where
    else:
        assert expected == actual, (where, expected, actual)


def final_state(run_dir: Path) -> tuple[dict, dict]:
    folder = run_dir / "checkpoints"
    latest = torch.load(folder / "latest.pt", weights_only=True)
    replay = torch.load(folder / latest["replay_file"], weights_only=True)
    return (
        {key: value for key, value in latest.items() if key not in NOT_COMPARED},
        {key: value for key, value in replay.items() if key != "checkpoint_id"},
    )


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """The runs never stopped, one per case, trained once for all the tests."""
    runs = {}

    def run(name: str) -> Path:
        if name not in runs:
            runs[name] = tmp_path_factory.mktemp(name) / "run"
            train_to_end(CASES[name][0](), runs[name])
        return runs[name]

    return run


def assert_identical(reference: Path, resumed: Path, resumes: int) -> None:
    expected_state, expected_replay = final_state(reference)
    actual_state, actual_replay = final_state(resumed)
    assert_same(expected_state, actual_state, "latest.pt")
    assert_same(expected_replay, actual_replay, "replay memory")
    assert torch.load(resumed / "checkpoints" / "latest.pt", weights_only=True)["resumes"] == resumes
    for name in ("metrics.csv", "evaluations.csv"):
        expected, actual = rows(reference / name), rows(resumed / name)
        steps = [int(row["step"]) for row in actual]
        assert steps == sorted(set(steps)), f"{name}: duplicated or backward rows {steps}"
        assert actual == expected, name
    best_expected = torch.load(reference / "checkpoints" / "best.pt", weights_only=True)
    best_actual = torch.load(resumed / "checkpoints" / "best.pt", weights_only=True)
    assert_same(best_expected, best_actual, "best.pt")


@pytest.mark.parametrize("name", CASES)
def test_stopped_at_total_steps_then_resumed_is_exact(name, uninterrupted, tmp_path):
    make_config, stop, _, _ = CASES[name]
    config = make_config()
    run_dir = tmp_path / "run"
    train_to_end(config.replace(total_steps=stop), run_dir)
    resume(run_dir, total_steps=config.total_steps, progress=False)
    assert_identical(uninterrupted(name), run_dir, resumes=1)


@pytest.mark.parametrize("name", CASES)
def test_interrupted_off_the_grids_twice_then_resumed_is_exact(name, uninterrupted, tmp_path):
    """A Ctrl-C off every grid; the resumed run is killed (SIGKILL-like: its late rows stay) and resumed again."""
    make_config, _, interrupt, _ = CASES[name]
    config = make_config()
    run_dir = tmp_path / "run"
    interrupt_at(config, run_dir, interrupt)
    # A second session that gets further, writes log rows, then dies without saving: its rows after
    # the checkpoint must not survive the next resume.
    saved = {path.name: path.read_bytes() for path in (run_dir / "checkpoints").iterdir()}
    resume(run_dir, total_steps=config.total_steps, progress=False)
    for path in (run_dir / "checkpoints").iterdir():
        if path.name not in saved:
            path.unlink()
    for file_name, content in saved.items():
        (run_dir / "checkpoints" / file_name).write_bytes(content)
    resume(run_dir, total_steps=config.total_steps, progress=False)
    assert_identical(uninterrupted(name), run_dir, resumes=1)  # the killed session saved nothing


@pytest.mark.parametrize("name", CASES)
def test_interrupted_when_an_evaluation_is_due_then_resumed_is_exact(name, uninterrupted, tmp_path):
    """The Ctrl-C arrives on the step an evaluation (and a checkpoint) is due: both run after the resume."""
    make_config, _, _, at_evaluation = CASES[name]
    config = make_config()
    run_dir = tmp_path / "run"
    interrupt_at(config, run_dir, at_evaluation)
    resume(run_dir, progress=False)
    assert_identical(uninterrupted(name), run_dir, resumes=1)


def test_truncating_a_log_drops_later_rows_and_an_unfinished_line(tmp_path):
    from dqn_tutorial.metrics import MetricsWriter, truncate_rows

    path = tmp_path / "metrics.csv"
    writer = MetricsWriter(path)
    for step in (100, 200, 300, 400):
        writer.write({"step": step, "loss": step / 7})
    with open(path, "a") as handle:
        handle.write("50")  # a process killed while writing a row
    assert truncate_rows(path, 301) == 2
    assert [row["step"] for row in rows(path)] == ["100", "200", "300"]
    assert truncate_rows(path, 301) == 0 and truncate_rows(tmp_path / "missing.csv", 1) == 0
