"""Peak memory of a full-size run: the Nature settings with the paper's 1,000,000-transition replay memory.

Trains `nature2015` until the replay memory has wrapped (1M agent steps = 4M frames, plus
`--extra-steps`), writes the final checkpoint with the replay memory (`save_replay`, as every real run
does), then resumes it for `--resume-steps` more steps. Prints JSON lines: each phase's peak host
memory (resident set of the training process) and peak GPU memory (PyTorch's allocations), the
checkpoint's size, and the wall time. A resume memory-maps the replay file: while it is copied in, its
pages count in the resident set too, but they are file cache the OS can drop, not allocated memory.

    python benchmarks/peak_memory.py --device cuda --engine fast --num-envs 32          # on a GPU
    python benchmarks/peak_memory.py --device cpu --engine fast --learning-starts 995000  # a CPU, quicker

On a CPU, updates are slow (about 29 ms each), so `--learning-starts` near 1M fills the memory by
random play and learns only at the end; the memory held does not depend on how many updates ran.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
CAPACITY = 1_000_000


def run_phase(command: list[str], run_dir: Path) -> dict:
    """Run one CLI command in a child process: its summary.json (with the process's own peak memory)."""
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=REPOSITORY, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    summary = json.loads((run_dir / "summary.json").read_text())
    return {**summary, "phase_wall_seconds": round(wall, 1), "run_wall_seconds_all_sessions": summary["wall_seconds"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="fast", choices=["plain", "fast"])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--num-envs", type=int, default=16)
    parser.add_argument("--learning-starts", type=int, default=50_000)
    parser.add_argument("--extra-steps", type=int, default=8_000, help="agent steps after the memory is full")
    parser.add_argument("--resume-steps", type=int, default=2_000)
    parser.add_argument("--folder", default=None, help="where the run is written (default: a temporary folder)")
    args = parser.parse_args()

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPOSITORY, capture_output=True, text=True
    ).stdout.strip()
    print(
        json.dumps(
            {
                "benchmark": "peak_memory",
                "machine": platform.processor() or platform.machine(),
                "cpus": os.cpu_count(),
                "commit": commit,
                **vars(args),
            }
        ),
        flush=True,
    )
    with tempfile.TemporaryDirectory(dir=args.folder) as folder:
        run_dir = Path(folder) / "run"
        total = CAPACITY + args.extra_steps
        train = [
            sys.executable,
            "-m",
            "dqn_tutorial",
            "train",
            "--preset",
            "nature2015",
            "--engine",
            args.engine,
            "--device",
            args.device,
            "--num-envs",
            str(args.num_envs),
            "--replay-capacity",
            str(CAPACITY),
            "--learning-starts",
            str(args.learning_starts),
            "--total-steps",
            str(total),
            "--eval-every",
            str(10**9),
            "--checkpoint-every",
            str(10**9),
            "--log-every",
            "10000",
            "--run-dir",
            str(run_dir),
            "--no-progress",
        ]
        trained = run_phase(train, run_dir)
        replay_file = next((run_dir / "checkpoints").glob("replay_step_*.pt"))  # the one latest.pt names
        trained["replay_checkpoint_gb"] = round(replay_file.stat().st_size / 1e9, 3)
        trained["command"] = " ".join(train[1:]).replace(str(run_dir), "RUN_DIR")
        print(json.dumps({"phase": "train", **trained}), flush=True)
        resume = [
            sys.executable,
            "-m",
            "dqn_tutorial",
            "resume",
            "--run-dir",
            str(run_dir),
            "--total-steps",
            str(total + args.resume_steps),
            "--no-progress",
        ]
        resumed = run_phase(resume, run_dir)
        print(json.dumps({"phase": "resume", **resumed}), flush=True)


if __name__ == "__main__":
    main()
