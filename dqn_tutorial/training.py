"""A training run (Chapters 7 and 12): the algorithm of `dqn.py` with the bookkeeping a real run needs.

`dqn.py` is Mnih et al. 2015, Algorithm 1, on one page; this module gives it a run directory holding
the resolved config, metrics.csv, evaluations.csv, checkpoints written atomically, and summary.json,
and builds the parts of the plain engine (the fast engine's are in `dqn_tutorial/fast`).
A run can be stopped (Ctrl-C, SIGTERM or SIGHUP saves a checkpoint) and resumed where it stopped.

The resume is exact with the plain engine on a CPU: the run ends with the same weights, optimizer
state, counters, replay memory and log rows, bit for bit, as if it had never stopped (only the
wall-clock figures differ: wall_seconds and steps_per_second). A checkpoint holds, besides the
networks and the optimizer, every random generator (the agent's, PyTorch's, the replay memory's), the
games in progress (each emulator's state with its generator, and every wrapper's: frame stack,
frame-skip buffer, lives, time-limit counter; see environment.vector_env_state), the current
observations and scores, the steps at which the next log row, evaluation and checkpoint are due, and
the losses not yet averaged into a log row. tests/reference/test_exact_resume.py checks it.
"""

from __future__ import annotations

import json
import random
import resource
import secrets
import signal
import sys
import threading
import time
from collections import deque
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from dqn_tutorial.checkpoints import (
    atomic_save,
    bytes_to_write,
    ensure_disk_space,
    load_checkpoint,
    remove_other_replay_files,
    remove_temporary_files,
    replay_file_name,
    safe_load,
)
from dqn_tutorial.config import Config
from dqn_tutorial.dqn import Agent, learn, play_step
from dqn_tutorial.environment import Emulators
from dqn_tutorial.errors import UserError
from dqn_tutorial.evaluation import evaluate
from dqn_tutorial.losses import LOSSES
from dqn_tutorial.metrics import MetricsWriter, truncate_rows
from dqn_tutorial.networks import build_network, count_parameters
from dqn_tutorial.optimizers import make_optimizer
from dqn_tutorial.replay_memory import ReplayMemory
from dqn_tutorial.schedules import epsilon_at
from dqn_tutorial.target_network import make_target_network
from dqn_tutorial.update import batch_to_tensors, update_step


def resolve_device(name: str) -> torch.device:
    """'auto' picks CUDA when present; asking for CUDA without a GPU is a clear error, not a crash later."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise UserError("--device cuda was asked for, but PyTorch sees no CUDA GPU here: use --device cpu or auto")
    return torch.device(name)


def place_network(network: torch.nn.Module, device: torch.device) -> torch.nn.Module:
    """Move a network to its device; on a CPU, store conv weights channels-last (NHWC).

    NHWC is the layout the CPU's convolution library (oneDNN) works in; with NCHW weights every
    convolution converts back and forth. The arithmetic is the same; the Nature CNN's update took
    20-22 ms instead of 27 on our 2-core CPU. Only 4-D tensors change, so MLPs are unaffected.
    """
    network = network.to(device)
    return network.to(memory_format=torch.channels_last) if device.type == "cpu" else network


def peak_memory(device: torch.device) -> dict:
    """The most memory this process has held so far: host (resident set) and GPU (PyTorch's tensors)."""
    host_bytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    gpu_bytes = torch.cuda.max_memory_allocated(device) if device.type == "cuda" else None
    return {
        "peak_host_memory_gb": round(host_bytes / 1e9, 3),
        "peak_gpu_memory_gb": None if gpu_bytes is None else round(gpu_bytes / 1e9, 3),
    }


def available_host_memory() -> tuple[int, str] | None:
    """Bytes of memory this process can still take, and where that figure comes from.

    The smaller of the kernel's estimate (MemAvailable in /proc/meminfo) and what a cgroup limit (a
    container's or a batch job's, /sys/fs/cgroup/memory.max) leaves; such a limit is invisible in
    /proc/meminfo, and the kernel kills the process when it is reached. None where neither is readable.
    """
    found: list[tuple[int, str]] = []
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                found.append((int(line.split()[1]) * 1024, "MemAvailable in /proc/meminfo"))
    except (OSError, ValueError, IndexError):
        pass
    cgroup = Path("/sys/fs/cgroup")
    try:
        limit_text = (cgroup / "memory.max").read_text().strip()
        if limit_text != "max":
            limit, used = int(limit_text), 0
            try:
                used = int((cgroup / "memory.current").read_text())
                # page cache the kernel can drop (e.g. checkpoints just written) is not really in use
                for line in (cgroup / "memory.stat").read_text().splitlines():
                    if line.startswith("inactive_file "):
                        used -= int(line.split()[1])
            except (OSError, ValueError, IndexError):
                pass
            found.append(
                (
                    max(limit - max(used, 0), 0),
                    f"cgroup memory limit {limit / 1e9:.2f} GB, {max(used, 0) / 1e9:.2f} GB of it in use",
                )
            )
    except (OSError, ValueError):
        pass
    return min(found) if found else None


def check_host_memory(needed: int, capacity: int) -> None:
    """Stop before allocating a replay memory that cannot fit, instead of being killed once it fills up."""
    available = available_host_memory()
    if available is not None and needed > available[0]:
        raise UserError(
            f"the replay memory of {capacity:,} transitions needs {needed / 1e9:.2f} GB of memory, "
            f"but only {available[0] / 1e9:.2f} GB is available ({available[1]}): "
            f"lower --replay-capacity"
        )


class StopSignals:
    """Ctrl-C (SIGINT), SIGTERM (`kill`, a batch scheduler, a container stop) and SIGHUP (a closed
    terminal) all stop a run the same way: the loop notices the signal at the start of its next agent
    step, saves a checkpoint and ends with one line. The handler only takes note, so a signal never
    cuts an update, a replay write or a checkpoint write in half, and a second signal during the save
    cannot start another one. Only during an evaluation (minutes of games) does the first signal stop
    at once: evaluation changes nothing that is saved.
    """

    NAMES = ("SIGINT", "SIGTERM", "SIGHUP")

    def __init__(self) -> None:
        self.received: str | None = None
        self.stop_at_once = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> "StopSignals":
        if threading.current_thread() is threading.main_thread():  # Python only allows handlers there
            for name in self.NAMES:
                number = getattr(signal, name, None)
                if number is not None:
                    self._previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, *exception) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous = {}

    def _handle(self, number: int, frame) -> None:
        if self.received is not None:
            print(
                "dqn-tutorial: still saving the checkpoint; wait for it (kill -9 abandons it and keeps "
                "the previous one)",
                file=sys.stderr,
            )
            return
        self.received = signal.Signals(number).name
        if self.stop_at_once:
            raise KeyboardInterrupt


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class Update:
    """The plain engine's SGD step: `update.update_step` on a minibatch from the host's replay memory.

    Keeps each update's loss and Q(s, a) on the device until the next log row averages them (reading
    them at every update would make the host wait for a GPU each time).
    """

    def __init__(self, agent: Agent, device: torch.device):
        self.agent, self.device = agent, device
        self.losses: list[torch.Tensor] = []
        self.q_means: list[torch.Tensor] = []

    def __call__(self, batch) -> None:
        agent, config = self.agent, self.agent.config
        loss, q_mean = update_step(
            agent.online,
            agent.target,
            agent.optimizer,
            batch_to_tensors(batch, self.device),
            config.gamma,
            LOSSES[config.loss],
        )
        self.losses.append(loss)
        self.q_means.append(q_mean)

    def take_means(self) -> tuple[float, float]:
        """Mean loss and Q(s, a) over the updates since the last call (nan when there were none)."""
        means = [
            float(torch.stack(values).mean()) if values else float("nan") for values in (self.losses, self.q_means)
        ]
        self.losses, self.q_means = [], []
        return means[0], means[1]

    def pending(self) -> dict:
        """The values not yet averaged into a log row, for a checkpoint."""

        def stacked(values):
            return torch.stack(values).detach().cpu() if values else torch.zeros(0)

        return {"pending_losses": stacked(self.losses), "pending_q_means": stacked(self.q_means)}

    def load_pending(self, checkpoint: dict) -> None:
        self.losses = list(checkpoint.get("pending_losses", torch.zeros(0)).to(self.device).unbind(0))
        self.q_means = list(checkpoint.get("pending_q_means", torch.zeros(0)).to(self.device).unbind(0))


class PlainEngine:
    """Gymnasium's wrappers (Chapters 1, 2, 10), Chapter 5's replay memory on the host, `update_step`.

    The fast engine (`dqn_tutorial/fast`, Chapter 12) offers the same six methods; the Trainer only
    calls these, so the two engines share every other line.
    """

    name = "plain"

    def __init__(self, config: Config, device: torch.device):
        self.config, self.device = config, device

    def make_envs(self, seed: int) -> Emulators:
        return Emulators(self.config, seed)

    def replay_bytes_on_host(self, envs: Emulators) -> int:
        return ReplayMemory.bytes_needed(self.config.replay_capacity, envs.observation_shape[1:], envs.frame_dtype)

    def make_memory(self, envs: Emulators) -> ReplayMemory:
        config = self.config
        return ReplayMemory(
            config.replay_capacity,
            frame_shape=envs.observation_shape[1:],
            history_length=envs.observation_shape[0],
            frame_dtype=envs.frame_dtype,
            num_envs=config.num_envs,
            seed=config.seed,
        )

    def make_update(self, agent: Agent) -> Update:
        return Update(agent, self.device)

    def evaluate(self, network: torch.nn.Module, episodes: int, seed: int):
        return evaluate(network, self.config, episodes, seed=seed, device=self.device)

    def settings(self) -> dict:
        return {}


def make_engine(config: Config, device: torch.device):
    """The engine config.engine names: 'plain' (above) or 'fast' (dqn_tutorial/fast, loaded only when asked)."""
    if config.engine == "fast":
        from dqn_tutorial.fast.engine import FastEngine

        return FastEngine(config, device)
    return PlainEngine(config, device)


class Trainer:
    """One run: the agent of `dqn.py` and its bookkeeping, so the run can be checkpointed and resumed as a whole."""

    def __init__(self, config: Config, run_dir: Path, progress: bool = True):
        self.config = config = config.validate()
        self.run_dir = Path(run_dir)
        self.progress = progress
        self.device = resolve_device(config.device)
        if config.num_threads:
            torch.set_num_threads(config.num_threads)
        seed_everything(config.seed)
        self.engine = make_engine(config, self.device)
        self.envs = self.engine.make_envs(config.seed)
        shape = self.envs.observation_shape
        online = place_network(build_network(config.network, self.envs.num_actions, shape), self.device)
        target = make_target_network(online) if config.target_network else None
        optimizer = make_optimizer(
            config.optimizer,
            online.parameters(),
            config.learning_rate,
            config.batch_size,
            capturable=self.device.type == "cuda",
            adam_epsilon=config.adam_epsilon,
        )
        check_host_memory(self.engine.replay_bytes_on_host(self.envs), config.replay_capacity)
        self.agent = Agent(
            config,
            online,
            target,
            optimizer,
            self.engine.make_memory(self.envs),
            update=None,
            num_actions=self.envs.num_actions,
            rng=np.random.default_rng(config.seed),
        )
        self.agent.update = self.engine.make_update(self.agent)
        self.episodes = 0  # whole games finished
        self.best_eval = -float("inf")
        self.wall_seconds = 0.0  # over all sessions of this run
        self.learning_seconds = 0.0  # wall time spent after learning started
        self.learning_steps = 0  # agent steps taken after learning started
        self.recent_returns: deque[float] = deque(maxlen=100)
        self.resumes = 0
        self.refill_target = 0  # transitions to play into an empty memory after a resume without one
        self.refill_steps = 0  # agent steps played for that refill (not counted in self.step)
        self._saved: tuple[int, Path] | None = None  # (step, path) of the last checkpoint written
        self._signals = StopSignals()
        # The next steps at which a metrics row, an evaluation and a checkpoint are due; saved with
        # checkpoints, so a resumed run keeps the uninterrupted run's grids.
        self.next_log, self.next_eval = config.log_every, config.eval_every
        self.next_checkpoint = config.checkpoint_every
        self.games_restored = False  # restore() put the games in progress back (no new games at run())

    # The agent's state, under the names the bookkeeping and the benchmarks use.
    online = property(lambda self: self.agent.online, lambda self, value: setattr(self.agent, "online", value))
    target = property(lambda self: self.agent.target, lambda self, value: setattr(self.agent, "target", value))
    optimizer = property(lambda self: self.agent.optimizer, lambda self, value: setattr(self.agent, "optimizer", value))
    memory = property(lambda self: self.agent.memory)
    step = property(lambda self: self.agent.step)
    updates = property(lambda self: self.agent.updates)
    num_actions = property(lambda self: self.agent.num_actions)

    # ----- playing -----
    def start_games(self) -> None:
        """New games. A resume continues the saved ones instead; only where it cannot (no replay memory
        saved, or the fast engine) does it start new games, with a seed of their own."""
        self.observations = self.envs.reset(seed=self.config.seed + 1000 * self.resumes)
        self.episode_returns = np.zeros(self.config.num_envs)

    def play_step(self, learning: bool = True) -> None:
        """One agent step of the algorithm (`dqn.play_step`), then the scores of the games that ended."""
        self.observations, rewards, ended = play_step(self.agent, self.envs, self.observations, learning)
        self.episode_returns += rewards
        for index in np.flatnonzero(ended):
            self.recent_returns.append(float(self.episode_returns[index]))
            self.episode_returns[index] = 0.0
            self.episodes += 1

    def refill_memory(self) -> None:
        """Play with the current epsilon until the memory holds refill_target transitions (no updates,
        the steps not counted)."""
        while len(self.memory) < self.refill_target:
            if self._signals.received:
                raise KeyboardInterrupt
            self.play_step(learning=False)
            self.refill_steps += self.config.num_envs
        self.refill_target = 0
        self.tick()  # the refill's time counts as wall time, not as learning time

    # ----- the loop -----
    def run(self) -> dict:
        config = self.config
        remove_temporary_files(self.run_dir / "checkpoints")  # left by a write that was killed
        metrics = MetricsWriter(self.run_dir / "metrics.csv", tensorboard_dir=self.run_dir / "tensorboard")
        if not self.games_restored:
            self.start_games()
        self._last_tick = (time.perf_counter(), self.step)
        bar = tqdm(
            total=config.total_steps,
            initial=self.step,
            unit="step",
            disable=not self.progress,
            dynamic_ncols=True,
            smoothing=0.05,
        )
        deadline = time.perf_counter() + 60 * config.max_wall_minutes if config.max_wall_minutes else float("inf")
        self.stopped_by_time = False
        signals = self._signals = StopSignals()
        with signals:
            try:
                if self.refill_target:
                    self.refill_memory()
                while True:
                    # First what is due at this step: on a resume, an evaluation the stop cut short.
                    self.log_evaluate_checkpoint(metrics, bar)
                    if self.step >= config.total_steps:
                        break
                    if signals.received:
                        raise KeyboardInterrupt
                    if time.perf_counter() > deadline:
                        self.stopped_by_time = True  # max_wall_minutes: stop here, checkpoint and summarise
                        break
                    before = self.step
                    self.play_step()
                    bar.update(self.step - before)
                    if self.step > config.learning_starts >= before:
                        self.tick()  # start the learning-phase clock here
                learn(self.agent)  # updates still due after the last step (the fast engine learns one step behind)
                self.save_checkpoint()  # a signal that arrives from here on lets the finished run end normally
            except KeyboardInterrupt:
                signals.stop_at_once = False
                reason = signals.received or "SIGINT"
                signals.received = reason  # further signals only take note while the checkpoint is written
                path = self._saved[1] if self._saved and self._saved[0] == self.step else self.save_checkpoint()
                bar.close()
                metrics.close()
                advice = f"Continue with: dqn-tutorial resume --run-dir {self.run_dir}"
                if not config.save_replay:
                    refill = min(self.step, config.replay_capacity, max(config.learning_starts, config.batch_size))
                    advice += (
                        f" (save_replay is off: the resume first refills the replay memory with {refill:,} "
                        f"transitions of play)"
                    )
                raise UserError(f"interrupted ({reason}) at step {self.step}; saved {path}. {advice}") from None
        bar.close()
        metrics.close()
        summary = self.summary()
        (self.run_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        return summary

    def log_evaluate_checkpoint(self, metrics: MetricsWriter, bar) -> None:
        """The metrics row, evaluation and checkpoint due after self.step agent steps, in that order.

        Each next_* moves on only once its work is done, so a checkpoint saved by a stop during an
        evaluation still has that evaluation due, and the resumed run makes it first.
        """
        config = self.config
        if self.step >= self.next_log:
            self.next_log += config.log_every
            c = config  # the epsilon of the step just played
            epsilon = epsilon_at(
                self.step - c.num_envs, c.learning_starts, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps
            )
            row = self.log_row(epsilon)
            metrics.write(row)
            bar.set_postfix(
                sps=f"{row['steps_per_second']:.0f}",
                eps=f"{epsilon:.3f}",
                ret=f"{row['recent_return']:.1f}",
                loss=f"{row['loss']:.4f}",
            )
        if self.step >= self.next_eval:
            self.evaluate_and_record(config.eval_episodes)
            self.next_eval += config.eval_every
        if self.step >= self.next_checkpoint:
            self.next_checkpoint += config.checkpoint_every
            self.save_checkpoint()

    def tick(self) -> None:
        """Add the time since the last tick to the run's clocks; the learning clock only counts
        steps after learning_starts, where steps/s measures the whole algorithm, updates included."""
        now, last_step = time.perf_counter(), self._last_tick[1]
        elapsed = now - self._last_tick[0]
        self.wall_seconds += elapsed
        if last_step >= self.config.learning_starts and self.step > last_step:
            self.learning_seconds += elapsed
            self.learning_steps += self.step - last_step
        self._last_tick = (now, self.step)

    def log_row(self, epsilon) -> dict:
        self.tick()
        loss, q_mean = self.agent.update.take_means()
        learning_seconds, learning_steps, wall = self.learning_seconds, self.learning_steps, self.wall_seconds
        return {
            "step": self.step,
            "frames": self.step * self.config.frame_skip,
            "updates": self.updates,
            "episodes": self.episodes,
            "epsilon": round(epsilon, 5),
            "loss": loss,
            "q_mean": q_mean,
            "recent_return": float(np.mean(self.recent_returns)) if self.recent_returns else float("nan"),
            "wall_seconds": round(wall, 2),
            "steps_per_second": learning_steps / learning_seconds
            if learning_seconds > 0
            else self.step / max(wall, 1e-9),
        }

    def evaluate_and_record(self, episodes: int) -> dict:
        """Evaluate with the Nature protocol; its time counts in wall_seconds but not in steps/s."""
        self.tick()
        self._signals.stop_at_once = True  # a signal stops the games at once (evaluation changes no state)
        try:
            if self._signals.received:
                raise KeyboardInterrupt
            result = self.engine.evaluate(self.online, episodes, seed=self.config.seed + 10_000 + self.step)
        finally:
            self._signals.stop_at_once = False
        now = time.perf_counter()
        self.wall_seconds += now - self._last_tick[0]
        self._last_tick = (now, self.step)
        row = {
            "step": self.step,
            "frames": self.step * self.config.frame_skip,
            "mean": result.mean,
            "std": result.std,
            "episodes": episodes,
        }
        MetricsWriter(self.run_dir / "evaluations.csv").write(row)
        if result.mean > self.best_eval:
            self.best_eval = result.mean
            best = {
                "config": self.config.to_dict(),
                "online": self.online.state_dict(),
                "step": self.step,
                "eval_mean": result.mean,
            }
            ensure_disk_space(self.run_dir / "checkpoints", bytes_to_write(best), "the best checkpoint (best.pt)")
            atomic_save(best, self.run_dir / "checkpoints" / "best.pt")
        return row

    def summary(self) -> dict:
        return {
            "total_steps": self.step,
            "total_frames": self.step * self.config.frame_skip,
            "updates": self.updates,
            "episodes": self.episodes,
            "wall_seconds": round(self.wall_seconds, 2),
            "steps_per_second": round(self.learning_steps / self.learning_seconds, 2)
            if self.learning_seconds
            else None,
            "steps_per_second_measured_over": "agent steps after learning_starts",
            "recent_return_mean": float(np.mean(self.recent_returns)) if self.recent_returns else None,
            "best_eval_mean": None if self.best_eval == -float("inf") else self.best_eval,
            "network_parameters": count_parameters(self.online),
            "device": str(self.device),
            "resumes": self.resumes,
            "engine": self.config.engine,
            "refill_steps": self.refill_steps,
            "stopped_by_time_budget": getattr(self, "stopped_by_time", False),
            **peak_memory(self.device),
            **self.engine.settings(),
        }

    # ----- persistence -----
    def games_state(self) -> dict | None:
        """The games in progress (emulators, wrappers, current observations and scores) for a checkpoint."""
        envs = self.envs.state()
        if envs is None or not hasattr(self, "observations"):
            return None
        return {
            "envs": envs,
            "observations": torch.from_numpy(np.array(self.observations, copy=True)),
            "episode_returns": torch.from_numpy(np.array(self.episode_returns, dtype=np.float64)),
        }

    def restore_games(self, games: dict | None) -> bool:
        """Continue the games a checkpoint saved; False where it saved none (then new games start)."""
        if games is None:
            return False
        self.envs.load_state(games["envs"])
        self.observations = games["observations"].numpy().copy()
        self.episode_returns = games["episode_returns"].numpy().copy()
        return True

    def state(self) -> dict:
        agent = self.agent
        return {
            "config": self.config.to_dict(),
            "online": agent.online.state_dict(),
            "target": None if agent.target is None else agent.target.state_dict(),
            "optimizer": agent.optimizer.state_dict(),
            "step": agent.step,
            "updates": agent.updates,
            "learned_until": agent.learned_until,
            "episodes": self.episodes,
            "best_eval": self.best_eval,
            "wall_seconds": self.wall_seconds,
            "learning_seconds": self.learning_seconds,
            "learning_steps": self.learning_steps,
            "recent_returns": list(self.recent_returns),
            "rng": agent.rng.bit_generator.state,
            "torch_rng": torch.get_rng_state(),
            "resumes": self.resumes,
            "next_log": self.next_log,
            "next_eval": self.next_eval,
            "next_checkpoint": self.next_checkpoint,
            # the updates' losses and Q values since the last metrics row, which the next row averages
            **agent.update.pending(),
            "games": self.games_state(),
        }

    def save_checkpoint(self) -> Path:
        """Write one checkpoint set and publish it; returns the step_N.pt path.

        Order: the replay memory to its own file (replay_step_N_ID.pt), then step_N.pt, then latest.pt,
        which publishes the set by naming the replay file and carrying the same ID. Older replay files
        are removed only after that. A kill at any moment leaves latest.pt naming a complete replay
        file of its own set (the previous set's, until the new latest.pt is in place).
        """
        self.tick()
        folder = self.run_dir / "checkpoints"
        checkpoint_id = secrets.token_hex(4)
        replay_state = self.memory.state_dict() if self.config.save_replay else None
        replay_name = None if replay_state is None else replay_file_name(self.step, checkpoint_id)
        state = {
            **self.state(),
            "checkpoint_id": checkpoint_id,
            "replay_file": replay_name,
            "replay_steps": None if replay_state is None else replay_state["steps"],
        }
        needed = 2 * bytes_to_write(state) + (0 if replay_state is None else bytes_to_write(replay_state))
        ensure_disk_space(folder, needed, f"the checkpoint at step {self.step:,}")
        if replay_state is not None:
            replay_state["checkpoint_id"] = checkpoint_id
            atomic_save(replay_state, folder / replay_name)
            del replay_state
        path = folder / f"step_{self.step:09d}.pt"
        atomic_save(state, path)
        atomic_save(state, folder / "latest.pt")
        remove_other_replay_files(folder, keep=replay_name)
        self._saved = (self.step, path)
        return path

    def restore(self, checkpoint: dict) -> None:
        """Put the run back where `checkpoint` left it; run() then continues as if it had never stopped.

        Not exact in three cases, each a fallback that keeps the run going:
        - the fast engine (dqn_tutorial/fast): its C++ emulators (ale_py's AtariVectorEnv) give no
          access to their state, so the resumed run starts new games (seed + 1000 * resumes) instead of
          continuing the saved ones. The games in progress are closed in the replay memory, their
          points so far never reach recent_return or the episode count, and the agent's actions,
          transitions and updates differ from the first step on. The losses and Q values since the last
          log row live in its CUDA graph and are not saved: the first row after a resume averages only
          the updates made since. Exact there too: the counters, the log/evaluation/checkpoint grids,
          the CSV files' rows up to the checkpoint, the saved replay memory and the random generators.
        - no replay memory was saved (save_replay off): new games, and the memory is refilled by playing.
        - a checkpoint written before the games were saved: new games, as with the fast engine.
        """
        try:
            self.online.load_state_dict(checkpoint["online"])
            if self.target is not None and checkpoint["target"] is not None:
                self.target.load_state_dict(checkpoint["target"])
            self.optimizer.load_state_dict(checkpoint["optimizer"])
        except (RuntimeError, ValueError, KeyError) as error:
            raise UserError(
                f"the checkpoint's weights do not fit the network its config describes "
                f"({self.config.network}, {self.num_actions} actions): the checkpoint is damaged or "
                f"was edited; resume from another step_*.pt ({type(error).__name__})"
            ) from None
        self.agent.step, self.agent.updates = checkpoint["step"], checkpoint["updates"]
        self.agent.learned_until = checkpoint.get("learned_until", checkpoint["step"])
        for name in ("episodes", "best_eval", "wall_seconds", "learning_seconds", "learning_steps", "resumes"):
            setattr(self, name, checkpoint[name])
        self.recent_returns.extend(checkpoint["recent_returns"])
        self.agent.rng.bit_generator.state = checkpoint["rng"]
        torch.set_rng_state(checkpoint["torch_rng"])
        config = self.config
        for name, every in (
            ("next_log", config.log_every),
            ("next_eval", config.eval_every),
            ("next_checkpoint", config.checkpoint_every),
        ):
            # checkpoints written before the schedule was saved: the next point of the grid
            setattr(self, name, checkpoint.get(name, (self.step // every + 1) * every))
        self.agent.update.load_pending(checkpoint)
        if self.restore_replay(checkpoint):
            self.games_restored = self.restore_games(checkpoint.get("games"))
            if not self.games_restored:
                # The games in progress at the checkpoint are gone (the fast engine's emulators cannot
                # be saved): close them in the memory so no stack joins their frames to the new games'.
                self.memory.mark_episode_end()
        else:
            # No replay memory to restore (save_replay off, or a run saved before it was written):
            # play into the empty memory, without updates and without counting the steps, until it holds
            # what it held (at most learning_starts transitions) so sampling can resume.
            self.refill_target = min(self.step, config.replay_capacity, max(config.learning_starts, config.batch_size))
        # Rows a stopped process wrote after this checkpoint come again: drop them first, so each file
        # reads as one uninterrupted run (no duplicated or backward rows).
        truncate_rows(self.run_dir / "metrics.csv", min(self.step + 1, self.next_log))
        truncate_rows(self.run_dir / "evaluations.csv", min(self.step + 1, self.next_eval))
        self.resumes += 1

    def restore_replay(self, checkpoint: dict) -> bool:
        """Load the replay memory of the checkpoint's set; False when the set has none.

        Refuses (UserError) a replay file that is not the one saved with this checkpoint.
        """
        folder = self.run_dir / "checkpoints"
        latest = folder / "latest.pt"
        if "replay_file" not in checkpoint:
            # Written before checkpoint sets: one replay.pt, which may be from another checkpoint.
            path = folder / "replay.pt"
            if not (self.config.save_replay and path.is_file()):
                return False
            state = safe_load(path, "replay memory", mmap=True)  # mmap: copied in page by page (7 GB at 1M)
            expected = checkpoint["step"] // self.config.num_envs
            steps = state.get("steps") if isinstance(state, dict) else None
            if steps != expected:
                raise UserError(
                    f"{path} does not belong to {latest}: it holds the replay memory after "
                    f"{steps} steps per emulator, the checkpoint is at {expected}; delete {path} to "
                    f"resume with a refilled replay memory"
                )
            self.memory.load_state_dict(state)
            return True
        name = checkpoint["replay_file"]
        if name is None:
            remove_other_replay_files(folder, keep=None)
            return False
        path = folder / str(name)
        if not isinstance(name, str) or Path(name).name != name or not path.is_file():
            raise UserError(
                f"the checkpoint set in {folder} is incomplete: {latest.name} names the replay memory "
                f"file {name}, which is not there (moved or deleted?)"
            )
        state = safe_load(path, "replay memory", mmap=True)
        if (
            not isinstance(state, dict)
            or state.get("checkpoint_id") != checkpoint.get("checkpoint_id")
            or state.get("steps") != checkpoint.get("replay_steps")
        ):
            raise UserError(
                f"{path} does not belong to {latest} (checkpoint id or step count differ): "
                f"the pair was not saved together"
            )
        self.memory.load_state_dict(state)
        remove_other_replay_files(folder, keep=name)  # sets a killed save left unpublished
        return True


def make_trainer(config: Config, run_dir: Path, progress: bool = True) -> Trainer:
    """The trainer of a run (either engine: `make_engine` picks the engine's parts)."""
    return Trainer(config, run_dir, progress)


def prepare_run_directory(run_dir: Path, config: Config) -> None:
    """A new run never writes into a directory that already holds one (nothing the user made is lost)."""
    run_dir = Path(run_dir)
    if (run_dir / "config.json").exists() or (run_dir / "checkpoints").exists():
        raise UserError(
            f"{run_dir} already holds a run: continue it with `dqn-tutorial resume --run-dir {run_dir}` "
            f"or choose another --run-dir"
        )
    run_dir.mkdir(parents=True, exist_ok=True)
    config.save(run_dir / "config.json")


def train(config: Config, run_dir: Path, progress: bool = True) -> dict:
    """Start a new run in run_dir and train it to config.total_steps."""
    config.validate()
    resolve_device(config.device)  # fail before creating anything
    run_dir = Path(run_dir)
    created = not run_dir.exists()
    prepare_run_directory(run_dir, config)
    try:
        trainer = make_trainer(config, run_dir, progress)
    except BaseException:
        # e.g. the replay memory does not fit: leave no half-made run behind, so the same command with a
        # smaller --replay-capacity works (the trainer writes nothing before this point but config.json)
        (run_dir / "config.json").unlink(missing_ok=True)
        if created:
            try:
                run_dir.rmdir()
            except OSError:
                pass
        raise
    return trainer.run()


def resume(run_dir: Path, total_steps: int | None = None, progress: bool = True, device: str | None = None) -> dict:
    """Continue the run in run_dir from its latest checkpoint (optionally to a new total_steps)."""
    run_dir = Path(run_dir)
    checkpoint = load_checkpoint(run_dir)
    config = Config().replace(**checkpoint["config"])
    changes = {}
    if total_steps is not None:
        changes["total_steps"] = total_steps
    if device is not None:
        changes["device"] = device
    config = config.replace(**changes).validate()
    saved = run_dir / "config.json"
    if saved.is_file():
        # A checkpoint from another run copied into this folder must not silently take it over.
        on_disk = Config.load(saved)
        differ = sorted(
            name
            for name, value in on_disk.to_dict().items()
            if name not in ("total_steps", "device") and getattr(config, name) != value
        )
        if differ:
            raise UserError(
                f"the checkpoint in {run_dir} belongs to another run: its {', '.join(differ[:4])} "
                f"differ from {saved}; resume the run it came from, or start a new one with train"
            )
    if checkpoint["step"] >= config.total_steps:
        raise UserError(
            f"{run_dir} already reached {checkpoint['step']} of {config.total_steps} steps: "
            f"pass --total-steps N with N > {checkpoint['step']} to train further"
        )
    config.save(run_dir / "config.json")
    trainer = make_trainer(config, run_dir, progress)
    trainer.restore(checkpoint)
    return trainer.run()
