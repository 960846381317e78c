"""Agent steps per second of training at the Nature settings, ours and Stable-Baselines3's, side by side.

Both agents play real Breakout (ALE, no sticky actions, action repeat 4, 84x84x4 stacks), use the Nature
CNN, batch 32, one SGD update per 4 agent steps, target sync every 10,000 steps. Each first plays
`--learning-starts` random steps (not timed), then `--steps` timed steps with learning on: steps/s is
measured over those, as `summary.json` does. Prints JSON lines; the last one holds both and the ratio.

    python benchmarks/throughput.py                  # ours and SB3 (pip install -e '.[benchmark]')
    python benchmarks/throughput.py --skip-sb3       # ours only
    python benchmarks/throughput.py --engine fast --device cuda --num-envs 16 --skip-sb3 \
        --replay-capacity 1000000 --learning-starts 50000 --steps 500000   # the fast engine on a GPU

Both engines keep the paper's replay ratio: one update of 32 transitions per 4 agent steps.
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
from statistics import median

REPOSITORY = Path(__file__).resolve().parent.parent


def nature_cnn_flops_per_update(batch_size: int = 32, num_actions: int = 4, update_every: int = 4) -> dict:
    """Floating-point operations of one update (2 per multiply-accumulate), and of acting between updates."""
    layers = [  # (output positions, multiply-accumulates per output position)
        (20 * 20 * 32, 8 * 8 * 4),
        (9 * 9 * 64, 4 * 4 * 32),
        (7 * 7 * 64, 3 * 3 * 64),
        (512, 3136),
        (num_actions, 512),
    ]
    forward_macs = sum(outputs * macs for outputs, macs in layers)
    first_layer_macs = layers[0][0] * layers[0][1]
    # online forward + target forward + backward (weight grads for all layers, input grads for all but the first)
    update_macs = batch_size * (forward_macs * 2 + forward_macs + (forward_macs - first_layer_macs))
    acting_macs = update_every * forward_macs  # one batch-1 forward per agent step
    return {
        "forward_flops_per_observation": 2 * forward_macs,
        "update_flops": 2 * update_macs,
        "acting_flops_per_update": 2 * acting_macs,
    }


def measure_matmul_gflops(size: int = 1024, repeats: int = 20) -> float:
    """What this CPU sustains on a large float32 matrix product: an upper bound for the update's arithmetic."""
    import torch

    a, b = torch.randn(size, size), torch.randn(size, size)
    for _ in range(3):
        a @ b
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * size**3 * repeats / (time.perf_counter() - start) / 1e9


def run_ours(args) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        run_dir = Path(folder) / "run"
        command = [
            sys.executable,
            "-m",
            "dqn_tutorial",
            "train",
            "--preset",
            "nature2015",
            "--device",
            args.device,
            "--engine",
            args.engine,
            "--total-steps",
            str(args.learning_starts + args.steps),
            "--learning-starts",
            str(args.learning_starts),
            "--replay-capacity",
            str(args.replay_capacity),
            "--num-envs",
            str(args.num_envs),
            "--eval-every",
            str(10**9),
            "--checkpoint-every",
            str(10**9),
            "--no-save-replay",
            "--seed",
            str(args.seed),
            "--run-dir",
            str(run_dir),
            "--no-progress",
        ]
        start = time.perf_counter()
        subprocess.run(command, check=True, cwd=REPOSITORY, stdout=subprocess.DEVNULL)
        summary = json.loads((run_dir / "summary.json").read_text())
    return {
        "agent": "dqn-tutorial",
        "engine": args.engine,
        "steps_per_second": summary["steps_per_second"],
        "updates": summary["updates"],
        "updates_per_agent_step": round(summary["updates"] / (args.steps), 4),
        "wall_seconds_total": round(time.perf_counter() - start, 1),
        "num_envs": args.num_envs,
        "peak_host_memory_gb": summary["peak_host_memory_gb"],
        "peak_gpu_memory_gb": summary["peak_gpu_memory_gb"],
        "command": " ".join(command[1:]).replace(str(run_dir), "RUN_DIR"),
    }


def run_sb3(args) -> dict:
    import ale_py
    import gymnasium as gym
    from stable_baselines3 import DQN
    from stable_baselines3.common.atari_wrappers import AtariWrapper
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.vec_env import DummyVecEnv, VecFrameStack, VecTransposeImage

    gym.register_envs(ale_py)

    def make():
        env = gym.make("ALE/Breakout-v5", frameskip=1, repeat_action_probability=0.0)
        return AtariWrapper(env, noop_max=30, frame_skip=4, terminal_on_life_loss=True, clip_reward=True)

    env = VecTransposeImage(VecFrameStack(DummyVecEnv([make]), n_stack=4))

    class Clock(BaseCallback):
        def __init__(self):
            super().__init__()
            self.start = None

        def _on_step(self) -> bool:
            if self.start is None and self.num_timesteps >= args.learning_starts:
                self.start = (time.perf_counter(), self.num_timesteps)
            return True

    model = DQN(
        "CnnPolicy",
        env,
        buffer_size=args.replay_capacity,
        learning_starts=args.learning_starts,
        batch_size=32,
        train_freq=4,
        gradient_steps=1,
        target_update_interval=10_000,
        learning_rate=2.5e-4,
        gamma=0.99,
        exploration_fraction=1_000_000 / (args.learning_starts + args.steps),
        exploration_final_eps=0.1,
        optimize_memory_usage=False,
        device=args.device,
        seed=args.seed,
        verbose=0,
    )
    clock = Clock()
    model.learn(total_timesteps=args.learning_starts + args.steps, callback=clock)
    elapsed = time.perf_counter() - clock.start[0]
    return {
        "agent": "stable-baselines3",
        "version": __import__("stable_baselines3").__version__,
        "steps_per_second": round((model.num_timesteps - clock.start[1]) / elapsed, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4000, help="timed agent steps after learning starts")
    parser.add_argument("--learning-starts", type=int, default=2000, help="random steps before timing")
    parser.add_argument("--replay-capacity", type=int, default=100_000)
    parser.add_argument("--num-envs", type=int, default=1)
    parser.add_argument("--engine", default="plain", choices=["plain", "fast"])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-sb3", action="store_true")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each agent, alternating; medians compared")
    args = parser.parse_args()

    import torch

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPOSITORY, capture_output=True, text=True
    ).stdout.strip()
    machine = {
        "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "device": args.device,
        "commit": commit,
        "cuda": torch.cuda.get_device_name() if args.device.startswith("cuda") else None,
    }
    print(
        json.dumps(
            {
                "benchmark": "throughput",
                **machine,
                "steps": args.steps,
                "learning_starts": args.learning_starts,
                "replay_capacity": args.replay_capacity,
            }
        ),
        flush=True,
    )
    flops = nature_cnn_flops_per_update()
    gflops = measure_matmul_gflops()
    print(json.dumps({"matmul_gflops": round(gflops, 1), **flops}), flush=True)
    # Ours and SB3 alternate, `--repeats` times each, so a slow spell of a shared machine hits both;
    # the medians are compared.
    our_runs, their_runs = [], []
    for _ in range(args.repeats):
        our_runs.append(run_ours(args))
        print(json.dumps(our_runs[-1]), flush=True)
        if not args.skip_sb3:
            their_runs.append(run_sb3(args))
            print(json.dumps(their_runs[-1]), flush=True)
    ours = dict(
        our_runs[len(our_runs) // 2],
        steps_per_second=median([r["steps_per_second"] for r in our_runs]),
        all_steps_per_second=[r["steps_per_second"] for r in our_runs],
    )
    if args.device.startswith("cuda"):
        ours["minutes_for_10M_steps"] = round(10_000_000 / ours["steps_per_second"] / 60, 1)
    per_step_flops = (flops["update_flops"] + flops["acting_flops_per_update"]) / 4
    if args.device == "cpu":  # the matmul rate above is the CPU's: a bound for CPU runs only
        ours["arithmetic_bound_steps_per_second"] = round(gflops * 1e9 / per_step_flops, 1)
        ours["fraction_of_bound"] = round(ours["steps_per_second"] / ours["arithmetic_bound_steps_per_second"], 3)
    print(json.dumps({"summary": "ours", **ours}), flush=True)
    if args.skip_sb3:
        return
    theirs = median([r["steps_per_second"] for r in their_runs])
    print(
        json.dumps(
            {
                "ours_steps_per_second": ours["steps_per_second"],
                "sb3_steps_per_second": theirs,
                "ours_all": ours["all_steps_per_second"],
                "sb3_all": [r["steps_per_second"] for r in their_runs],
                "ratio": round(ours["steps_per_second"] / theirs, 2),
                "repeats": args.repeats,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
