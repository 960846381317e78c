"""Ablation of the Nature additions: on CartPole (a laptop-sized proxy), or the preset ladder on Atari games.

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
    ablation_cartpole.json         provenance: command, commit, machine, versions, configs, total wall time,
                                   and per run the node that ran it (host, commit)

With --games, the real ladder runs instead: the five presets dqn2013 -> ... -> nature2015 on each game
(default 10M agent steps, the fast engine with 16 emulators), into ablation_atari*.csv/json (a `game`
column first). That is hours of GPU per run: run it on a cluster with --ray (README.md).

Each finished run is kept in <out>/ablation_<name>_parts/<run>.json (its rows, its config and where it
ran) the moment it finishes, so a sweep stopped halfway continues where it stopped: a rerun with the
same settings skips every run whose file holds the same config (--fresh runs them all again). A run
that fails is reported with its error and the others go on; the three files are written once every
run has finished (rerun to retry the failed ones).

    python benchmarks/ablation.py --seeds 3 --steps 10000         # book/data's (make ablation): about 7 min of CPU
    python benchmarks/ablation.py --seeds 5 --steps 40000         # longer and wider
    python benchmarks/ablation.py --seeds 1 --steps 3000 --out /tmp/ablation   # a quick smoke test
    python benchmarks/ablation.py --ray auto                      # the same runs as Ray tasks, one CPU each
    python benchmarks/ablation.py --games Breakout --ray HEAD:6379 # the Breakout ladder on a cluster, one GPU per run

--ray needs the optional extra (pip install -e '.[ray]'); Ray is imported only then. Each run seeds
from its own config (rung, seed, game) and uses one PyTorch thread, so a run gives the same numbers
whichever process or node runs it (tests/reference/test_ablation_ray.py checks it against the
sequential path). Progress is printed as one JSON line per finished run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np
import torch
from torch import nn

import dqn_tutorial
from dqn_tutorial import training
from dqn_tutorial.config import PRESET_LADDER, Config, get_preset
from dqn_tutorial.errors import UserError
from dqn_tutorial.metrics import read_csv

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
        self.layers = nn.Sequential(
            nn.Linear(observation_size, hidden_size), nn.ReLU(), nn.Linear(hidden_size, num_actions)
        )

    def forward(self, observations: torch.Tensor) -> torch.Tensor:
        return self.layers(observations.float().flatten(1))


def variants(preset: Config) -> dict[str, dict]:
    """Each variant: the config changes against the preset, whether it swaps the network, and a label."""
    other_update = 1 if preset.update_every != 1 else 4
    other_loss = "mse" if preset.loss == "huber" else "huber"
    return {
        "preset": {
            "changes": {},
            "small_network": False,
            "label": f"cartpole preset (target net, 2x256 MLP, update every {preset.update_every}, {preset.loss})",
        },
        "target_network": {
            "changes": {"target_network": not preset.target_network},
            "small_network": False,
            "label": "no target network" if preset.target_network else "with a target network",
        },
        "network": {"changes": {}, "small_network": True, "label": f"2013-sized MLP (1 x {SMALL_HIDDEN})"},
        "update_every": {
            "changes": {"update_every": other_update},
            "small_network": False,
            "label": f"update every {other_update} agent step{'s' if other_update > 1 else ''}",
        },
        "loss": {
            "changes": {"loss": other_loss},
            "small_network": False,
            "label": f"{other_loss} loss" + (" (no error clipping)" if other_loss == "mse" else ""),
        },
    }


def count_parameters(network: nn.Module) -> int:
    return sum(p.numel() for p in network.parameters() if p.requires_grad)


def run_one(config: Config, small_network: bool, run_dir: Path) -> dict:
    """Train one run with the package's public train(); return its evaluations and summary.

    train() makes its network with `build_network`, looked up in dqn_tutorial.training. For the length of
    the run that name points at a wrapper, which returns the ShallowMLP for the `network` variant (the
    target network and optimizer are then made from it, as from any network) and notes the network, so
    its size can be reported. Nothing else of the trainer's insides is touched.
    """
    built, original = [], training.build_network

    def build(name: str, num_actions: int, observation_shape: tuple[int, ...]) -> nn.Module:
        if small_network:
            network = ShallowMLP(num_actions, int(np.prod(observation_shape)))
        else:
            network = original(name, num_actions, observation_shape)
        built.append(network)
        return network

    start, cpu_start = time.perf_counter(), time.process_time()
    training.build_network = build
    try:
        summary = training.train(config, run_dir, progress=False)
    finally:
        training.build_network = original
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    if not built:
        raise RuntimeError(
            "dqn_tutorial.training.train() no longer makes its network with build_network, so the "
            "`network` variant cannot swap it: update run_one in benchmarks/ablation.py"
        )
    evaluations = read_csv(run_dir / "evaluations.csv") if (run_dir / "evaluations.csv").is_file() else []
    return {
        "summary": summary,
        "evaluations": evaluations,
        "wall_seconds": wall,
        "cpu_seconds": cpu,
        "parameters": count_parameters(built[0]),
    }


def git_commit(where: Path = REPOSITORY) -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=where, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=where,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return commit + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"


def machine() -> dict:
    return {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
    }


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


def run_task(task: dict) -> dict:
    """Train one run of the sweep; return its rows and where it ran. Runs here or in a Ray worker.

    Everything the run depends on is in `task` (its whole config, seed included), and the trainer seeds
    every generator from that config, so the numbers depend on (rung, seed, game) alone: not on which
    process or node runs it, nor on what that worker ran before. One PyTorch thread, as the sequential
    path has always used (more only adds contention for these small networks, and could change sums).
    """
    cpu_start = time.process_time()
    torch.set_num_threads(1)
    config = Config().replace(**task["config"]).validate()
    with tempfile.TemporaryDirectory(prefix="ablation-") as scratch:
        run_dir = Path(scratch) / task["key"]
        result = run_one(config, task["small_network"], run_dir)
    label = ({"game": task["game"]} if task["game"] else {}) | {"variant": task["variant"], "seed": task["seed"]}
    curves = [
        {**label, "step": int(row["step"]), "eval_mean": row["mean"], "eval_std": row["std"]}
        for row in result["evaluations"]
    ]
    means = [row["mean"] for row in result["evaluations"]]
    run = {
        **label,
        "steps": result["summary"]["total_steps"],
        "updates": result["summary"]["updates"],
        "parameters": result["parameters"],
        "final_eval": means[-1] if means else float("nan"),
        "best_eval": max(means) if means else float("nan"),
        "mean_eval_over_run": float(np.mean(means)) if means else float("nan"),
        "wall_seconds": round(result["wall_seconds"], 2),
        "cpu_seconds": round(result["cpu_seconds"], 2),
    }
    if config.is_atari:
        run["steps_per_second"] = result["summary"]["steps_per_second"]
    # The code that ran is the worker's checkout, which on a cluster need not be the driver's.
    node = {
        "host": socket.gethostname(),
        "commit": git_commit(Path(dqn_tutorial.__file__).resolve().parent.parent),
        "device": result["summary"]["device"],
        "torch": torch.__version__,
        "task_cpu_seconds": round(time.process_time() - cpu_start, 2),  # the run's set-up included
        "finished_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    return {"run": run, "curves": curves, "node": node}


def build_sweep(args: argparse.Namespace, sets: dict) -> tuple[str, list[dict], dict]:
    """The sweep's name, one task per (game, rung, seed) with its whole config, and what describes the rungs."""
    if args.games:
        # checkpoint_every = the run's length, without the replay: the run folder is scratch, thrown away after.
        base = {
            "total_steps": args.steps,
            "engine": args.engine,
            "num_envs": 16 if args.engine == "fast" else 1,
            "device": "auto",
            "num_threads": 1,
            "checkpoint_every": args.steps,
            "save_replay": False,
        }
        # Each rung is its preset as config.py defines it; `changes` (what it adds to the rung before) is
        # already in that preset, and listed for the provenance.
        table = {
            rung: {"config": get_preset(rung), "changes": adds, "small_network": False, "label": rung}
            for rung, adds in PRESET_LADDER.items()
        }
        games = args.games
    else:
        preset = get_preset(PRESET)
        base = {
            "total_steps": args.steps,
            "device": "cpu",
            "num_threads": 1,
            "checkpoint_every": args.steps,
            "log_every": min(preset.log_every, args.steps),
        }
        table = {name: {"config": preset, **variant} for name, variant in variants(preset).items()}
        games = [None]
    if args.eval_every:
        base["eval_every"] = args.eval_every
    names = args.only or list(table)
    unknown = sorted(set(names) - set(table))
    if unknown:
        raise UserError(f"unknown variant(s) {unknown}: choose from {list(table)}")
    tasks = []
    for game in games:
        for name in names:
            for seed in args.seeds:
                rung = table[name]
                changes = {**base, **rung["changes"], **sets, "seed": seed} | ({"env_id": game} if game else {})
                config = rung["config"].replace(**changes).validate()
                tasks.append(
                    {
                        "key": f"{game + '-' if game else ''}{name}-seed{seed}",
                        "game": game,
                        "variant": name,
                        "seed": seed,
                        "small_network": rung["small_network"],
                        "config": config.to_dict(),
                    }
                )
    first = Config().replace(**tasks[0]["config"])
    if args.games:
        described = {
            "games": args.games,
            "engine": args.engine,
            "preset": "the preset ladder (PRESET_LADDER in dqn_tutorial/config.py)",
            "preset_config": None,
        }
        units = f"agent steps; each is {first.frame_skip} emulator frames"
        evaluation = (
            f"epsilon {first.eval_epsilon}, {first.eval_episodes} games of at most {first.eval_max_frames:,} "
            f"emulator frames, every {first.eval_every:,} agent steps"
        )
    else:
        described = {"preset": PRESET, "preset_config": get_preset(PRESET).to_dict()}
        units = "agent steps; CartPole has no action repeat, so 1 agent step = 1 environment step"
        evaluation = (
            f"greedy (epsilon={first.eval_epsilon}), {first.eval_episodes} episodes of at most "
            f"{first.eval_max_frames} steps, every {first.eval_every} agent steps"
        )
    described |= {
        "run_overrides": {**base, **sets},
        "variants": {name: {key: table[name][key] for key in ("label", "changes", "small_network")} for name in names},
        "units": units,
        "evaluation": evaluation,
    }
    return ("atari" if args.games else "cartpole"), tasks, described


def load_finished(folder: Path, task: dict) -> dict | None:
    """The kept result of a run made earlier with exactly this task (config included), else None."""
    path = folder / f"{task['key']}.json"
    try:
        part = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return part if part.get("task") == json.loads(json.dumps(task)) else None


def write_atomically(path: Path, text: str) -> None:
    """Write beside, then rename over: a sweep killed while writing leaves the old file or none, never half."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def import_ray():
    """Ray is an optional extra: imported only for --ray, with one line saying how to get it."""
    try:
        import ray
    except ImportError:
        raise SystemExit("ablation.py: --ray needs Ray, an optional extra: pip install -e '.[ray]'") from None
    return ray


def run_on_ray(ray, tasks: list[dict], address: str, cpus: int | None, finished, failed) -> None:
    """Each run as a Ray task that asks for what it needs: a GPU for the fast engine, else one CPU.

    Results come back to this process, which keeps each one as it arrives, so the nodes need no shared
    disk. A task lost with its node is retried elsewhere by Ray; a task that raises is reported, not retried.
    """
    try:
        if address == "local":  # a new instance of our own (tests): never joins one already running here
            ray.init(address="local", num_cpus=cpus, include_dashboard=False)
        elif address == "auto":  # joins the instance running on this machine, or starts one
            ray.init(num_cpus=cpus)
        else:  # a cluster: HEAD:6379, or ray://HEAD:10001
            ray.init(address=address)
    except (ConnectionError, RuntimeError, ValueError) as error:
        raise SystemExit(
            f"ablation.py: no Ray cluster at --ray {address} ({str(error).splitlines()[0]}); a cluster with "
            f"token authentication also needs RAY_AUTH_MODE=token and its token here (README.md)"
        ) from None
    try:
        remote = ray.remote(run_task)
        pending = {}
        for task in tasks:
            gpu = task["config"]["engine"] == "fast" and task["config"]["device"] != "cpu"
            pending[remote.options(num_cpus=1, num_gpus=1 if gpu else 0).remote(task)] = task
        while pending:
            [ready], _ = ray.wait(list(pending), num_returns=1)
            task = pending.pop(ready)
            try:
                result = ray.get(ready)
            except Exception as error:  # the run's own exception, wrapped by Ray with the remote traceback
                failed(task, getattr(error, "cause", None) or error, str(error))
            else:
                finished(task, result)
    finally:
        ray.shutdown()


def json_or_text(value: str):
    """--set values: 1000, 1e-4, true as JSON; anything else (cuda, Breakout) as text."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=seed_list, default=seed_list("3"), help="a count (3) or a list (0,1,2)")
    parser.add_argument(
        "--steps",
        type=int,
        default=None,
        help="agent steps per run (default 20,000 on CartPole, 10,000,000 with --games)",
    )
    parser.add_argument("--out", type=Path, default=REPOSITORY / "book" / "data", help="folder for the data files")
    parser.add_argument("--only", nargs="*", default=None, help="run only these variants (rungs with --games)")
    parser.add_argument(
        "--eval-every",
        type=int,
        default=None,
        help="agent steps between evaluations (default 1,000 on CartPole; 0 = the preset's eval_every, "
        "the default with --games)",
    )
    parser.add_argument(
        "--games",
        nargs="+",
        default=None,
        help="Atari games (e.g. Breakout): run the preset ladder dqn2013..nature2015 on each",
    )
    parser.add_argument(
        "--engine",
        choices=["fast", "plain"],
        default="fast",
        help="with --games: the engine (default fast: 16 emulators, one GPU per run)",
    )
    parser.add_argument(
        "--set",
        nargs="+",
        default=[],
        metavar="KEY=VALUE",
        help="config fields changed on every run, e.g. --set learning_starts=1000 (JSON values)",
    )
    parser.add_argument(
        "--ray",
        default=None,
        metavar="ADDRESS",
        help="run the runs as Ray tasks: 'auto' starts or joins a Ray instance on this machine, "
        "'local' starts a new one, HOST:PORT joins a cluster (pip install -e '.[ray]')",
    )
    parser.add_argument("--ray-cpus", type=int, default=None, help="CPUs of the Ray instance --ray auto/local starts")
    parser.add_argument("--fresh", action="store_true", help="run every run again, even those kept from before")
    args = parser.parse_args(argv)
    if args.steps is None:
        args.steps = 10_000_000 if args.games else 20_000
    if args.eval_every is None:
        args.eval_every = 0 if args.games else 1_000
    if args.steps <= 0:
        parser.error("--steps must be positive")
    try:
        sets = {key: json_or_text(value) for key, _, value in (item.partition("=") for item in args.set)}
        name, tasks, described = build_sweep(args, sets)
    except (UserError, TypeError, ValueError) as error:
        parser.error(str(error))

    ray = import_ray() if args.ray else None
    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    folder = args.out / f"ablation_{name}_parts"
    folder.mkdir(exist_ok=True)
    command = " ".join(shlex.quote(a) for a in [Path(sys.executable).name, *sys.argv])
    parts = {} if args.fresh else {t["key"]: p for t in tasks if (p := load_finished(folder, t))}
    pending = [task for task in tasks if task["key"] not in parts]
    # Kept runs are matched on their config, not on the code: say when some ran another commit (--fresh).
    commit = git_commit()
    other_code = sorted(key for key, part in parts.items() if part["node"]["commit"] != commit)
    header = {"runs": len(tasks), "kept_from_before": len(parts), "to_run": len(pending), "ray": args.ray}
    header |= {"kept_in": str(folder), "kept_from_another_commit": other_code}
    print(json.dumps(header), flush=True)
    errors = {}

    def finished(task: dict, result: dict) -> None:
        part = {"task": task, "command": command, **result}
        write_atomically(folder / f"{task['key']}.json", json.dumps(part, indent=1) + "\n")
        parts[task["key"]] = part
        print(json.dumps(result["run"]), flush=True)

    def failed(task: dict, error: BaseException, details: str) -> None:
        errors[task["key"]] = f"{type(error).__name__}: {error}".splitlines()[0][:300]
        print(details, file=sys.stderr)
        print(json.dumps({"failed": task["key"], "error": errors[task["key"]]}), flush=True)

    started = time.perf_counter()
    try:
        if ray:
            run_on_ray(ray, pending, args.ray, args.ray_cpus, finished, failed)
        else:
            for task in pending:
                try:
                    result = run_task(task)
                except Exception as error:
                    # Ctrl-C or SIGTERM during a run comes out of the trainer as "interrupted ...": stop the sweep.
                    if isinstance(error, UserError) and str(error).startswith("interrupted"):
                        raise KeyboardInterrupt from error
                    failed(
                        task,
                        error,
                        str(error) if isinstance(error, UserError) else "".join(traceback.format_exception(error)),
                    )
                else:
                    finished(task, result)
    except KeyboardInterrupt:
        print(
            f"stopped: {len(parts)} of {len(tasks)} runs are finished and kept in {folder}; the same command "
            f"continues the sweep",
            file=sys.stderr,
        )
        return 130
    total_wall = time.perf_counter() - started
    if errors:
        print(
            f"{len(errors)} of {len(tasks)} runs failed ({', '.join(errors)}), with the errors above; the "
            f"{len(parts)} finished runs are kept in {folder}: the same command again runs only the others",
            file=sys.stderr,
        )
        return 1

    def write(path: Path, rows: list[dict]) -> None:
        with open(path, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    done = [parts[task["key"]] for task in tasks]  # the sweep's order, whatever order the runs finished in
    write(args.out / f"ablation_{name}_curves.csv", [row for part in done for row in part["curves"]])
    write(args.out / f"ablation_{name}_runs.csv", [part["run"] for part in done])
    total_cpu = sum(part["node"]["task_cpu_seconds"] for part in done)
    kept = len(tasks) - len(pending)
    provenance = {
        "command": command,
        "commit": commit,
        "machine": machine(),
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "total_wall_seconds": round(total_wall, 1),
        "total_cpu_seconds": round(total_cpu, 1),
        "timing_note": "wall time is on a shared machine and can be several times the CPU time; cpu_seconds is "
        "the time each run's process itself ran (1 PyTorch thread), total_cpu_seconds the sum over "
        "the runs, their set-up included"
        + (
            f"; total_wall_seconds is this command's, which kept {kept} runs finished by an earlier one (see runs)"
            if kept
            else ""
        ),
        "seeds": args.seeds,
        "steps_per_run": args.steps,
        **described,
        "ray": args.ray,
        "runs": [
            {
                **{k: part["run"][k] for k in ("game", "variant", "seed") if k in part["run"]},
                **part["node"],
                "command": part["command"],
            }
            for part in done
        ],
    }
    (args.out / f"ablation_{name}.json").write_text(json.dumps(provenance, indent=2) + "\n")
    print(
        json.dumps(
            {"total_wall_seconds": round(total_wall, 1), "total_cpu_seconds": round(total_cpu, 1), "out": str(args.out)}
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
