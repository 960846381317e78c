"""Proof that the agent learns Breakout, on a 2-core CPU in at most 75 minutes (`make learn-breakout-cpu`).

Trains the `breakout_cpu` preset (the Nature agent with schedules shrunk for the budget; Chapter 12
lists every change beside the paper's value) on the real ALE, evaluates it during training with the
Nature protocol (30 games, epsilon = 0.05, at most 5 minutes = 18,000 emulator frames per game, real
unclipped scores, a lost life does not end the game), then evaluates the final network once more with
30 fresh games and measures random play with the very same protocol (epsilon = 1).

Everything Chapter 12 shows goes to --out (default book/data/):

    breakout_cpu.json              final score, random play, the run's summary, provenance
                                   (command, commit, machine, versions, wall time)
    breakout_cpu_evaluations.csv   the evaluations during training (step, frames, mean, std, episodes)
    breakout_cpu_metrics.csv       the training log (loss, Q, epsilon, recent returns, steps/s)
    breakout_cpu_agent.gif         one game of the final agent (epsilon = 0.05)

    python benchmarks/learn_breakout_cpu.py                        # the run behind book/data (<= 75 min)
    python benchmarks/learn_breakout_cpu.py --set total_steps=3000 --set learning_starts=1000 \
        --set eval_every=1000 --set eval_episodes=2 --final-episodes 2 --out /tmp/smoke   # seconds: a smoke test
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

from dqn_tutorial.config import get_preset
from dqn_tutorial.errors import UserError
from dqn_tutorial.evaluation import evaluate
from dqn_tutorial.training import make_trainer, prepare_run_directory
from dqn_tutorial.video import play_and_capture, write_video

REPOSITORY = Path(__file__).resolve().parent.parent
PRESET = "breakout_cpu"
FINAL_SEED = 777_000  # the final 30 games: seeds no evaluation during training used
RANDOM_SEED = 888_000  # random play, same protocol
GIF_STEPS = 900  # agent steps in the GIF (one per frame, 15 frames/s: one minute)


def parse_value(text: str):
    for kind in (int, float):
        try:
            return kind(text.replace("_", ""))
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text.lower(), text)


def provenance(argv: list[str]) -> dict:
    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=REPOSITORY, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "unknown"

    dirty = git("status", "--porcelain", "--untracked-files=no")
    cpu = "unknown"
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return {
        "command": " ".join(shlex.quote(part) for part in ["python", "benchmarks/learn_breakout_cpu.py", *argv]),
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes": bool(dirty),
        "machine": {
            "cpu": cpu,
            "cores": os.cpu_count(),
            "platform": platform.platform(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1e9, 1),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "versions": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "numpy": np.__version__,
            "ale_py": _version("ale_py"),
            "gymnasium": _version("gymnasium"),
        },
        "torch_threads": torch.get_num_threads(),
    }


def _version(module: str) -> str:
    try:
        return __import__(module).__version__
    except (ImportError, AttributeError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--run-dir", type=Path, default=REPOSITORY / "runs" / "breakout-cpu")
    parser.add_argument("--out", type=Path, default=REPOSITORY / "book" / "data")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change one field of the preset (for smoke tests; the book's run uses none)",
    )
    parser.add_argument("--final-episodes", type=int, default=30)
    parser.add_argument("--progress", action="store_true", help="show a progress bar")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    info = provenance(argv)

    changes = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep:
            raise UserError(f"--set expects KEY=VALUE, got {item!r}")
        changes[key] = parse_value(value)
    config = get_preset(PRESET).replace(**changes).validate()
    if config.num_threads:
        torch.set_num_threads(config.num_threads)
    info["torch_threads"] = torch.get_num_threads()

    prepare_run_directory(args.run_dir, config)  # refuses a directory that already holds a run
    args.out.mkdir(parents=True, exist_ok=True)
    print(
        json.dumps({"phase": "train", "preset": PRESET, "changes": changes, "run_dir": str(args.run_dir)}), flush=True
    )
    trainer = make_trainer(config, args.run_dir, progress=args.progress)
    summary = trainer.run()
    print(json.dumps({"phase": "trained", **summary}), flush=True)

    final = evaluate(trainer.online, config, args.final_episodes, seed=FINAL_SEED, device=trainer.device)
    print(json.dumps({"phase": "final evaluation", "mean": final.mean, "std": final.std}), flush=True)
    random_play = evaluate(
        trainer.online, config, args.final_episodes, seed=RANDOM_SEED, epsilon=1.0, device=trainer.device
    )
    print(json.dumps({"phase": "random play", "mean": random_play.mean, "std": random_play.std}), flush=True)

    gif = args.out / "breakout_cpu_agent.gif"
    gif.unlink(missing_ok=True)  # the book's own data file, regenerated by this command
    frames, gif_score = play_and_capture(
        trainer.online,
        config,
        seed=FINAL_SEED,
        epsilon=config.eval_epsilon,
        device=trainer.device,
        max_agent_steps=GIF_STEPS,
    )
    write_video(frames, gif)

    for name in ("evaluations", "metrics"):
        shutil.copyfile(args.run_dir / f"{name}.csv", args.out / f"breakout_cpu_{name}.csv")
    report = {
        "preset": PRESET,
        "changes_to_preset": changes,
        "config": config.to_dict(),
        "final_evaluation": {
            **final.to_dict(),
            "epsilon": config.eval_epsilon,
            "max_frames": config.eval_max_frames,
            "seed": FINAL_SEED,
            "step": trainer.step,
            "frames": trainer.step * config.frame_skip,
        },
        "random_play": {
            **random_play.to_dict(),
            "epsilon": 1.0,
            "max_frames": config.eval_max_frames,
            "seed": RANDOM_SEED,
        },
        "gif": {"file": gif.name, "agent_steps": len(frames) - 1, "score_in_gif": gif_score},
        "training_summary": summary,
        "wall_seconds_total": round(time.perf_counter() - started, 1),
        "finished_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        **info,
    }
    (args.out / "breakout_cpu.json").write_text(json.dumps(report, indent=2) + "\n")
    print(
        json.dumps(
            {
                "phase": "done",
                "final_mean": final.mean,
                "random_mean": random_play.mean,
                "steps": trainer.step,
                "wall_seconds_total": report["wall_seconds_total"],
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except UserError as error:
        print(f"learn_breakout_cpu: error: {error}", file=sys.stderr)
        sys.exit(2)
