"""benchmarks/ablation.py on a local Ray instance (issue 15).

Two promises of `--ray`: the runs give exactly the numbers of the sequential path (each run seeds from
its own config and uses one PyTorch thread, whichever worker runs it), and a sweep killed halfway
continues without redoing the runs that had finished. A small CartPole sweep (2 rungs x 2 seeds x
3,000 agent steps) checks both in about a minute: once in this process's way (no Ray), once on a Ray
instance of 2 CPUs that is SIGKILLed as soon as the first run's file exists, then run again.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("ray", reason="Ray is an optional extra, not installed here: pip install -e '.[ray]'")

REPOSITORY = Path(__file__).resolve().parents[2]
SCRIPT = REPOSITORY / "benchmarks" / "ablation.py"
SWEEP = ["--seeds", "2", "--steps", "3000", "--eval-every", "1000", "--only", "preset", "network"]
RUNS = 4
TIMING = ("wall_seconds", "cpu_seconds")  # the clock, not the run: the only fields allowed to differ
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONUNBUFFERED": "1"}


def command(out: Path, *extra: str) -> list[str]:
    return [sys.executable, str(SCRIPT), *SWEEP, "--out", str(out), *extra]


def sweep(out: Path, *extra: str) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    done = subprocess.run(command(out, *extra), cwd=REPOSITORY, env=ENV, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done, time.perf_counter() - start


def rows(path: Path, drop=TIMING) -> list[dict]:
    with open(path, newline="") as handle:
        return [{k: v for k, v in row.items() if k not in drop} for row in csv.DictReader(handle)]


def runs_kept(out: Path) -> dict[str, dict]:
    return {path.name: json.loads(path.read_text()) for path in (out / "ablation_cartpole_parts").glob("*.json")}


def without_timing(part: dict) -> dict:
    return {
        "run": {k: v for k, v in part["run"].items() if k not in TIMING},
        "curves": part["curves"],
        "task": part["task"],
    }


@pytest.mark.slow
def test_ray_sweep_equals_sequential_and_resumes_after_a_kill(tmp_path):
    sequential, sequential_wall = sweep(tmp_path / "sequential")

    # On Ray, killed (the driver and the Ray instance it started, one process group) once a run has finished.
    out = tmp_path / "ray"
    parts = out / "ablation_cartpole_parts"
    start = time.perf_counter()
    with open(tmp_path / "killed.log", "w") as log:
        process = subprocess.Popen(
            command(out, "--ray", "local", "--ray-cpus", "2"),
            cwd=REPOSITORY,
            env=ENV,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            while not list(parts.glob("*.json")) and process.poll() is None and time.perf_counter() - start < 300:
                time.sleep(0.05)
        finally:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    killed_wall = time.perf_counter() - start
    log_text = (tmp_path / "killed.log").read_text()
    at_kill = {path.name: (path.stat().st_ino, path.stat().st_mtime_ns) for path in parts.glob("*.json")}
    assert 0 < len(at_kill) < RUNS, (
        f"the kill should fall between the first and last run: {sorted(at_kill)}\n{log_text}"
    )
    assert not (out / "ablation_cartpole_runs.csv").exists()

    resumed, resumed_wall = sweep(out, "--ray", "local", "--ray-cpus", "2")
    header = json.loads(resumed.stdout.splitlines()[0])
    assert (header["kept_from_before"], header["to_run"]) == (len(at_kill), RUNS - len(at_kill))
    for name, (inode, mtime) in at_kill.items():  # kept as they were: not run again, not rewritten
        assert ((parts / name).stat().st_ino, (parts / name).stat().st_mtime_ns) == (inode, mtime), name
    print(
        f"\nsmall CartPole sweep ({RUNS} runs): sequential {sequential_wall:.1f} s; on Ray (2 CPUs) killed after "
        f"{killed_wall:.1f} s with {len(at_kill)} run(s) finished, then resumed in {resumed_wall:.1f} s "
        f"(both include Ray's start)"
    )

    # Exactly the sequential path's numbers: every run's rows and curves, and the files Chapter 12 reads.
    on_ray, alone = runs_kept(out), runs_kept(tmp_path / "sequential")
    assert sorted(on_ray) == sorted(alone) and len(on_ray) == RUNS
    for name in alone:
        assert without_timing(on_ray[name]) == without_timing(alone[name]), name
    for name in ["ablation_cartpole_runs.csv", "ablation_cartpole_curves.csv"]:
        assert rows(out / name) == rows(tmp_path / "sequential" / name), name
    curves = "ablation_cartpole_curves.csv"
    assert rows(out / curves, drop=()) == rows(tmp_path / "sequential" / curves, drop=())  # no clock in the curves
    assert list(rows(out / "ablation_cartpole_runs.csv", drop=())[0]) == [
        "variant",
        "seed",
        "steps",
        "updates",
        "parameters",
        "final_eval",
        "best_eval",
        "mean_eval_over_run",
        "wall_seconds",
        "cpu_seconds",
    ]  # the columns Chapter 12 reads, unchanged

    # Provenance per run: the node that ran it, its commit, and the command of the sweep that ran it.
    provenance = json.loads((out / "ablation_cartpole.json").read_text())
    assert provenance["ray"] == "local" and len(provenance["runs"]) == RUNS
    for run in provenance["runs"]:
        assert run["host"] == socket.gethostname() and run["commit"] and "--ray local" in run["command"]
    assert json.loads(sequential.stdout.splitlines()[-1])["total_cpu_seconds"] > 0
