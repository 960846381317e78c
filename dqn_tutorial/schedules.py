"""Schedules counted in agent steps (Chapters 6, 7, 8): how much to explore, when to learn, when to sync.

Every schedule here counts agent steps (one action chosen by the network), never emulator frames: with
frame skipping (Chapter 10) one agent step is 4 frames, and DeepMind's code counts steps. The training
loop (`dqn.py`) asks these functions, step by step, what is due; the chapters' exercises write them.
"""

from __future__ import annotations


def linear_epsilon(step: int, start: float = 1.0, end: float = 0.1, duration: int = 1_000_000) -> float:
    """Epsilon after `step` agent steps: `start` falling linearly to `end` over `duration` steps, then fixed.

    Chapter 6 (Exercise 6.1). The Nature paper anneals 1.0 -> 0.1 over the first "1,000,000 frames";
    DeepMind's code counts agent steps (1M steps = 4M emulator frames). `step` counts agent steps since
    annealing began.
    """
    if duration <= 0 or step >= duration:
        return float(end)
    if step <= 0:
        return float(start)
    return float(start + (end - start) * (step / duration))


def epsilon_at(step: int, learning_starts: int, start: float, end: float, duration: int) -> float:
    """Epsilon for agent step `step`: random play (1.0) until learning starts, then `linear_epsilon`.

    DeepMind's code anneals from the start of learning (ep_start until learn_start, then linear).
    """
    if step < learning_starts:
        return 1.0
    return linear_epsilon(step - learning_starts, start, end, duration)


def should_update(step: int, learning_starts: int, update_every: int) -> bool:
    """Whether the agent makes an SGD update right after its agent step number `step` (1 = the first).

    Chapter 7 (Exercise 7.4), Chapter 10. No update during the first `learning_starts` steps of random
    play; then one every `update_every` steps (2013: every step; 2015: 4, "update frequency" in Extended
    Data Table 1), the first at step learning_starts + update_every.
    """
    return step > learning_starts and (step - learning_starts) % update_every == 0


def is_sync_step(step: int, sync_every: int) -> bool:
    """True on the agent steps after which the target network is refreshed (Chapter 8, Exercise 8.5).

    `sync_every` is in agent steps, as in DeepMind's code (10,000 steps = 2,500 updates at update_every 4).
    """
    return sync_every > 0 and step % sync_every == 0
