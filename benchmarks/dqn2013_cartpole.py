"""The 2013 DQN algorithm itself on CartPole-v1, for Chapter 7: does it learn in a few minutes of CPU?

The agent is the `cartpole` preset (dqn_tutorial/config.py: the MLP, its replay memory, exploration and
evaluation settings) with exactly the fields that make it the 2013 algorithm changed:

    target_network=False   targets from the online network itself (2013 Algorithm 1)
    loss="mse"             the squared TD error (2013 §2, equation 2), no error clipping
    optimizer="rmsprop"    DeepMind's centred RMSProp (dqn_tutorial/optimizers.py), 2015 settings
    update_every=1         one SGD update per agent step (2013 Algorithm 1)
    learning_rate          --lr (default 2.5e-4, the 2015 value)

and is trained by the package's own Trainer (the loop the agent runs). Variants, each over the same seeds:

    exact       the optimizer the trainer builds: DeepMind's step on our mean loss (floor 0.01 / B^2)
    old_scale   the same, but the optimizer swapped for DeepMindRMSprop(batch_size=1): the floor 0.01
                meets a MEAN gradient, the silent scale bug the package had before (steps ~20x smaller)
    target      `exact` plus the preset's target network (synced every 1,000 agent steps): the one
                Nature change that answers "is the missing target network what hurts?"

CartPole has no action repeat: 1 agent step = 1 environment step. Evaluation is the preset's: greedy
(epsilon 0), 20 games of at most 500 steps, here every --eval-every agent steps.

    OMP_NUM_THREADS=1 python benchmarks/dqn2013_cartpole.py     # what book/data holds: about 5 min of CPU
    OMP_NUM_THREADS=1 python benchmarks/dqn2013_cartpole.py --variants exact --steps 30000 --lr 1e-4
    OMP_NUM_THREADS=1 python benchmarks/dqn2013_cartpole.py --seeds 1 --steps 3000 --out /tmp/ch07   # smoke test

Writes under --out:
    ch07_dqn2013_cartpole_curves.csv   variant, seed, step, and every log interval the training log:
                                       recent_return (last 100 games, epsilon-greedy), loss, q_mean (mean
                                       Q(s, a) of the minibatches); at each evaluation eval_mean, eval_std
                                       and, read from the optimizer's running averages, bug_step_ratio_median
                                       (median over weights of the step the old constant 0.01 would take
                                       divided by the exact step) and bug_floor_dominated (fraction of
                                       weights where that ratio is below 0.5)
    ch07_dqn2013_cartpole.json         provenance: command, commit, machine, wall and CPU time, configs,
                                       one summary per run
Prints one JSON line per finished run, then one for the whole study.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from dqn_tutorial.config import Config, get_preset
from dqn_tutorial.metrics import read_csv
from dqn_tutorial.optimizers import DeepMindRMSprop
from dqn_tutorial.training import Trainer

REPOSITORY = Path(__file__).resolve().parent.parent
VARIANTS = {
    "exact": "2013 algorithm, DeepMind's RMSProp step (floor 0.01/B² on the mean loss)",
    "old_scale": "2013 algorithm, the old scale (floor 0.01 on the mean loss: steps ~20x too small)",
    "target": "2013 algorithm + a target network (synced every 1,000 agent steps)",
}
CURVE_COLUMNS = [
    "variant",
    "seed",
    "step",
    "epsilon",
    "updates",
    "recent_return",
    "loss",
    "q_mean",
    "eval_mean",
    "eval_std",
    "bug_step_ratio_median",
    "bug_floor_dominated",
]


def bug_step_ratio(optimizer: torch.optim.Optimizer, batch_size: int) -> tuple[float, float]:
    """What the old constant would do to this optimizer's next steps, from its own running averages.

    Both variants keep g and n of the MEAN gradient, so sqrt(n - g^2) is a weight's gradient spread in
    those units. Per weight, the step with the constant 0.01 divided by the step with 0.01 / B^2 is
    sqrt(n - g^2 + 0.01/B^2) / sqrt(n - g^2 + 0.01). Returns the median over all weights, and the
    fraction of weights where that ratio is below 0.5 (the constant 0.01 would dominate the divisor).
    """
    tensors = [
        (state["square_avg"] - state["grad_avg"] ** 2).clamp_min(0).flatten()
        for state in optimizer.state.values()
        if "square_avg" in state
    ]
    if not tensors:  # no update yet
        return float("nan"), float("nan")
    spreads = torch.cat(tensors)
    ratio = torch.sqrt(spreads + 0.01 / batch_size**2) / torch.sqrt(spreads + 0.01)
    return float(ratio.median()), float((ratio < 0.5).float().mean())


def dqn2013_config(learning_rate: float) -> Config:
    """The `cartpole` preset turned into the 2013 algorithm (only these five fields change)."""
    return get_preset("cartpole").replace(
        target_network=False, loss="mse", optimizer="rmsprop", update_every=1, learning_rate=learning_rate
    )


def run_one(variant: str, config: Config, run_dir: Path) -> dict:
    """Train one run with the package's Trainer; return its rows for the curves file and a summary."""
    if variant == "target":
        config = config.replace(target_network=True)
    run_dir.mkdir(parents=True, exist_ok=True)
    trainer = Trainer(config, run_dir, progress=False)
    if variant == "old_scale":
        # What make_optimizer built before the fix: the floor 0.01, sized for a summed gradient, on our mean loss.
        trainer.optimizer = DeepMindRMSprop(trainer.online.parameters(), lr=config.learning_rate, batch_size=1)
    floor = trainer.optimizer.param_groups[0]["min_squared_gradient"]
    ratios: dict[int, tuple[float, float]] = {}
    evaluate_and_record = trainer.evaluate_and_record

    def evaluate_and_look_at_the_optimizer(episodes: int) -> dict:
        """The trainer's evaluation, plus the step ratio above read at the same agent step."""
        ratios[trainer.step] = bug_step_ratio(trainer.optimizer, config.batch_size)
        return evaluate_and_record(episodes)

    trainer.evaluate_and_record = evaluate_and_look_at_the_optimizer
    wall, cpu = time.perf_counter(), time.process_time()
    summary = trainer.run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    trainer.envs.close()

    def rows_by_step(name: str) -> dict[int, dict]:
        path = run_dir / name  # absent when the run was shorter than one interval
        return {int(r["step"]): r for r in read_csv(path)} if path.is_file() else {}

    evaluations, metrics = rows_by_step("evaluations.csv"), rows_by_step("metrics.csv")
    rows = []
    for step in sorted(set(evaluations) | set(metrics)):
        m, e = metrics.get(step), evaluations.get(step)
        rows.append(
            {
                "variant": variant,
                "seed": config.seed,
                "step": step,
                "epsilon": "" if m is None else m["epsilon"],
                "updates": "" if m is None else int(m["updates"]),
                "recent_return": "" if m is None else _round(m["recent_return"]),
                "loss": "" if m is None else _round(m["loss"]),
                "q_mean": "" if m is None else _round(m["q_mean"]),
                "eval_mean": "" if e is None else _round(e["mean"]),
                "eval_std": "" if e is None else _round(e["std"]),
                "bug_step_ratio_median": "" if step not in ratios else _round(ratios[step][0]),
                "bug_floor_dominated": "" if step not in ratios else _round(ratios[step][1]),
            }
        )
    means = [evaluations[s]["mean"] for s in sorted(evaluations)]
    solved = [s for s in sorted(evaluations) if evaluations[s]["mean"] >= 475]
    q_means = [metrics[s]["q_mean"] for s in sorted(metrics) if not math.isnan(metrics[s]["q_mean"])]
    result = {
        "variant": variant,
        "seed": config.seed,
        "steps": summary["total_steps"],
        "updates": summary["updates"],
        "rmsprop_floor": floor,
        "final_eval": means[-1] if means else None,
        "best_eval": max(means) if means else None,
        "mean_eval_second_half": _mean(
            [evaluations[s]["mean"] for s in sorted(evaluations) if s > config.total_steps / 2]
        ),
        "first_step_eval_at_least_475": solved[0] if solved else None,
        "evaluations_at_least_475": len(solved),
        "evaluations": len(means),
        "largest_q_mean": round(max(q_means), 1) if q_means else None,
        "bug_step_ratio_median_first_eval_with_updates": next(
            (round(r[0], 3) for s, r in sorted(ratios.items()) if r[0] == r[0]), None
        ),
        "bug_step_ratio_median_last_eval": round(ratios[max(ratios)][0], 3) if ratios else None,
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
    }
    return {"rows": rows, "result": result}


def _round(value: float) -> float | str:
    return "" if value != value else round(float(value), 5)


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def git_commit() -> str:
    """`git rev-parse --short HEAD`, marked when tracked files differed from it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPOSITORY, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return commit + (" (with uncommitted changes)" if dirty else "")


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return {
        "cpu": cpu,
        "logical_cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds 0 .. N-1 (default 3)")
    parser.add_argument("--steps", type=int, default=20_000, help="agent steps per run (default 20,000)")
    parser.add_argument("--lr", type=float, default=2.5e-4, help="RMSProp learning rate (default 2.5e-4, Nature's)")
    parser.add_argument("--eval-every", type=int, default=1_000, help="agent steps between evaluations (default 1,000)")
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--out", type=Path, default=REPOSITORY / "book" / "data")
    args = parser.parse_args(argv)
    if args.steps <= 0 or args.seeds <= 0 or args.eval_every <= 0 or args.lr <= 0:
        parser.error("--steps, --seeds, --eval-every and --lr must be positive")

    torch.set_num_threads(1)
    base = dqn2013_config(args.lr).replace(
        total_steps=args.steps, eval_every=args.eval_every, device="cpu", checkpoint_every=args.steps, num_threads=1
    )
    commit = git_commit()  # the code as it was when the runs started
    started, cpu_started = time.perf_counter(), time.process_time()
    rows, results = [], []
    with tempfile.TemporaryDirectory(prefix="ch07_dqn2013_") as scratch:
        for variant in args.variants:
            for seed in range(args.seeds):
                out = run_one(variant, base.replace(seed=seed), Path(scratch) / f"{variant}-{seed}")
                rows += out["rows"]
                results.append(out["result"])
                print(json.dumps(out["result"]), flush=True)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started

    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "ch07_dqn2013_cartpole_curves.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CURVE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    python = sys.executable
    if Path(python).is_relative_to(REPOSITORY):
        python = os.path.relpath(python, REPOSITORY)
    argv_used = sys.argv[1:] if argv is None else argv
    provenance = {
        "command": f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '')} "
        + " ".join(shlex.quote(a) for a in [python, "benchmarks/dqn2013_cartpole.py", *argv_used]),
        "commit": commit,
        "machine": machine(),
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "total_wall_seconds": round(wall, 1),
        "total_cpu_seconds": round(cpu, 1),
        "timing_note": "runs one after the other on one PyTorch thread; on a shared machine the wall time can "
        "be several times the CPU time (the time this process itself ran)",
        "units": "agent steps; CartPole has no action repeat, so 1 agent step = 1 environment step",
        "evaluation": f"greedy (epsilon {base.eval_epsilon}), {base.eval_episodes} games of at most "
        f"{base.eval_max_frames} steps, every {args.eval_every} agent steps",
        "config": base.to_dict(),
        "config_changes_from_cartpole_preset": {
            k: v for k, v in base.to_dict().items() if get_preset("cartpole").to_dict()[k] != v and k != "seed"
        },
        "variants": {name: VARIANTS[name] for name in args.variants},
        "seeds": list(range(args.seeds)),
        "runs": results,
    }
    (args.out / "ch07_dqn2013_cartpole.json").write_text(json.dumps(provenance, indent=2) + "\n")
    print(
        json.dumps({"total_wall_seconds": round(wall, 1), "total_cpu_seconds": round(cpu, 1), "out": str(args.out)}),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
