"""Checkpoints a run can survive on (Chapter 12, issue 11): one promise per test.

- a checkpoint set is one unit: latest.pt names its replay file, and a pair that does not belong
  together is refused; temporary files of a killed write are removed at the next start;
- SIGTERM and SIGHUP stop a run like Ctrl-C: save, one line, exit status 2; a second signal during
  the save changes nothing;
- every preset resumes after an interruption once learning has started;
- nothing loaded can run code (weights_only=True): a crafted file is refused by resume, evaluate, record;
- a replay memory that does not fit in memory, or a checkpoint that does not fit on disk, stops with
  one line naming the numbers, and a disk that fills up during a write leaves the last set intact.

Tiny runs (a few hundred agent steps, on the real CartPole and ALE Breakout).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from dqn_tutorial import checkpoints, training
from dqn_tutorial.cli import main
from dqn_tutorial.config import PRESETS, get_preset
from dqn_tutorial.errors import UserError
from dqn_tutorial.training import make_trainer, resume

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def cartpole(**changes):
    """A CartPole run of 600 agent steps, learning from step 200, a checkpoint set every 300."""
    settings = dict(
        total_steps=600,
        learning_starts=200,
        replay_capacity=1000,
        batch_size=32,
        checkpoint_every=300,
        eval_every=10**9,
        log_every=100,
    )
    return get_preset("cartpole").replace(**{**settings, **changes})


def trainer_for(config, run_dir: Path):
    run_dir.mkdir(parents=True, exist_ok=True)
    return make_trainer(config, run_dir, progress=False)


def signal_at(trainer, step: int, *numbers: int) -> None:
    """Send this process the signals once the trainer has taken `step` agent steps (after that agent step)."""
    play_step = trainer.play_step

    def play_then_signal(*args, **kwargs):
        play_step(*args, **kwargs)
        if trainer.step == step:
            for number in numbers:
                os.kill(os.getpid(), number)

    trainer.play_step = play_then_signal


@pytest.fixture
def fallback_handlers():
    """Handlers that only record, so a signal the trainer failed to catch fails the test, not pytest."""
    caught: list[int] = []

    def record(number, frame):
        caught.append(number)

    previous = {number: signal.signal(number, record) for number in STOP_SIGNALS}
    yield caught
    assert all(signal.getsignal(number) is record for number in STOP_SIGNALS), "the trainer restores the handlers"
    for number, handler in previous.items():
        signal.signal(number, handler)


def check_set(run_dir: Path, refilled: bool = False) -> dict:
    """latest.pt and the one replay file it names belong together; no temporary file of ours is left."""
    folder = run_dir / "checkpoints"
    latest = torch.load(folder / "latest.pt", weights_only=True)
    replays = sorted(path.name for path in folder.glob("replay_step_*.pt"))
    assert replays == [latest["replay_file"]], "exactly the replay file latest.pt names"
    replay = torch.load(folder / latest["replay_file"], weights_only=True)
    assert replay["checkpoint_id"] == latest["checkpoint_id"]
    assert replay["steps"] == latest["replay_steps"]
    if not refilled:  # one emulator: one replay step per agent step (a refill's steps are not counted)
        assert latest["replay_steps"] == latest["step"]
    assert not list(folder.glob("*.pt.tmp"))
    return latest


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("dqn-tutorial: error: ") and "\n" not in err, err
    assert "Traceback" not in err
    return err


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    """A CartPole run trained to 600 agent steps (copied by the tests that change it)."""
    run_dir = tmp_path_factory.mktemp("finished") / "run"
    trainer_for(cartpole(eval_every=300, eval_episodes=1), run_dir).run()
    return run_dir


@pytest.fixture
def run_copy(finished_run, tmp_path):
    target = tmp_path / "run"
    shutil.copytree(finished_run, target)
    return target


# ----- one unit -----
def test_latest_names_its_replay_file_and_older_sets_go(finished_run):
    latest = check_set(finished_run)
    assert latest["step"] == 600 and latest["replay_file"].startswith("replay_step_000000600_")
    assert not (finished_run / "checkpoints" / "replay.pt").exists()


def test_a_replay_file_from_another_set_is_refused(run_copy, capsys):
    folder = run_copy / "checkpoints"
    old = check_set(run_copy)
    saved_replay = (folder / old["replay_file"]).read_bytes()
    assert main(["resume", "--run-dir", str(run_copy), "--total-steps", "700", "--no-progress"]) == 0
    capsys.readouterr()
    new = check_set(run_copy)
    (folder / new["replay_file"]).write_bytes(saved_replay)  # the older set's memory under the new name
    assert main(["resume", "--run-dir", str(run_copy), "--total-steps", "800", "--no-progress"]) == 2
    assert "does not belong to" in one_line_error(capsys)


def test_a_missing_replay_file_is_refused(run_copy, capsys):
    latest = check_set(run_copy)
    (run_copy / "checkpoints" / latest["replay_file"]).unlink()
    assert main(["resume", "--run-dir", str(run_copy), "--total-steps", "700", "--no-progress"]) == 2
    assert "incomplete" in one_line_error(capsys)


def test_an_older_single_replay_file_must_match_its_step(run_copy, capsys):
    """Runs saved before checkpoint sets had latest.pt and replay.pt, written one after the other."""
    folder = run_copy / "checkpoints"
    latest = check_set(run_copy)
    replay = torch.load(folder / latest["replay_file"], weights_only=True)
    (folder / latest["replay_file"]).unlink()
    for key in ("checkpoint_id", "replay_file", "replay_steps"):
        del latest[key]
    torch.save(latest, folder / "latest.pt")
    torch.save({**replay, "steps": replay["steps"] - 100}, folder / "replay.pt")  # 100 steps behind
    assert main(["resume", "--run-dir", str(run_copy), "--total-steps", "700", "--no-progress"]) == 2
    error = one_line_error(capsys)
    assert "does not belong to" in error and "delete" in error
    (folder / "replay.pt").unlink()  # as the message says: the memory is refilled by playing
    summary = resume(run_copy, total_steps=700, progress=False)
    assert summary["refill_steps"] == 200 and summary["updates"] == 500  # learning_starts; no updates lost
    check_set(run_copy, refilled=True)


def test_leftovers_of_a_killed_write_are_removed_and_nothing_else(run_copy):
    folder = run_copy / "checkpoints"
    ours = [
        "latest.pt.tmp",
        "step_000000900.pt.tmp",
        "replay_step_000000900_0badf00d.pt.tmp",
        "best.pt.tmp",
        "replay_step_000000900_0badf00d.pt",
    ]  # the last: a set whose latest.pt was never published
    theirs = ["notes.tmp", "my.pt.tmp.txt", "keep.txt"]
    for name in ours + theirs:
        (folder / name).write_bytes(b"partial")
    (run_copy / "outside.pt.tmp").write_bytes(b"not in checkpoints/")
    resume(run_copy, total_steps=700, progress=False)
    check_set(run_copy)
    left = {path.name for path in folder.iterdir()}
    assert not left & set(ours) and set(theirs) <= left and (run_copy / "outside.pt.tmp").exists()


# ----- signals -----
@pytest.mark.parametrize("number", STOP_SIGNALS, ids=lambda n: signal.Signals(n).name)
def test_a_stop_signal_saves_and_ends_with_one_line(number, tmp_path, fallback_handlers):
    run_dir = tmp_path / "run"
    trainer = trainer_for(cartpole(), run_dir)
    signal_at(trainer, 350, number)
    with pytest.raises(UserError) as stopped:
        trainer.run()
    message = str(stopped.value)
    name = signal.Signals(number).name
    assert f"interrupted ({name}) at step 350" in message and "\n" not in message
    assert f"dqn-tutorial resume --run-dir {run_dir}" in message
    assert fallback_handlers == []
    assert check_set(run_dir)["step"] == 350
    summary = resume(run_dir, progress=False)
    assert summary["total_steps"] == 600 and summary["updates"] == 400 and summary["refill_steps"] == 0


def test_signals_during_the_save_do_not_start_another(tmp_path, fallback_handlers, monkeypatch, capsys):
    run_dir = tmp_path / "run"
    trainer = trainer_for(cartpole(), run_dir)
    signal_at(trainer, 350, signal.SIGTERM, signal.SIGTERM)  # a second one right away
    writes = []
    save = training.atomic_save

    def save_while_signalled(obj, path):
        writes.append(Path(path).name)
        if trainer.step == 350:
            os.kill(os.getpid(), signal.SIGINT)  # and one during every file write of the interrupt's save
        save(obj, path)

    monkeypatch.setattr(training, "atomic_save", save_while_signalled)
    with pytest.raises(UserError, match=r"interrupted \(SIGTERM\) at step 350"):
        trainer.run()
    # the periodic set at 300 and the interrupt's at 350 were each written once, whole
    assert [name.split("_0000")[0] for name in writes] == ["replay_step", "step", "latest.pt"] * 2
    assert check_set(run_dir)["step"] == 350 and fallback_handlers == []
    assert "still saving" in capsys.readouterr().err


def test_sigterm_from_outside_ends_the_command_with_status_2(tmp_path):
    run_dir = tmp_path / "run"
    command = [
        sys.executable,
        "-m",
        "dqn_tutorial",
        "train",
        "--preset",
        "cartpole",
        "--run-dir",
        str(run_dir),
        "--total-steps",
        "100000",
        "--learning-starts",
        "200",
        "--checkpoint-every",
        "300",
        "--replay-capacity",
        "1000",
        "--no-progress",
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ, OMP_NUM_THREADS="1")
    )
    deadline = time.monotonic() + 60
    while (
        not (run_dir / "checkpoints" / "latest.pt").exists() and process.poll() is None and time.monotonic() < deadline
    ):
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "interrupted (SIGTERM)" in lines[0] and "resume --run-dir" in lines[0]
    check_set(run_dir)


# ----- every preset resumes -----
@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_resumes_after_an_interrupt(name, tmp_path, fallback_handlers, capsys):
    preset = get_preset(name)
    n = preset.num_envs
    if preset.is_atari:  # a few dozen agent steps per emulator, learning from the middle
        start, stop, total = 32 * n, 48 * n, 64 * n
        changes = dict(replay_capacity=64 * n, log_every=16 * n)
    else:
        start, stop, total = 200, 350, 500
        changes = dict(replay_capacity=1000, log_every=100)
    config = preset.replace(
        learning_starts=start,
        total_steps=total,
        eval_every=10**9,
        checkpoint_every=10**9,
        device="cpu",
        num_threads=1,
        **changes,
    )
    run_dir = tmp_path / "run"
    trainer = trainer_for(config, run_dir)
    signal_at(trainer, stop, signal.SIGINT)
    with pytest.raises(UserError) as stopped:
        trainer.run()
    advice = str(stopped.value).split("Continue with: ")[1]
    command = advice.split(" (")[0].split()
    assert command[:2] == ["dqn-tutorial", "resume"]
    assert main(command[1:] + ["--no-progress"]) == 0, capsys.readouterr().err  # the advice, as given
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["total_steps"] == total and summary["resumes"] == 1
    assert summary["updates"] == (total - start) // config.update_every  # as many updates as without a stop
    assert (summary["refill_steps"] > 0) == (not config.save_replay)


# ----- nothing we load runs code -----
class RunsCode:
    """Unpickling this runs `touch MARKER` (what a malicious checkpoint would do)."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def test_every_file_a_run_writes_loads_with_weights_only(finished_run):
    files = sorted((finished_run / "checkpoints").glob("*.pt"))
    assert {"latest.pt", "best.pt"} <= {path.name for path in files}
    for path in files:
        torch.load(path, weights_only=True)


def test_a_crafted_checkpoint_is_refused_without_running_it(tmp_path, capsys):
    marker = tmp_path / "MARKER"
    run_dir = tmp_path / "run"
    (run_dir / "checkpoints").mkdir(parents=True)
    get_preset("nature2015").save(run_dir / "config.json")
    torch.save(
        {"config": get_preset("nature2015").to_dict(), "online": RunsCode(marker), "step": 1},
        run_dir / "checkpoints" / "latest.pt",
    )
    for argv in (
        ["resume", "--run-dir", str(run_dir), "--no-progress"],
        ["evaluate", str(run_dir)],
        ["record", str(run_dir), "--output", str(tmp_path / "game.gif")],
    ):
        assert main(argv) == 2
        assert "refused to load" in one_line_error(capsys), argv
    assert not marker.exists()


def test_a_crafted_replay_file_is_refused_without_running_it(run_copy, tmp_path, capsys):
    marker = tmp_path / "MARKER"
    latest = check_set(run_copy)
    torch.save(
        {"checkpoint_id": latest["checkpoint_id"], "steps": latest["replay_steps"], "frames": RunsCode(marker)},
        run_copy / "checkpoints" / latest["replay_file"],
    )
    assert main(["resume", "--run-dir", str(run_copy), "--total-steps", "700", "--no-progress"]) == 2
    assert "refused to load" in one_line_error(capsys)
    assert not marker.exists()


# ----- memory and disk -----
def test_host_memory_is_read():
    available, source = training.available_host_memory()
    assert available > 0 and source


def test_a_replay_memory_too_big_for_memory_stops_before_allocating(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(training, "available_host_memory", lambda: (50_000_000, "a test limit"))
    run_dir = tmp_path / "run"
    argv = [
        "train",
        "--preset",
        "breakout_cpu",
        "--run-dir",
        str(run_dir),
        "--replay-capacity",
        "10000",
        "--no-progress",
    ]
    assert main(argv) == 2  # 10,000 Breakout transitions need 0.07 GB
    error = one_line_error(capsys)
    assert "0.07 GB" in error and "0.05 GB" in error and "a test limit" in error and "--replay-capacity" in error
    assert not run_dir.exists()  # nothing half-made: the same command with a smaller memory can start


def test_a_checkpoint_too_big_for_the_disk_stops_with_the_numbers(run_copy, monkeypatch, capsys):
    before = check_set(run_copy)
    monkeypatch.setattr(checkpoints, "_free_bytes", lambda folder: 1_000)
    assert main(["resume", "--run-dir", str(run_copy), "--total-steps", "900", "--no-progress"]) == 2
    error = one_line_error(capsys)
    assert "not enough disk space" in error and "0.000 GB is free" in error and "--replay-capacity" in error
    assert check_set(run_copy)["checkpoint_id"] == before["checkpoint_id"]


class FullDisk:
    """A file whose writes fail with ENOSPC once `room` bytes are written."""

    def __init__(self, handle, room: int):
        self.handle, self.room = handle, room

    def write(self, data) -> int:
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return self.handle.write(data)

    def __getattr__(self, name):
        return getattr(self.handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.handle.close()


@pytest.mark.parametrize("failing", ["replay_step", "latest.pt"])
def test_a_disk_that_fills_up_during_a_write_leaves_the_last_set(failing, run_copy, monkeypatch, capsys):
    before = check_set(run_copy)

    def open_on_a_full_disk(path, mode="r", *args, **kwargs):
        handle = open(path, mode, *args, **kwargs)
        return FullDisk(handle, 4096) if Path(path).name.startswith(failing) else handle

    monkeypatch.setattr(checkpoints, "open", open_on_a_full_disk, raising=False)
    assert main(["resume", "--run-dir", str(run_copy), "--total-steps", "900", "--no-progress"]) == 2
    error = one_line_error(capsys)
    assert "No space left on device" in error and "previous checkpoint is intact" in error
    folder = run_copy / "checkpoints"
    assert not list(folder.glob("*.tmp"))
    latest = torch.load(folder / "latest.pt", weights_only=True)
    assert latest["checkpoint_id"] == before["checkpoint_id"] and (folder / latest["replay_file"]).is_file()
    monkeypatch.undo()
    assert resume(run_copy, total_steps=900, progress=False)["updates"] == 700  # and it resumes from there
    check_set(run_copy)
