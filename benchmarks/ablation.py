"""Ablation of the Nature additions on a laptop-sized proxy: CartPole-v1 with the `cartpole` preset.

Breakout needs hours of GPU per run, so the ladder of Chapters 8-11 is run on CartPole instead, where a
whole study fits in minutes of one CPU core. The top rung is the `cartpole` preset exactly as
dqn_tutorial/config.py defines it (read by name, so re-running picks up any retuning). Each other
variant changes ONE thing, the CartPole counterpart of one of the four Nature 2015 additions:

    target_network   preset's target network   <-> none: targets from the online network (2013)
    network          preset's MLP (2 x 256)    <-> a 2013-sized MLP: one hidden layer of 128 units
    update_every     preset's value            <-> the other of {1 (2013), 4 (Nature)} SGD updates per agent steps
    loss             preset's loss             <-> the other of {huber (Nature), mse (2013)}

Every variant gets the same budget in agent steps (CartPole has no action repeat: 1 agent step = 1
environment step) and the same seeds. Results go under --out as three files:

    ablation_cartpole_curves.csv   variant, seed, step, eval_mean, eval_std (greedy evaluation during training)
    ablation_cartpole_runs.csv     variant, seed, final and best evaluation, updates, wall seconds
    ablation_cartpole.json         provenance: command, commit, machine, versions, configs, total wall time

    python benchmarks/ablation.py                                 # 3 seeds x 5 variants x 20,000 steps (make ablation)
    python benchmarks/ablation.py --seeds 3 --steps 10000         # what book/data holds: about 7 min of CPU
    python benchmarks/ablation.py --seeds 5 --steps 40000         # longer and wider
    python benchmarks/ablation.py --seeds 1 --steps 3000 --out /tmp/ablation   # a quick smoke test

Progress is printed as one JSON line per finished run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from dqn_tutorial.config import Config, get_preset
from dqn_tutorial.metrics import read_csv
from dqn_tutorial.optimizers import make_optimizer
from dqn_tutorial.target_network import make_target_network
from dqn_tutorial.training import Trainer

REPOSITORY = Path(__file__).resolve().parent.parent
PRESET = "cartpole"
SMALL_HIDDEN = 128  # the "2013-sized" MLP: one hidden layer of 128 units


class ShallowMLP(nn.Module):
    """The 2013-sized counterpart of the preset's MLP: one hidden layer fewer and half the width.

    Mnih et al. 2013 -> 2015 went from 2 to 3 convolutional layers, doubled the filters and doubled the
    fully connected layer (256 -> 512); this is the same structural step, one size down, for 4 inputs.
    """

    def __init__(self, num_actions: int, observation_size: int, hidden_size: int = SMALL_HIDDEN):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(observation_size, hidden_size), nn.ReLU(),
                                    nn.Linear(hidden_size, num_actions))

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return self.layers(observations.float().flatten(1))


def variants(preset: Config) -> dict[str, dict]:
    """Each variant: the config changes against the preset, whether it swaps the network, and a label."""
    other_update = 1 if preset.update_every != 1 else 4
    other_loss = "mse" if preset.loss == "huber" else "huber"
    return {
        "preset": {"changes": {}, "small_network": False,
                   "label": f"cartpole preset (target net, 2x256 MLP, update every {preset.update_every}, {preset.loss})"},
        "target_network": {"changes": {"target_network": not preset.target_network}, "small_network": False,
                           "label": "no target network" if preset.target_network else "with a target network"},
        "network": {"changes": {}, "small_network": True,
                    "label": f"2013-sized MLP (1 x {SMALL_HIDDEN})"},
        "update_every": {"changes": {"update_every": other_update}, "small_network": False,
                         "label": f"update every {other_update} agent step{'s' if other_update > 1 else ''}"},
        "loss": {"changes": {"loss": other_loss}, "small_network": False,
                 "label": f"{other_loss} loss" + (" (no error clipping)" if other_loss == "mse" else "")},
    }


def count_parameters(network: nn.Module) -> int:
    return sum(p.numel() for p in network.parameters() if p.requires_grad)


def run_one(config: Config, small_network: bool, run_dir: Path) -> dict:
    """Train one run with the package's own Trainer; return its evaluations and summary."""
    run_dir.mkdir(parents=True, exist_ok=True)
    trainer = Trainer(config, run_dir, progress=False)
    if small_network:
        torch.manual_seed(config.seed)
        observation_size = int(np.prod(trainer.envs.single_observation_space.shape))
        trainer.online = ShallowMLP(trainer.num_actions, observation_size).to(trainer.device)
        trainer.target = make_target_network(trainer.online) if config.target_network else None
        trainer.optimizer = make_optimizer(config.optimizer, trainer.online.parameters(), config.learning_rate, config.batch_size,
                                           adam_epsilon=config.adam_epsilon)
    parameters = count_parameters(trainer.online)
    start, cpu_start = time.perf_counter(), time.process_time()
    summary = trainer.run()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    trainer.envs.close()
    evaluations = read_csv(run_dir / "evaluations.csv") if (run_dir / "evaluations.csv").is_file() else []
    return {"summary": summary, "evaluations": evaluations, "wall_seconds": wall, "cpu_seconds": cpu,
            "parameters": parameters}


def git_commit() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPOSITORY, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPOSITORY,
                               capture_output=True, text=True, check=True).stdout.strip()
        return commit + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"


def machine() -> dict:
    return {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(), "python": platform.python_version(), "torch": torch.__version__,
            "torch_threads": torch.get_num_threads(), "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS")}


def seed_list(text: str) -> list[int]:
    """'3' -> [0, 1, 2]; '0,4,7' -> [0, 4, 7]."""
    try:
        if "," in text:
            return [int(s) for s in text.split(",") if s.strip()]
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--seeds expects a count (3) or a list (0,1,2), got {text!r}") from None
    if count <= 0:
        raise argparse.ArgumentTypeError("--seeds must be at least 1")
    return list(range(count))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=seed_list, default=seed_list("3"), help="a count (3) or a list (0,1,2)")
    parser.add_argument("--steps", type=int, default=20_000, help="agent steps per run (default 20,000)")
    parser.add_argument("--out", type=Path, default=REPOSITORY / "book" / "data", help="folder for the data files")
    parser.add_argument("--only", nargs="*", default=None, help="run only these variants")
    parser.add_argument("--eval-every", type=int, default=1_000,
                        help="agent steps between evaluations (default 1,000; 0 = the preset's eval_every)")
    args = parser.parse_args(argv)
    if args.steps <= 0:
        parser.error("--steps must be positive")

    torch.set_num_threads(1)
    preset = get_preset(PRESET)
    table = variants(preset)
    names = args.only or list(table)
    unknown = sorted(set(names) - set(table))
    if unknown:
        parser.error(f"unknown variant(s) {unknown}: choose from {list(table)}")
    base = {"total_steps": args.steps, "device": "cpu", "num_threads": 1, "checkpoint_every": args.steps,
            "log_every": min(preset.log_every, args.steps)}
    if args.eval_every:
        base["eval_every"] = args.eval_every

    args.out.mkdir(parents=True, exist_ok=True)
    curves_rows, run_rows = [], []
    started, cpu_started = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory(prefix="ablation-") as scratch:
        for name in names:
            for seed in args.seeds:
                variant = table[name]
                config = preset.replace(**base, **variant["changes"], seed=seed).validate()
                result = run_one(config, variant["small_network"], Path(scratch) / f"{name}-{seed}")
                for row in result["evaluations"]:
                    curves_rows.append({"variant": name, "seed": seed, "step": int(row["step"]),
                                        "eval_mean": row["mean"], "eval_std": row["std"]})
                means = [row["mean"] for row in result["evaluations"]]
                run_row = {"variant": name, "seed": seed, "steps": result["summary"]["total_steps"],
                           "updates": result["summary"]["updates"], "parameters": result["parameters"],
                           "final_eval": means[-1] if means else float("nan"),
                           "best_eval": max(means) if means else float("nan"),
                           "mean_eval_over_run": float(np.mean(means)) if means else float("nan"),
                           "wall_seconds": round(result["wall_seconds"], 2),
                           "cpu_seconds": round(result["cpu_seconds"], 2)}
                run_rows.append(run_row)
                print(json.dumps(run_row), flush=True)
    total_wall, total_cpu = time.perf_counter() - started, time.process_time() - cpu_started

    def write(path: Path, rows: list[dict]) -> None:
        with open(path, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    write(args.out / "ablation_cartpole_curves.csv", curves_rows)
    write(args.out / "ablation_cartpole_runs.csv", run_rows)
    provenance = {
        "command": " ".join(shlex.quote(a) for a in [Path(sys.executable).name, *sys.argv]),
        "commit": git_commit(), "machine": machine(),
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "total_wall_seconds": round(total_wall, 1), "total_cpu_seconds": round(total_cpu, 1),
        "timing_note": "wall time is on a shared machine and can be several times the CPU time; "
                       "cpu_seconds is the time the process itself ran (1 PyTorch thread)",
        "seeds": args.seeds, "steps_per_run": args.steps,
        "preset": PRESET, "preset_config": preset.to_dict(), "run_overrides": base,
        "variants": {name: {"label": table[name]["label"], "changes": table[name]["changes"],
                            "small_network": table[name]["small_network"]} for name in names},
        "units": "agent steps; CartPole has no action repeat, so 1 agent step = 1 environment step",
        "evaluation": f"greedy (epsilon={preset.eval_epsilon}), {preset.eval_episodes} episodes of at most "
                      f"{preset.eval_max_frames} steps, every {base.get('eval_every', preset.eval_every)} agent steps",
    }
    (args.out / "ablation_cartpole.json").write_text(json.dumps(provenance, indent=2) + "\n")
    print(json.dumps({"total_wall_seconds": round(total_wall, 1), "total_cpu_seconds": round(total_cpu, 1), "out": str(args.out)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
