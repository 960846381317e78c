"""Replay memory benchmark: bytes per transition, resident memory when full, time to sample a minibatch.

Prints one JSON object per line. The comparison is with storing whole 4x84x84 stacks: once per
transition (28,224 B, as CleanRL does) or twice, observation and next observation (56,448 B).

    python benchmarks/replay_memory.py               # fills 1,000,000 transitions (~7.1 GB of RAM)
    python benchmarks/replay_memory.py --quick       # 100,000 transitions
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

from dqn_tutorial.replay_memory import ReplayMemory

FRAME = (84, 84)
HISTORY = 4
STACK_BYTES = HISTORY * FRAME[0] * FRAME[1]  # one uint8 stack of 4 frames: 28,224 B


def resident_bytes() -> int:
    """Resident set size of this process (VmRSS), in bytes."""
    try:
        import psutil

        return int(psutil.Process(os.getpid()).memory_info().rss)
    except ImportError:
        pass
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("cannot read resident memory: no psutil and no /proc/self/status")


def emit(**fields) -> None:
    print(json.dumps(fields), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--capacity", type=int, default=1_000_000, help="transitions to store (agent steps)")
    parser.add_argument("--quick", action="store_true", help="fill 100,000 transitions instead")
    parser.add_argument("--samples", type=int, default=2000, help="sample(32) calls to time")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    capacity = 100_000 if args.quick else args.capacity

    per_transition = ReplayMemory.bytes_needed(1)
    emit(
        metric="bytes_per_transition",
        replay_memory=per_transition,
        frames_only_floor=FRAME[0] * FRAME[1],
        full_stack_once=STACK_BYTES,
        full_stack_twice=2 * STACK_BYTES,
    )
    emit(
        metric="bytes_needed_1M_transitions",
        replay_memory_gb=ReplayMemory.bytes_needed(1_000_000) / 1e9,
        frames_only_floor_gb=1_000_000 * FRAME[0] * FRAME[1] / 1e9,
        full_stack_once_gb=1_000_000 * STACK_BYTES / 1e9,
        full_stack_twice_gb=1_000_000 * 2 * STACK_BYTES / 1e9,
    )

    rss_start = resident_bytes()
    memory = ReplayMemory(capacity, FRAME, HISTORY, seed=args.seed)
    rss_allocated = resident_bytes()
    emit(
        metric="allocated_not_filled",
        capacity=capacity,
        nbytes_gb=memory.nbytes / 1e9,
        rss_increase_mb=(rss_allocated - rss_start) / 1e6,
    )

    # Random frames are drawn in chunks (one 10,000-frame array at a time) and written one agent step
    # at a time with add(), as a training loop does. Episodes end every 1,000 steps, half by game over.
    rng = np.random.default_rng(args.seed)
    chunk = 10_000
    start = time.perf_counter()
    add_seconds = 0.0
    for first in range(0, capacity, chunk):
        count = min(chunk, capacity - first)
        frames = rng.integers(0, 256, size=(count, *FRAME), dtype=np.uint8)
        actions = rng.integers(0, 4, size=count)
        rewards = rng.choice(np.array([-1.0, 0.0, 1.0], dtype=np.float32), size=count, p=[0.01, 0.9, 0.09])
        tick = time.perf_counter()
        for i in range(count):
            step = first + i
            episode_end = step % 1000 == 999
            terminal = episode_end and step % 2000 == 999
            memory.add(frames[i], int(actions[i]), float(rewards[i]), terminal, episode_end)
        add_seconds += time.perf_counter() - tick
    fill_seconds = time.perf_counter() - start
    del frames
    rss_filled = resident_bytes()
    emit(
        metric="filled",
        transitions=len(memory),
        fill_seconds=round(fill_seconds, 2),
        add_microseconds=round(add_seconds / capacity * 1e6, 2),
        rss_gb=round(rss_filled / 1e9, 3),
        rss_increase_gb=round((rss_filled - rss_start) / 1e9, 3),
        nbytes_gb=round(memory.nbytes / 1e9, 3),
        full_stack_once_gb=round(capacity * STACK_BYTES / 1e9, 3),
        full_stack_twice_gb=round(capacity * 2 * STACK_BYTES / 1e9, 3),
    )

    for _ in range(50):  # warm-up
        memory.sample(32)
    times = np.empty(args.samples)
    for n in range(args.samples):
        tick = time.perf_counter()
        memory.sample(32)
        times[n] = time.perf_counter() - tick
    emit(
        metric="sample_32",
        capacity=capacity,
        calls=args.samples,
        median_microseconds=round(float(np.median(times)) * 1e6, 1),
        p90_microseconds=round(float(np.percentile(times, 90)) * 1e6, 1),
        mean_microseconds=round(float(times.mean()) * 1e6, 1),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
