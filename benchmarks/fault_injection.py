"""Kill a training run again and again (SIGKILL, no warning) and check that it always resumes.

Each round starts `dqn-tutorial train` (the first) or `dqn-tutorial resume` (the others) on a small
CartPole run that writes a checkpoint set every few agent steps, and kills it with SIGKILL either at
a random moment once it has made progress, or while it is writing a checkpoint file (as soon as a
`*.pt.tmp` file appears). After each kill it inspects what the killed process left:

- a corrupt set: `latest.pt` or the replay file it names cannot be loaded (weights_only=True);
- a mismatched set: the replay file is missing or not the one saved with `latest.pt` (another checkpoint
  id, or a step count that differs from the checkpoint's);
- a failed resume: a resume that ended by itself with an error before it was killed, or that never
  got past the step it started from.

A last resume runs to the end undisturbed; afterwards no `*.tmp` file and no replay file but the one
`latest.pt` names may remain, and the counters must be those of an uninterrupted run
(updates = (total_steps - learning_starts) / update_every).

Prints one JSON line per round and a summary line:

    python benchmarks/fault_injection.py --rounds 30
    {"summary": true, "kills": 30, "kills_during_writes": 15, "resumes": 30, "resumes_ok": 30,
     "corrupt_sets": 0, "mismatched_sets": 0, "tmp_left_after_resume": 0, "replay_files_after_resume": 1, ...}

Not measured here: whether the resumed run is bit-identical to an uninterrupted one (emulator state).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import torch

CHECKPOINT_EVERY = 100
LEARNING_STARTS = 200


def train_command(run_dir: Path, total_steps: int) -> list[str]:
    return [sys.executable, "-m", "dqn_tutorial", "train", "--preset", "cartpole", "--run-dir", str(run_dir),
            "--total-steps", str(total_steps), "--learning-starts", str(LEARNING_STARTS),
            "--replay-capacity", "2000", "--checkpoint-every", str(CHECKPOINT_EVERY), "--eval-every", "1000",
            "--eval-episodes", "1", "--log-every", "100", "--no-progress"]


def resume_command(run_dir: Path, total_steps: int) -> list[str]:
    return [sys.executable, "-m", "dqn_tutorial", "resume", "--run-dir", str(run_dir),
            "--total-steps", str(total_steps), "--no-progress"]


def inspect_set(run_dir: Path) -> dict:
    """What latest.pt and its replay file hold: step, and whether they are corrupt or mismatched."""
    folder = run_dir / "checkpoints"
    report = {"step": None, "corrupt": False, "mismatched": False, "tmp_files": len(list(folder.glob("*.tmp")))}
    if not (folder / "latest.pt").is_file():
        report["no_checkpoint_yet"] = True
        return report
    try:
        latest = torch.load(folder / "latest.pt", weights_only=True)
        report["step"] = latest["step"]
    except Exception as error:  # noqa: BLE001  (anything unreadable is what we count)
        report.update(corrupt=True, error=f"latest.pt: {type(error).__name__}")
        return report
    name = latest.get("replay_file")
    if name is None or not (folder / name).is_file():
        report.update(mismatched=True, error=f"replay file {name} missing")
        return report
    try:
        replay = torch.load(folder / name, weights_only=True)
    except Exception as error:  # noqa: BLE001
        report.update(corrupt=True, error=f"{name}: {type(error).__name__}")
        return report
    if (replay.get("checkpoint_id") != latest.get("checkpoint_id") or replay.get("steps") != latest.get("replay_steps")
            or latest.get("replay_steps") != latest["step"]):  # one emulator: one replay step per agent step
        report.update(mismatched=True, error="replay file and latest.pt differ")
    return report


def latest_mtime(run_dir: Path) -> float:
    try:
        return (run_dir / "checkpoints" / "latest.pt").stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def wait_for(condition, process: subprocess.Popen, timeout: float) -> bool:
    """Poll `condition` every half millisecond until it holds, the process ends, or the time is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.0005)
    return False


# A set is written in this order; a kill "during a write" waits for the temporary file of one of them.
WRITES = ("replay_step_", "step_", "latest.pt")


def one_round(command: list[str], run_dir: Path, during_write: str | None, rng: random.Random, timeout: float) -> dict:
    """Start `command`, wait until it has published a new checkpoint, then SIGKILL it (see module doc).

    during_write: None for a random moment, else the start of the file name whose write is cut short.
    """
    folder = run_dir / "checkpoints"
    before = latest_mtime(run_dir)
    env = dict(os.environ, OMP_NUM_THREADS="1")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    progressed = wait_for(lambda: latest_mtime(run_dir) != before, process, timeout)
    moment = "random"
    if progressed and during_write:
        # stale *.tmp files are gone once the process has started (it removes them first)
        writing: list[str] = []

        def temporary_file_there() -> bool:
            writing[:] = [name for name in os.listdir(folder) if name.endswith(".tmp") and name.startswith(during_write)]
            return bool(writing)

        caught = wait_for(temporary_file_there, process, timeout)
        moment = f"during_write:{','.join(writing)}" if caught else "write_missed"
    elif progressed:
        time.sleep(rng.uniform(0.0, 0.6))
    killed = process.poll() is None
    if killed:
        process.send_signal(signal.SIGKILL)
    _, stderr = process.communicate()
    row = {"command": command[3], "killed": killed, "moment": moment if killed else "ended_itself",
           "returncode": process.returncode, "progressed": progressed}
    if not killed and process.returncode != 0:
        row["stderr"] = stderr.strip().splitlines()[-1:] if stderr.strip() else []
    row.update(inspect_set(run_dir))
    return row


def inject_faults(run_dir: Path, rounds: int, seed: int = 0, timeout: float = 60.0, extra_steps: int = 300) -> dict:
    """`rounds` kills (alternately at random moments and during the writes of each file of a set), then one
    undisturbed resume."""
    rng = random.Random(seed)
    total_steps = 1_000_000  # never reached while killing; the last resume sets its own end
    rows, command = [], train_command(run_dir, total_steps)
    for index in range(rounds):
        target = WRITES[(index // 2) % len(WRITES)] if index % 2 else None
        row = one_round(command, run_dir, during_write=target, rng=rng, timeout=timeout)
        row["round"] = index
        rows.append(row)
        print(json.dumps(row), flush=True)
        if (run_dir / "checkpoints" / "latest.pt").is_file():
            command = resume_command(run_dir, total_steps)
    steps = [row["step"] for row in rows]
    resume_rows = [(previous, row) for previous, row in zip(rows, rows[1:]) if row["command"] == "resume"]
    # a resume worked when it did not fail by itself and published a checkpoint past the one it started from
    resumes_ok = sum(1 for previous, row in resume_rows
                     if (row["killed"] or row["returncode"] == 0) and row["progressed"]
                     and row["step"] is not None and previous["step"] is not None and row["step"] > previous["step"])
    final_total = (max(s for s in steps if s is not None) if any(s is not None for s in steps) else 0) + extra_steps
    env = dict(os.environ, OMP_NUM_THREADS="1")
    final = subprocess.run(resume_command(run_dir, final_total), capture_output=True, text=True, env=env)
    summary_line = final.stdout.strip().splitlines()[-1] if final.stdout.strip() else "{}"
    summary = json.loads(summary_line) if final.returncode == 0 else {}
    expected_updates = (final_total - LEARNING_STARTS) // 1  # the cartpole preset: one update per agent step
    last = inspect_set(run_dir)
    return {
        "summary": True, "rounds": rounds, "kills": sum(row["killed"] for row in rows),
        "kills_during_writes": sum(row["killed"] and row["moment"].startswith("during_write") for row in rows),
        "resumes": len(resume_rows) + 1, "resumes_ok": resumes_ok + (final.returncode == 0),
        "final_resume_returncode": final.returncode,
        "final_resume_error": final.stderr.strip().splitlines()[-1:] if final.returncode else [],
        "corrupt_sets": sum(row["corrupt"] for row in rows) + last["corrupt"],
        "mismatched_sets": sum(row["mismatched"] for row in rows) + last["mismatched"],
        "tmp_files_left_by_kills": sum(row["tmp_files"] for row in rows),
        "tmp_left_after_resume": last["tmp_files"],
        "replay_files_after_resume": len(list((run_dir / "checkpoints").glob("replay_step_*.pt"))),  # 1: no orphan
        "final_step": summary.get("total_steps"), "final_updates": summary.get("updates"),
        "updates_as_uninterrupted": summary.get("updates") == expected_updates,
        "resumes_recorded": summary.get("resumes"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="kills (half of them during checkpoint writes)")
    parser.add_argument("--run-dir", type=Path, default=None, help="default: a fresh temporary folder")
    parser.add_argument("--seed", type=int, default=0, help="seeds the random kill moments")
    args = parser.parse_args(argv)
    if args.run_dir is None:
        import tempfile
        args.run_dir = Path(tempfile.mkdtemp(prefix="fault-injection-")) / "run"
    if args.run_dir.exists():
        print(f"fault_injection: {args.run_dir} already exists: give a new --run-dir", file=sys.stderr)
        return 2
    start = time.perf_counter()
    result = inject_faults(args.run_dir, args.rounds, args.seed)
    result["wall_seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(result), flush=True)
    ok = (result["resumes_ok"] == result["resumes"] and not result["corrupt_sets"] and not result["mismatched_sets"]
          and not result["tmp_left_after_resume"] and result["updates_as_uninterrupted"]
          and result["replay_files_after_resume"] == 1)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
