"""Everything a GPU machine should tell us about the fast engine, in one command and one JSON report.

`make gpu-check` runs five steps, one after the other, each in its own process with its own time
limit, so that a failing step is recorded in the report and the next one still runs:

1. tests      the CUDA-graph equality tests (tests/reference/test_fast_update.py) on this machine's GPU;
2. emulators  the host's share of the loop (benchmarks/fast_loop_parts.py, 16 emulators), then the
              emulators' agent steps/s with 1, 2, 4, ... C++ threads (ale-py's AtariVectorEnv);
3. update     the update alone at the Nature settings, with the 1M-transition replay memory on the GPU:
              sampling plus the CUDA-graph update, the acting forward pass, and both as one loop iteration;
4. loop       the whole fast loop at the Nature settings (benchmarks/throughput.py: 1M replay memory,
              learning after 50,000 agent steps, 16 emulators): agent steps/s after learning starts,
              timed over about 50 s of steps at the speed steps 2 and 3 predict (at most 150,000);
5. breakout_10min  the preset of `make breakout-10min`, trained for fewer minutes than its own 8 (set here
              through max_wall_minutes from the time left, so the whole check fits its budget), then the
              Nature protocol's 30 evaluation games.

The whole check is meant to finish in 9 minutes on one H100/H200 machine (16 cores): the first four
steps should take about 3 minutes (an estimate: no GPU has run this yet; each has a time limit and
they stop in time to leave step 5 its minimum), and training gets what is left, at most
--train-minutes (4), keeping a reserve for the evaluation. `--dry` runs every step for seconds on a CPU
with tiny sizes (CI proves the command starts and the report is complete; its figures mean nothing).
Prints JSON lines as it goes; the report is rewritten after each step, so a stopped check leaves what it had.

    python benchmarks/gpu_check.py                    # on a GPU machine: runs/gpu-check/<time>/report.json
    python benchmarks/gpu_check.py --dry              # seconds on a CPU
    python benchmarks/gpu_check.py --folder OUT/gpu   # elsewhere

Exit status 1 when any step failed (after every step has had its turn).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
SELF = "benchmarks/gpu_check.py"  # every child process runs in REPOSITORY
STEPS = ("tests", "emulators", "update", "loop", "breakout_10min")

# The sizes of a real check and of a dry one. A dry check only proves that every step starts and
# reports: tiny memory, a few hundred agent steps, the CPU.
SIZES = {
    "real": {
        "num_envs": 16,
        "replay_capacity": 1_000_000,
        "learning_starts": 50_000,
        "loop_steps": 150_000,
        "update_fill": 50_000,
        "update_iterations": 500,
        "emulator_iterations": 1_000,
        "loop_parts_capacity": 200_000,
        "eval_episodes": 30,
    },
    "dry": {
        "num_envs": 4,
        "replay_capacity": 2_000,
        "learning_starts": 200,
        "loop_steps": 200,
        "update_fill": 1_000,
        "update_iterations": 8,
        "emulator_iterations": 20,
        "loop_parts_capacity": 2_000,
        "eval_episodes": 30,
    },
}
# Seconds each step may take at most (real check); the training step gets what the budget leaves.
STEP_LIMITS = {"tests": 120, "emulators": 90, "update": 120, "loop": 240}
EVALUATION_RESERVE = 75  # seconds kept for the 30 evaluation games after training (start-up included)
TRAINING_OVERHEAD = 45  # seconds of a training command that are not training: start-up, final checkpoint
LAST_STEP_MINIMUM = 150  # the earlier steps stop in time to leave step 5 this much (30 s of training)
LOOP_SECONDS = 50  # step 4 times about this long: its agent steps are set from steps 2 and 3's figures


def training_minutes(seconds_left: float, cap_minutes: float, minimum_minutes: float = 0.5) -> float:
    """Minutes of training that fit in what is left of the budget, keeping the evaluation's reserve."""
    available = (seconds_left - EVALUATION_RESERVE - TRAINING_OVERHEAD) / 60
    return round(max(minimum_minutes, min(cap_minutes, available)), 2)


def loop_steps(context: dict) -> int:
    """Timed agent steps for step 4: about LOOP_SECONDS at the speed steps 2 and 3 predict (the slower of the
    emulators alone and the GPU's share alone), between 20,000 and the size's cap; the cap when unknown."""
    cap = context["sizes"]["loop_steps"]
    if context["dry"]:
        return cap
    earlier = context["earlier"]
    emulators = earlier.get("emulators") or {}
    by_threads = emulators.get("emulator_agent_steps_per_second_by_threads") or {}
    rates = [
        by_threads.get(str(emulators.get("fast_engine_default_threads"))),
        (earlier.get("update") or {}).get("gpu_share_agent_steps_per_second"),
    ]
    rates = [rate for rate in rates if rate]
    if not rates:
        return cap
    return int(min(cap, max(20_000, min(rates) * LOOP_SECONDS)) // 1_000 * 1_000)


def shown(command: list[str]) -> str:
    """A command as the report shows it: `python ...`, not this machine's interpreter path."""
    return shlex.join(["python", *command[1:]]) if command[0] == sys.executable else shlex.join(command)


def git(*args: str) -> str:
    result = subprocess.run(["git", *args], cwd=REPOSITORY, capture_output=True, text=True)
    return result.stdout.strip() if result.returncode == 0 else ""


def part_machine(args) -> dict:
    """The machine, PyTorch and CUDA, asked in a process of its own: the check itself never touches the GPU."""
    import torch

    device = args.device
    facts = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "torch": torch.__version__,
        "cuda_runtime": torch.version.cuda,
        "cuda_available": torch.cuda.is_available(),
        "device": device,
        "gpu": None,
        "cudnn": None,
    }
    if torch.cuda.is_available():
        facts["gpu"] = torch.cuda.get_device_name()
        facts["gpu_memory_gb"] = round(torch.cuda.get_device_properties(0).total_memory / 1e9, 1)
        facts["cudnn"] = torch.backends.cudnn.version()
    try:
        import ale_py

        facts["ale_py"] = ale_py.__version__
    except ImportError as error:
        facts["ale_py"] = f"missing: {error}"
    return facts


def run_command(command: list[str], limit: float, log: Path, env: dict | None = None) -> tuple[int, str, float]:
    """Run `command` in its own process group; past `limit` seconds the whole group is stopped.

    Returns (exit status, stdout, seconds). stdout and stderr also go to `log`. The group matters:
    throughput.py and the CLI start children of their own, which must not outlive a stopped step.
    """
    start = time.perf_counter()
    with open(log, "w") as errors:
        process = subprocess.Popen(
            command, cwd=REPOSITORY, stdout=subprocess.PIPE, stderr=errors, text=True, env=env, start_new_session=True
        )
        try:
            output, _ = process.communicate(timeout=max(limit, 1))
        except subprocess.TimeoutExpired:
            for sent in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(process.pid, sent)
                except ProcessLookupError:
                    break
                try:
                    output, _ = process.communicate(timeout=10)
                    break
                except subprocess.TimeoutExpired:
                    continue
            raise TimeoutError(f"stopped after {limit:.0f} s (its time limit): {shlex.join(command)}") from None
        finally:
            if process.poll() is None:
                process.kill()
    with open(log, "a") as errors:
        errors.write("\n--- stdout ---\n" + (output or ""))
    return process.returncode, output or "", time.perf_counter() - start


def json_lines(text: str) -> list[dict]:
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return lines


def checked(command: list[str], limit: float, log: Path, env: dict | None = None) -> str:
    status, output, _ = run_command(command, limit, log, env)
    if status != 0:
        tail = log.read_text().split("\n--- stdout ---\n")[0][-1500:]
        raise RuntimeError(f"exit status {status} from {shlex.join(command)}; its stderr ends: {tail}")
    return output


# ----- the steps -----


def step_tests(context: dict) -> dict:
    report = context["folder"] / "tests.xml"
    command = [sys.executable, "-m", "pytest", "tests/reference/test_fast_update.py", "-q", f"--junitxml={report}"]
    status, _, _ = run_command(command, context["limit"], context["folder"] / "tests.log", context["env"])
    if not report.exists():
        raise RuntimeError(
            f"pytest exited with status {status} before writing its results; tests.log ends: "
            f"{(context['folder'] / 'tests.log').read_text()[-1500:]}"
        )
    suite = ElementTree.parse(report).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    counts = {name: int(suite.get(name, 0)) for name in ("tests", "failures", "errors", "skipped")}
    skipped_cuda = [
        case.get("name")
        for case in suite.iter("testcase")
        if case.find("skipped") is not None and "cuda" in case.get("name", "")
    ]
    figures = {
        **counts,
        "passed": counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"],
        "cuda_tests_skipped": skipped_cuda,
        "command": shown(command),
    }
    if status != 0 or counts["failures"] or counts["errors"]:
        raise StepFailed(f"{counts['failures']} failed, {counts['errors']} errors (see tests.log)", figures)
    if context["device"].startswith("cuda") and skipped_cuda:
        raise StepFailed("the CUDA-graph tests were skipped: PyTorch sees no GPU", figures)
    return figures


def step_emulators(context: dict) -> dict:
    sizes = context["sizes"]
    command = [
        sys.executable,
        "benchmarks/fast_loop_parts.py",
        "--num-envs",
        str(sizes["num_envs"]),
        "--iterations",
        str(sizes["emulator_iterations"]),
        "--replay-capacity",
        str(sizes["loop_parts_capacity"]),
    ]
    lines = json_lines(checked(command, context["limit"] / 2, context["folder"] / "emulators.log", context["env"]))
    parts = lines[-1]
    sweep_command = [
        sys.executable,
        SELF,
        "--part",
        "emulator-threads",
        "--num-envs",
        str(sizes["num_envs"]),
        "--iterations",
        str(sizes["emulator_iterations"]),
    ]
    sweep = json_lines(
        checked(sweep_command, context["limit"] / 2, context["folder"] / "emulator_threads.log", context["env"])
    )[-1]
    return {"loop_parts": parts, "loop_parts_command": shown(command), "threads_command": shown(sweep_command), **sweep}


def step_update(context: dict) -> dict:
    sizes = context["sizes"]
    command = [
        sys.executable,
        SELF,
        "--part",
        "update",
        "--device",
        context["device"],
        "--num-envs",
        str(sizes["num_envs"]),
        "--replay-capacity",
        str(sizes["replay_capacity"]),
        "--fill",
        str(sizes["update_fill"]),
        "--iterations",
        str(sizes["update_iterations"]),
    ]
    return json_lines(checked(command, context["limit"], context["folder"] / "update.log", context["env"]))[-1]


def step_loop(context: dict) -> dict:
    sizes = context["sizes"]
    steps = loop_steps(context)
    command = [
        sys.executable,
        "benchmarks/throughput.py",
        "--engine",
        "fast",
        "--device",
        context["device"],
        "--num-envs",
        str(sizes["num_envs"]),
        "--skip-sb3",
        "--repeats",
        "1",
        "--replay-capacity",
        str(sizes["replay_capacity"]),
        "--learning-starts",
        str(sizes["learning_starts"]),
        "--steps",
        str(steps),
    ]
    lines = json_lines(checked(command, context["limit"], context["folder"] / "loop.log", context["env"]))
    summary = next(line for line in lines if line.get("summary") == "ours")
    return {**summary, "throughput_command": shown(command), "timed_agent_steps": steps, "timed_frames": 4 * steps}


def step_breakout(context: dict) -> dict:
    sizes, folder = context["sizes"], context["folder"]
    run_dir = folder / "breakout_10min"
    seconds_left = context["deadline"] - time.perf_counter()
    if context["dry"]:
        minutes = training_minutes(seconds_left, 0.25, minimum_minutes=0.1)
        extra = [
            "--num-envs",
            str(sizes["num_envs"]),
            "--replay-capacity",
            str(sizes["replay_capacity"]),
            "--learning-starts",
            str(sizes["learning_starts"]),
            "--total-steps",
            str(2 * sizes["learning_starts"]),
            "--eval-max-frames",
            "400",
            "--eval-every",
            str(10**9),
            "--checkpoint-every",
            str(10**9),
        ]
    else:
        minutes = training_minutes(seconds_left, context["train_minutes"])
        extra = []
    train = [
        sys.executable,
        "-m",
        "dqn_tutorial",
        "train",
        "--preset",
        "breakout_10min",
        "--device",
        context["device"],
        "--run-dir",
        str(run_dir),
        "--no-progress",
        "--max-wall-minutes",
        str(minutes),
        *extra,
    ]
    start = time.perf_counter()
    checked(train, 60 * minutes + TRAINING_OVERHEAD + 60, folder / "breakout_train.log", context["env"])
    train_seconds = time.perf_counter() - start
    summary = json.loads((run_dir / "summary.json").read_text())
    evaluations = (
        (run_dir / "evaluations.csv").read_text().splitlines() if (run_dir / "evaluations.csv").exists() else []
    )
    output = run_dir / "final_evaluation.json"
    evaluate = [
        sys.executable,
        "-m",
        "dqn_tutorial",
        "evaluate",
        str(run_dir),
        "--episodes",
        str(sizes["eval_episodes"]),
        "--device",
        context["device"],
        "--output",
        str(output),
    ]
    start = time.perf_counter()
    limit = max(context["deadline"] - time.perf_counter(), EVALUATION_RESERVE) if not context["dry"] else 120
    checked(evaluate, limit, folder / "breakout_evaluate.log", context["env"])
    final = json.loads(output.read_text())
    return {
        "train_minutes_budget": minutes,
        "train_minutes_note": "set by gpu_check from the time left (the preset's own budget is 8 minutes)",
        "train_command": shown(train),
        "train_wall_seconds": round(train_seconds, 1),
        "summary": summary,
        "evaluations_during_training": evaluations,
        "evaluate_command": shown(evaluate),
        "evaluate_wall_seconds": round(time.perf_counter() - start, 1),
        "final_evaluation": {key: final[key] for key in ("mean", "std", "episodes", "epsilon", "max_frames", "step")},
        "final_evaluation_returns": final["returns"],
    }


class StepFailed(Exception):
    """A step that ran but whose result is a failure; carries the figures it has."""

    def __init__(self, message: str, figures: dict):
        super().__init__(message)
        self.figures = figures


STEP_FUNCTIONS = {
    "tests": step_tests,
    "emulators": step_emulators,
    "update": step_update,
    "loop": step_loop,
    "breakout_10min": step_breakout,
}


# ----- the parts run in their own processes (--part) -----


def part_emulator_threads(args) -> dict:
    """Agent steps/s of `num_envs` emulators alone, for several numbers of C++ threads."""
    import numpy as np

    from dqn_tutorial.config import get_preset
    from dqn_tutorial.fast.emulators import VectorAtari, emulator_threads, usable_cores
    from fast_loop_parts import per_call_microseconds  # benchmarks/ is this script's folder

    config = get_preset("nature2015")
    cores = usable_cores()
    counts = sorted({n for n in (1, 2, 4, 8, cores - 1, cores, args.num_envs) if 1 <= n <= min(args.num_envs, cores)})
    rng = np.random.default_rng(0)
    results = {}
    for threads in counts:
        envs = VectorAtari(config, args.num_envs, seed=0, num_threads=threads)
        envs.reset()
        actions = lambda: rng.integers(envs.num_actions, size=args.num_envs)  # noqa: E731, B023 (used in this pass only)
        for _ in range(5):
            envs.step(actions())
        iterations = max(20, args.iterations * threads // args.num_envs)  # about the same time for each count
        microseconds = per_call_microseconds(lambda: envs.step(actions()), iterations)  # noqa: B023
        envs.close()
        results[str(threads)] = round(args.num_envs / microseconds * 1e6)
    default = emulator_threads(0, args.num_envs)
    return {
        "emulator_agent_steps_per_second_by_threads": results,
        "usable_cores": cores,
        "fast_engine_default_threads": default,
        "num_envs": args.num_envs,
    }


def part_update(args) -> dict:
    """The update alone (sampling from the device memory + CUDA-graph update), acting alone, and both as
    one loop iteration without emulators: the GPU's share of the fast loop, at the Nature settings."""
    import numpy as np
    import torch

    from dqn_tutorial.config import get_preset
    from dqn_tutorial.exploration import epsilon_greedy, q_values
    from dqn_tutorial.fast.engine import gpu_settings
    from dqn_tutorial.fast.replay_memory import DeviceReplayMemory
    from dqn_tutorial.fast.update import GraphedUpdate
    from dqn_tutorial.losses import LOSSES
    from dqn_tutorial.networks import build_network
    from dqn_tutorial.optimizers import make_optimizer
    from dqn_tutorial.target_network import make_target_network
    from dqn_tutorial.training import place_network, resolve_device

    config = get_preset("nature2015")
    device = resolve_device(args.device)
    settings = gpu_settings(device)
    n = args.num_envs
    torch.manual_seed(0)
    online = place_network(build_network("nature", 4, (4, 84, 84)), device)
    target = make_target_network(online)
    optimizer = make_optimizer(
        config.optimizer,
        online.parameters(),
        config.learning_rate,
        config.batch_size,
        capturable=device.type == "cuda",
        adam_epsilon=config.adam_epsilon,
    )
    memory = DeviceReplayMemory(args.replay_capacity, num_envs=n, seed=0, device=device)
    frames = torch.randint(0, 256, (n, 84, 84), dtype=torch.uint8, device=device)
    rng = np.random.default_rng(0)
    flags = np.zeros(n, dtype=bool)
    for _ in range(args.fill // n):
        memory.add(frames, rng.integers(4, size=n), rng.integers(-1, 2, size=n).astype(float), flags, flags)
    graphed = GraphedUpdate(
        online, target, optimizer, config.gamma, LOSSES[config.loss], config.batch_size, (4, 84, 84), device
    )
    per_iteration = max(n // config.update_every, 1)  # updates due per loop iteration at the paper's ratio
    stacks = torch.randint(0, 256, (n, 4, 84, 84), dtype=torch.uint8, device=device)

    def updates():
        batches = memory.sample_batches(per_iteration, config.batch_size)
        for index in range(per_iteration):
            graphed(batches[index])

    def act():
        epsilon_greedy(q_values(online, stacks), 0.0, rng)  # greedy for every row: the forward always runs

    def synchronize():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    def timed(function, iterations: int) -> float:
        for _ in range(3):
            function()  # the first call records the CUDA graph / autotunes cuDNN
        synchronize()
        start = time.perf_counter()
        for _ in range(iterations):
            function()
        synchronize()
        return (time.perf_counter() - start) / iterations * 1e6

    update_us = timed(updates, args.iterations) / per_iteration
    act_us = timed(act, args.iterations)
    iteration_us = timed(lambda: (act(), updates()), args.iterations)
    graphed.take_means()
    return {
        "device": str(device),
        "gpu_settings": settings,
        "cuda_graph": graphed.graph is not None,
        "replay_capacity": args.replay_capacity,
        "replay_filled": len(memory),
        "num_envs": n,
        "batch_size": config.batch_size,
        "updates_per_iteration": per_iteration,
        "update_us": round(update_us, 1),
        "updates_per_second": round(1e6 / update_us),
        "update_alone_agent_steps_per_second": round(1e6 / update_us * config.update_every),
        "act_us": round(act_us, 1),
        "iteration_without_emulators_us": round(iteration_us, 1),
        "gpu_share_agent_steps_per_second": round(n / iteration_us * 1e6),
        "peak_gpu_memory_gb": round(torch.cuda.max_memory_allocated(device) / 1e9, 2)
        if device.type == "cuda"
        else None,
    }


PARTS = {"emulator-threads": part_emulator_threads, "update": part_update, "machine": part_machine}


# ----- the check -----


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry", action="store_true", help="every step for seconds on a CPU, tiny sizes (CI)")
    parser.add_argument("--device", default=None, help="default: cuda, or cpu with --dry")
    parser.add_argument("--folder", type=Path, default=None, help="where the report and logs go")
    parser.add_argument("--budget-minutes", type=float, default=9.0, help="the whole check's time budget")
    parser.add_argument("--train-minutes", type=float, default=4.0, help="at most this much training in step 5")
    parser.add_argument("--only", default=",".join(STEPS), help=f"comma-separated steps, of: {', '.join(STEPS)}")
    parser.add_argument("--part", choices=sorted(PARTS), help=argparse.SUPPRESS)  # internal: one part, one JSON line
    parser.add_argument("--num-envs", type=int, default=16, help=argparse.SUPPRESS)
    parser.add_argument("--replay-capacity", type=int, default=1_000_000, help=argparse.SUPPRESS)
    parser.add_argument("--fill", type=int, default=50_000, help=argparse.SUPPRESS)
    parser.add_argument("--iterations", type=int, default=500, help=argparse.SUPPRESS)
    args = parser.parse_args()
    device = args.device or ("cpu" if args.dry else "cuda")

    if args.part:
        args.device = device
        print(json.dumps(PARTS[args.part](args)), flush=True)
        return 0

    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - set(STEPS))
    if unknown:
        parser.error(f"unknown step(s) {', '.join(unknown)}: choose from {', '.join(STEPS)}")
    started = time.perf_counter()
    deadline = started + 60 * args.budget_minutes
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    folder = args.folder or REPOSITORY / "runs" / ("gpu-check-dry" if args.dry else "gpu-check") / stamp
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "breakout_10min").exists():
        print(json.dumps({"error": f"{folder} already holds a check: choose another --folder"}), flush=True)
        return 2
    env = dict(os.environ)
    if args.dry:
        env["OMP_NUM_THREADS"] = "1"  # a dry check proves that things start, not speed; one thread is kindest
    try:
        machine_command = [sys.executable, SELF, "--part", "machine", "--device", device]
        machine = json_lines(checked(machine_command, 120, folder / "machine.log", env))[-1]
    except Exception as error:  # noqa: BLE001  (the report says so; the steps still run)
        machine = {"device": device, "error": f"{type(error).__name__}: {error}"}
    report = {
        "report": "gpu_check",
        "dry": args.dry,
        "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "command": shlex.join([Path(sys.executable).name, *sys.argv]),
        "folder": str(folder),
        "commit": git("rev-parse", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain")),
        "machine": machine,
        "budget_seconds": round(60 * args.budget_minutes),
        "sizes": SIZES["dry" if args.dry else "real"],
        "steps": {},
        "errors": [],
    }
    path = folder / "report.json"
    print(
        json.dumps({"gpu_check": "start", "folder": str(folder), "dry": args.dry, "device": device, "steps": chosen}),
        flush=True,
    )
    for name in chosen:
        step_start = time.perf_counter()
        context = {
            "folder": folder,
            "device": device,
            "dry": args.dry,
            "env": env,
            "deadline": deadline,
            "sizes": SIZES["dry" if args.dry else "real"],
            "train_minutes": args.train_minutes,
            "limit": STEP_LIMITS.get(name, 600) if not args.dry else 120,
            "earlier": {done: entry["figures"] for done, entry in report["steps"].items()},
        }
        if not args.dry and name != "breakout_10min":  # leave the last step its minimum, whatever a step's own limit
            context["limit"] = min(context["limit"], max(deadline - LAST_STEP_MINIMUM - step_start, 30))
        entry = {"ok": False, "error": None, "figures": None}
        print(
            json.dumps({"step": name, "status": "started", "seconds_into_check": round(step_start - started, 1)}),
            flush=True,
        )
        try:
            entry["figures"] = STEP_FUNCTIONS[name](context)
            entry["ok"] = True
        except StepFailed as failure:
            entry["error"], entry["figures"] = str(failure), failure.figures
        except Exception as error:  # noqa: BLE001  (any failure is recorded; the next step still runs)
            entry["error"] = f"{type(error).__name__}: {error}"
        entry["wall_seconds"] = round(time.perf_counter() - step_start, 1)
        report["steps"][name] = entry
        if not entry["ok"]:
            report["errors"].append(name)
        report["wall_seconds"] = round(time.perf_counter() - started, 1)
        path.write_text(json.dumps(report, indent=2) + "\n")
        print(
            json.dumps(
                {
                    "step": name,
                    "ok": entry["ok"],
                    "wall_seconds": entry["wall_seconds"],
                    "error": entry["error"],
                    "headline": headline(name, entry["figures"]),
                }
            ),
            flush=True,
        )
    print(
        json.dumps(
            {
                "gpu_check": "done",
                "report": str(path),
                "wall_seconds": report["wall_seconds"],
                "errors": report["errors"],
            }
        ),
        flush=True,
    )
    return 1 if report["errors"] else 0


def headline(name: str, figures: dict | None) -> dict | None:
    """The one or two figures of a step worth a progress line."""
    if not figures:
        return None
    if name == "tests":
        return {key: figures.get(key) for key in ("passed", "failures", "errors", "skipped")}
    if name == "emulators":
        return {
            "by_threads": figures.get("emulator_agent_steps_per_second_by_threads"),
            "host_bound": figures.get("loop_parts", {}).get("host_bound_agent_steps_per_second"),
        }
    if name == "update":
        return {key: figures.get(key) for key in ("update_us", "act_us", "gpu_share_agent_steps_per_second")}
    if name == "loop":
        return {"steps_per_second": figures.get("steps_per_second")}
    if name == "breakout_10min":
        return {
            "steps": figures["summary"].get("total_steps"),
            "steps_per_second": figures["summary"].get("steps_per_second"),
            "final_mean": figures["final_evaluation"]["mean"],
        }
    return None


if __name__ == "__main__":
    sys.exit(main())
