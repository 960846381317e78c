"""What one iteration of the fast engine's loop costs on the host, part by part (no GPU needed).

On a GPU the network's work is queued and runs while the host does the rest, so the host's own time
per iteration bounds the speed: emulation (in C++ threads), choosing which transitions to sample,
writing the replay memory, the Python of the loop. This script times those parts with the real code
on this machine and prints what they would allow, in agent steps per second, if the GPU kept up.

    python benchmarks/fast_loop_parts.py --num-envs 16

The emulation figure depends on the cores: an H100 machine here has 16, this one may have fewer.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import time
from pathlib import Path

import numpy as np
import torch

from dqn_tutorial.config import get_preset
from dqn_tutorial.fast.emulators import VectorAtari
from dqn_tutorial.fast.replay_memory import DeviceReplayMemory

REPOSITORY = Path(__file__).resolve().parent.parent


def per_call_microseconds(function, repeats: int) -> float:
    start = time.perf_counter()
    for _ in range(repeats):
        function()
    return (time.perf_counter() - start) / repeats * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-envs", type=int, default=16)
    parser.add_argument("--iterations", type=int, default=400)
    parser.add_argument("--replay-capacity", type=int, default=200_000)
    args = parser.parse_args()
    n = args.num_envs
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPOSITORY, capture_output=True, text=True
    ).stdout.strip()
    print(
        json.dumps(
            {
                "benchmark": "fast_loop_parts",
                "machine": platform.processor() or platform.machine(),
                "cpus": os.cpu_count(),
                "commit": commit,
                "num_envs": n,
                "torch_threads": torch.get_num_threads(),
            }
        )
    )

    config = get_preset("nature2015")
    envs = VectorAtari(config, n, seed=0)
    envs.reset()
    rng = np.random.default_rng(0)
    actions = lambda: rng.integers(envs.num_actions, size=n)  # noqa: E731
    for _ in range(20):
        envs.step(actions())
    emulation = per_call_microseconds(lambda: envs.step(actions()), args.iterations)

    memory = DeviceReplayMemory(args.replay_capacity, num_envs=n, seed=0)
    frames = torch.randint(0, 256, (n, 84, 84), dtype=torch.uint8)
    zeros, flags = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    rewards = np.zeros(n)
    fill = args.replay_capacity // n
    for _ in range(fill):
        memory.add(frames, zeros, rewards, flags, flags)
    add = per_call_microseconds(lambda: memory.add(frames, zeros, rewards, flags, flags), args.iterations)
    updates = max(n // config.update_every, 1)  # updates due per iteration at the paper's replay ratio
    indices = per_call_microseconds(lambda: memory.sample_indices(updates * config.batch_size), args.iterations)
    envs.close()

    host = emulation + add + indices
    print(
        json.dumps(
            {
                "emulation_us_per_iteration": round(emulation, 1),
                "emulation_agent_steps_per_second": round(n / emulation * 1e6),
                "replay_add_us_per_iteration": round(add, 1),
                "updates_per_iteration": updates,
                "sample_indices_us_per_iteration": round(indices, 1),
                "host_us_per_iteration_without_network": round(host, 1),
                "host_bound_agent_steps_per_second": round(n / host * 1e6),
                "note": "the host also launches the GPU work (a few dozen microseconds per update with a CUDA graph) "
                "and "
                "waits once per iteration for the greedy actions; those need a GPU to measure",
            }
        )
    )


if __name__ == "__main__":
    main()
