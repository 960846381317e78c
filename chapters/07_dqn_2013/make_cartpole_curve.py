"""Train the `cartpole` preset over a few seeds and save its learning curves for Chapter 7.

The chapter does not train at book-build time: it reads the file this script writes. Run it from the
repository root (it takes a few minutes on a laptop CPU, one seed after the other):

    OMP_NUM_THREADS=1 .venv/bin/python chapters/07_dqn_2013/make_cartpole_curve.py

Output: `book/data/cartpole_dqn.csv`, one row per logging interval and seed, with the columns

    seed, step, episodes, epsilon, loss, q_mean, recent_return, eval_mean, eval_std

`recent_return` is the mean return of the last 100 training games (epsilon-greedy); `eval_mean` and
`eval_std` are filled on the rows where the run was evaluated (greedy play, 10 games) and empty
elsewhere. The lines starting with `#` at the top record how the file was made: the command, the git
commit, the machine, the wall time, and the preset's settings.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import torch

from dqn_tutorial.config import get_preset
from dqn_tutorial.metrics import read_csv
from dqn_tutorial.training import train

REPOSITORY = Path(__file__).resolve().parents[2]
COLUMNS = ["seed", "step", "episodes", "epsilon", "loss", "q_mean", "recent_return", "eval_mean", "eval_std"]


def git_commit() -> str:
    """The commit the code was at, with '+changes' when the working tree differed from it."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPOSITORY, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPOSITORY,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return commit + (" +uncommitted changes" if dirty else "")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} logical cores, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, torch {torch.__version__}, "
            f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")


def run_seed(seed: int, total_steps: int | None, root: Path) -> tuple[list[dict], dict]:
    """Train one seed; return its rows (metrics joined with evaluations on the step) and its summary."""
    config = get_preset("cartpole").replace(seed=seed, device="cpu")
    if total_steps is not None:
        config = config.replace(total_steps=total_steps)
    run_dir = root / f"seed{seed}"
    summary = train(config, run_dir, progress=False)
    evaluations = {}
    if (run_dir / "evaluations.csv").is_file():
        evaluations = {int(r["step"]): r for r in read_csv(run_dir / "evaluations.csv")}
    rows = []
    for r in read_csv(run_dir / "metrics.csv"):
        step = int(r["step"])
        evaluation = evaluations.get(step)
        rows.append({
            "seed": seed, "step": step, "episodes": int(r["episodes"]), "epsilon": r["epsilon"],
            "loss": _round(r["loss"]), "q_mean": _round(r["q_mean"]), "recent_return": _round(r["recent_return"]),
            "eval_mean": "" if evaluation is None else evaluation["mean"],
            "eval_std": "" if evaluation is None else _round(evaluation["std"]),
        })
    return rows, summary


def _round(value: float) -> float | str:
    return "" if value != value else round(value, 5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--total-steps", type=int, default=None, help="default: the preset's total_steps")
    parser.add_argument("--output", type=Path, default=REPOSITORY / "book" / "data" / "cartpole_dqn.csv")
    args = parser.parse_args(argv)

    python = sys.executable
    if Path(python).resolve().is_relative_to(REPOSITORY) or Path(python).is_relative_to(REPOSITORY):
        python = os.path.relpath(python, REPOSITORY)
    command = "OMP_NUM_THREADS={} {} {}".format(
        os.environ.get("OMP_NUM_THREADS", ""), python,
        " ".join(shlex.quote(a) for a in [os.path.relpath(__file__, REPOSITORY), *(argv or sys.argv[1:])]))
    preset = get_preset("cartpole")
    if args.total_steps is not None:
        preset = preset.replace(total_steps=args.total_steps)
    commit = git_commit()  # the code as it was when the runs started
    started = time.perf_counter()
    all_rows, per_seed = [], []
    with tempfile.TemporaryDirectory(prefix="cartpole_curve_") as root:
        for seed in args.seeds:
            seed_started = time.perf_counter()
            rows, summary = run_seed(seed, args.total_steps, Path(root))
            seconds = time.perf_counter() - seed_started
            all_rows += rows
            per_seed.append(f"seed {seed}: {seconds:.0f} s, best evaluation {summary['best_eval_mean']}, "
                            f"last-100 training return {summary['recent_return_mean']:.1f}")
            print(per_seed[-1], flush=True)
    wall = time.perf_counter() - started

    header = [
        f"command: {command}",
        f"commit: {commit}",
        f"machine: {machine()}",
        f"date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}",
        f"wall time: {wall:.0f} s for {len(args.seeds)} seeds, one after the other",
        *per_seed,
        "preset cartpole: " + json.dumps(preset.to_dict(), separators=(",", ":")),
        "steps are agent steps (CartPole has no frame skipping: 1 step = 1 frame)",
    ]
    buffer = io.StringIO()
    for line in header:
        buffer.write(f"# {line}\n")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(all_rows)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(buffer.getvalue())
    print(f"wrote {args.output} ({len(all_rows)} rows) in {wall:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
