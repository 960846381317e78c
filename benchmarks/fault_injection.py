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

Then the divergence from the uninterrupted run: the same config and seed, trained to the same step in
one go (in `RUN_DIR-uninterrupted`), and its final state compared with the killed-and-resumed run's.
The plain engine resumes exactly, so everything must be bit-identical: the online and target weights
(`max_weight_difference`, `weight_tensors_differing`), the optimizer state, the counters and every
other part of `latest.pt` (random generators, games in progress, pending losses), the replay memory,
`best.pt`, and the rows of metrics.csv and evaluations.csv. Left out, as in
tests/reference/test_exact_resume.py: the wall-clock columns (`wall_seconds`, `steps_per_second`), the
checkpoint's clocks, the number of resumes, and each set's random ID (and so its replay file's name);
and `best.pt`'s `config.total_steps`, the one field the benchmark itself changes (the killed sessions
train towards 1,000,000 steps, the last resume sets the end, and best.pt keeps its writer's config).

Prints one JSON line per round and a summary line:

    python benchmarks/fault_injection.py --rounds 30
    {"summary": true, "kills": 30, "kills_during_writes": 15, "resumes": 30, "resumes_ok": 30,
     "corrupt_sets": 0, "mismatched_sets": 0, "tmp_left_after_resume": 0, "replay_files_after_resume": 1, ...,
     "identical_to_uninterrupted": true, "weights_identical": true, "max_weight_difference": 0.0,
     "weight_tensors_differing": 0, "optimizer_identical": true, "counters_identical": true,
     "log_rows_identical": true, ...}
"""

from __future__ import annotations

import argparse
import csv
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

# What may differ between a resumed run and the uninterrupted one (see the module doc).
WALL_CLOCK_COLUMNS = ("wall_seconds", "steps_per_second")
NOT_COMPARED = {"wall_seconds", "learning_seconds", "resumes", "checkpoint_id", "replay_file"}
COUNTERS = (
    "step",
    "updates",
    "episodes",
    "best_eval",
    "learning_steps",
    "recent_returns",
    "next_log",
    "next_eval",
    "next_checkpoint",
    "replay_steps",
)


def train_command(run_dir: Path, total_steps: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "dqn_tutorial",
        "train",
        "--preset",
        "cartpole",
        "--run-dir",
        str(run_dir),
        "--total-steps",
        str(total_steps),
        "--learning-starts",
        str(LEARNING_STARTS),
        "--replay-capacity",
        "2000",
        "--checkpoint-every",
        str(CHECKPOINT_EVERY),
        "--eval-every",
        "1000",
        "--eval-episodes",
        "1",
        "--log-every",
        "100",
        "--no-progress",
    ]


def resume_command(run_dir: Path, total_steps: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "dqn_tutorial",
        "resume",
        "--run-dir",
        str(run_dir),
        "--total-steps",
        str(total_steps),
        "--no-progress",
    ]


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
    if (
        replay.get("checkpoint_id") != latest.get("checkpoint_id")
        or replay.get("steps") != latest.get("replay_steps")
        or latest.get("replay_steps") != latest["step"]
    ):  # one emulator: one replay step per agent step
        report.update(mismatched=True, error="replay file and latest.pt differ")
    return report


def bits(tensor: torch.Tensor) -> torch.Tensor:
    """The tensor's bytes: equal bits, not just equal values (NaN == NaN, -0.0 != 0.0)."""
    return tensor.detach().contiguous().reshape(-1).view(torch.uint8)


def leaf_differences(expected, actual, where: str = "") -> list[tuple[str, bool, float | None]]:
    """Every leaf of two nested checkpoints: (path, bit-identical, max abs difference for float tensors).

    A leaf missing on one side, or of another type, shape or dtype, counts as differing (difference inf).
    """
    if isinstance(expected, torch.Tensor) or isinstance(actual, torch.Tensor):
        if not (
            isinstance(expected, torch.Tensor)
            and isinstance(actual, torch.Tensor)
            and expected.dtype == actual.dtype
            and expected.shape == actual.shape
        ):
            return [(where, False, float("inf"))]
        same = torch.equal(bits(expected), bits(actual))
        difference = None
        if expected.is_floating_point():
            difference = (
                0.0 if same else float((expected.double() - actual.double()).abs().nan_to_num(float("inf")).max())
            )
        return [(where, same, difference)]
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = []
        for key in sorted(set(expected) | set(actual), key=str):
            if key not in expected or key not in actual:
                found.append((f"{where}.{key}", False, float("inf")))
            else:
                found.extend(leaf_differences(expected[key], actual[key], f"{where}.{key}"))
        return found
    if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
        if len(expected) != len(actual):
            return [(where, False, float("inf"))]
        return [
            item
            for index, (a, b) in enumerate(zip(expected, actual))
            for item in leaf_differences(a, b, f"{where}[{index}]")
        ]
    if isinstance(expected, float) and isinstance(actual, float) and expected != expected:
        return [(where, actual != actual, None)]  # NaN: equal when both are NaN
    return [(where, type(expected) is type(actual) and expected == actual, None)]


def log_rows(path: Path) -> list[dict[str, str]]:
    """A CSV's rows as written (equal strings are equal floats), the wall-clock columns left out."""
    if not path.is_file():
        return []
    with open(path, newline="") as handle:
        return [
            {key: value for key, value in row.items() if key not in WALL_CLOCK_COLUMNS}
            for row in csv.DictReader(handle)
        ]


def compare_runs(reference: Path, resumed: Path) -> dict:
    """How far the resumed run's final state is from the uninterrupted run's (see the module doc)."""

    def final(run_dir: Path) -> tuple[dict, dict]:
        folder = run_dir / "checkpoints"
        latest = torch.load(folder / "latest.pt", weights_only=True)
        replay = torch.load(folder / latest["replay_file"], weights_only=True) if latest.get("replay_file") else {}
        return (
            {key: value for key, value in latest.items() if key not in NOT_COMPARED},
            {key: value for key, value in replay.items() if key != "checkpoint_id"},
        )

    (expected, expected_replay), (actual, actual_replay) = final(reference), final(resumed)

    def key_of(
        path: str,
    ) -> str:  # "latest.online.0.weight" -> "online", "latest.recent_returns[3]" -> "recent_returns"
        return path.split(".")[1].split("[")[0]

    groups: dict[str, list] = {"weights": [], "optimizer": [], "counters": [], "rest": []}
    for leaf in leaf_differences(expected, actual, "latest"):
        key = key_of(leaf[0])
        group = (
            "weights"
            if key in ("online", "target")
            else key
            if key == "optimizer"
            else "counters"
            if key in COUNTERS
            else "rest"
        )
        groups[group].append(leaf)
    weights, optimizer, counters, rest = (groups[name] for name in ("weights", "optimizer", "counters", "rest"))
    replay = leaf_differences(expected_replay, actual_replay, "replay")
    # best.pt keeps the config of the session that wrote it: the killed sessions ran towards an open end
    # (total_steps 1,000,000) that only the last resume replaced, so that one field is left out.
    best = [
        leaf
        for leaf in leaf_differences(
            *(
                torch.load(run / "checkpoints" / "best.pt", weights_only=True)
                if (run / "checkpoints" / "best.pt").is_file()
                else {}
                for run in (reference, resumed)
            ),
            "best",
        )
        if leaf[0] != "best.config.total_steps"
    ]
    differences = [difference for _, same, difference in weights if not same]
    rows = {name: (log_rows(reference / name), log_rows(resumed / name)) for name in ("metrics.csv", "evaluations.csv")}
    rows_differing = sum(
        sum(a != b for a, b in zip(expected_rows, actual_rows)) + abs(len(expected_rows) - len(actual_rows))
        for expected_rows, actual_rows in rows.values()
    )
    result = {
        "weights_identical": not differences and bool(weights),
        "max_weight_difference": max([0.0, *(d for d in differences if d is not None)]),
        "weight_tensors": len(weights),
        "weight_tensors_differing": len(differences),
        "optimizer_identical": all(same for _, same, _ in optimizer),
        "optimizer_tensors_differing": sum(not same for _, same, _ in optimizer),
        "counters_identical": all(same for _, same, _ in counters),
        "counters_differing": sorted({key_of(path) for path, same, _ in counters if not same}),
        # random generators, games in progress, pending losses, config: anything else latest.pt holds
        "other_state_identical": all(same for _, same, _ in rest),
        "other_state_differing": sorted({key_of(path) for path, same, _ in rest if not same}),
        "replay_identical": all(same for _, same, _ in replay) and bool(replay),
        "best_identical": all(same for _, same, _ in best),
        "log_rows_identical": rows_differing == 0,
        "log_rows_differing": rows_differing,
        "metrics_rows": len(rows["metrics.csv"][1]),
        "evaluation_rows": len(rows["evaluations.csv"][1]),
    }
    result["identical_to_uninterrupted"] = all(
        result[key]
        for key in (
            "weights_identical",
            "optimizer_identical",
            "counters_identical",
            "other_state_identical",
            "replay_identical",
            "best_identical",
            "log_rows_identical",
        )
    )
    return result


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
            writing[:] = [
                name for name in os.listdir(folder) if name.endswith(".tmp") and name.startswith(during_write)
            ]
            return bool(writing)

        caught = wait_for(temporary_file_there, process, timeout)
        moment = f"during_write:{','.join(writing)}" if caught else "write_missed"
    elif progressed:
        time.sleep(rng.uniform(0.0, 0.6))
    killed = process.poll() is None
    if killed:
        process.send_signal(signal.SIGKILL)
    _, stderr = process.communicate()
    row = {
        "command": command[3],
        "killed": killed,
        "moment": moment if killed else "ended_itself",
        "returncode": process.returncode,
        "progressed": progressed,
    }
    if not killed and process.returncode != 0:
        row["stderr"] = stderr.strip().splitlines()[-1:] if stderr.strip() else []
    row.update(inspect_set(run_dir))
    return row


def reference_dir_for(run_dir: Path) -> Path:
    """Where the uninterrupted run of the same config goes: beside the killed one."""
    return run_dir.with_name(run_dir.name + "-uninterrupted")


def inject_faults(
    run_dir: Path, rounds: int, seed: int = 0, timeout: float = 60.0, extra_steps: int = 300, compare: bool = True
) -> dict:
    """`rounds` kills (alternately at random moments and during the writes of each file of a set), then one
    undisturbed resume; with `compare`, then the uninterrupted run to the same step, and the divergence."""
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
    resumes_ok = sum(
        1
        for previous, row in resume_rows
        if (row["killed"] or row["returncode"] == 0)
        and row["progressed"]
        and row["step"] is not None
        and previous["step"] is not None
        and row["step"] > previous["step"]
    )
    final_total = (max(s for s in steps if s is not None) if any(s is not None for s in steps) else 0) + extra_steps
    env = dict(os.environ, OMP_NUM_THREADS="1")
    final = subprocess.run(resume_command(run_dir, final_total), capture_output=True, text=True, env=env)
    summary_line = final.stdout.strip().splitlines()[-1] if final.stdout.strip() else "{}"
    summary = json.loads(summary_line) if final.returncode == 0 else {}
    expected_updates = (final_total - LEARNING_STARTS) // 1  # the cartpole preset: one update per agent step
    last = inspect_set(run_dir)
    result = {
        "summary": True,
        "rounds": rounds,
        "kills": sum(row["killed"] for row in rows),
        "kills_during_writes": sum(row["killed"] and row["moment"].startswith("during_write") for row in rows),
        "resumes": len(resume_rows) + 1,
        "resumes_ok": resumes_ok + (final.returncode == 0),
        "final_resume_returncode": final.returncode,
        "final_resume_error": final.stderr.strip().splitlines()[-1:] if final.returncode else [],
        "corrupt_sets": sum(row["corrupt"] for row in rows) + last["corrupt"],
        "mismatched_sets": sum(row["mismatched"] for row in rows) + last["mismatched"],
        "tmp_files_left_by_kills": sum(row["tmp_files"] for row in rows),
        "tmp_left_after_resume": last["tmp_files"],
        "replay_files_after_resume": len(list((run_dir / "checkpoints").glob("replay_step_*.pt"))),  # 1: no orphan
        "final_step": summary.get("total_steps"),
        "final_updates": summary.get("updates"),
        "updates_as_uninterrupted": summary.get("updates") == expected_updates,
        "resumes_recorded": summary.get("resumes"),
    }
    if compare and final.returncode == 0:
        # The same command, never killed, trained straight to the step the resumed run ended at.
        reference = reference_dir_for(run_dir)
        uninterrupted = subprocess.run(train_command(reference, final_total), capture_output=True, text=True, env=env)
        if uninterrupted.returncode != 0:
            result["uninterrupted_error"] = uninterrupted.stderr.strip().splitlines()[-1:]
            result["identical_to_uninterrupted"] = False
        else:
            result["reference_dir"] = str(reference)
            result.update(compare_runs(reference, run_dir))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="kills (half of them during checkpoint writes)")
    parser.add_argument(
        "--run-dir",
        type=Path,
        default=None,
        help="default: a fresh temporary folder; the uninterrupted run goes beside it (RUN_DIR-uninterrupted)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seeds the random kill moments")
    args = parser.parse_args(argv)
    if args.run_dir is None:
        import tempfile

        args.run_dir = Path(tempfile.mkdtemp(prefix="fault-injection-")) / "run"
    for folder in (args.run_dir, reference_dir_for(args.run_dir)):
        if folder.exists():
            print(f"fault_injection: {folder} already exists: give a new --run-dir", file=sys.stderr)
            return 2
    start = time.perf_counter()
    result = inject_faults(args.run_dir, args.rounds, args.seed)
    result["wall_seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(result), flush=True)
    ok = (
        result["resumes_ok"] == result["resumes"]
        and not result["corrupt_sets"]
        and not result["mismatched_sets"]
        and not result["tmp_left_after_resume"]
        and result["updates_as_uninterrupted"]
        and result["replay_files_after_resume"] == 1
        and result.get("identical_to_uninterrupted", False)
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
