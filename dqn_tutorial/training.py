"""The training loop (Chapters 7 and 12): act, store, learn, sync, log, evaluate, checkpoint.

Mnih et al. 2015, Algorithm 1, with the bookkeeping a real run needs: a run directory holding the
resolved config, metrics.csv, evaluations.csv, checkpoints written atomically, and summary.json.
A run can be stopped (Ctrl-C saves a checkpoint) and resumed where it stopped.
"""

from __future__ import annotations

import json
import random
import resource
import time
from collections import deque
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from dqn_tutorial.checkpoints import atomic_save, load_checkpoint
from dqn_tutorial.config import Config
from dqn_tutorial.environment import make_vector_env
from dqn_tutorial.errors import UserError
from dqn_tutorial.evaluation import evaluate
from dqn_tutorial.exploration import linear_epsilon, select_actions
from dqn_tutorial.frame_skipping import updates_due
from dqn_tutorial.metrics import MetricsWriter
from dqn_tutorial.networks import build_network
from dqn_tutorial.optimizers import make_optimizer
from dqn_tutorial.replay_memory import ReplayMemory
from dqn_tutorial.target_network import make_target_network, sync_target_network
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


def epsilon_at(step: int, config: Config) -> float:
    """Random play (epsilon = 1) until learning starts, then the linear schedule (DeepMind's code)."""
    if step < config.learning_starts:
        return 1.0
    return linear_epsilon(step - config.learning_starts, config.epsilon_start, config.epsilon_end, config.epsilon_decay_steps)


def peak_memory(device: torch.device) -> dict:
    """The most memory this process has held so far: host (resident set) and GPU (PyTorch's tensors)."""
    host_bytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB
    gpu_bytes = torch.cuda.max_memory_allocated(device) if device.type == "cuda" else None
    return {"peak_host_memory_gb": round(host_bytes / 1e9, 3),
            "peak_gpu_memory_gb": None if gpu_bytes is None else round(gpu_bytes / 1e9, 3)}


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class Trainer:
    """Holds one run's state so it can be checkpointed and resumed as a whole."""

    def __init__(self, config: Config, run_dir: Path, progress: bool = True):
        self.config = config.validate()
        self.run_dir = Path(run_dir)
        self.progress = progress
        self.device = resolve_device(config.device)
        if config.num_threads:
            torch.set_num_threads(config.num_threads)
        seed_everything(config.seed)
        observation_shape = self.make_envs()
        self.online = place_network(build_network(config.network, self.num_actions, observation_shape), self.device)
        self.target = make_target_network(self.online) if config.target_network else None
        self.optimizer = make_optimizer(config.optimizer, self.online.parameters(), config.learning_rate, config.batch_size,
                                        capturable=self.device.type == "cuda", adam_epsilon=config.adam_epsilon)
        self.memory = self.make_memory(observation_shape)
        self.rng = np.random.default_rng(config.seed)
        self.step = 0              # agent steps taken (all emulators together)
        self.updates = 0           # SGD updates made
        self.episodes = 0          # whole games finished
        self.best_eval = -float("inf")
        self.wall_seconds = 0.0    # over all sessions of this run
        self.learning_seconds = 0.0  # wall time spent after learning started
        self.learning_steps = 0      # agent steps taken after learning started
        self.recent_returns: deque[float] = deque(maxlen=100)
        self.resumes = 0
        self._losses: list[torch.Tensor] = []
        self._q_means: list[torch.Tensor] = []

    # ----- what the fast engine (fast_training.py) replaces -----
    def make_envs(self) -> tuple[int, ...]:
        """The training emulators; sets self.envs and self.num_actions, returns the observation shape."""
        self.envs = make_vector_env(self.config, self.config.seed)
        self.num_actions = int(self.envs.single_action_space.n)
        return self.envs.single_observation_space.shape

    def make_memory(self, observation_shape: tuple[int, ...]) -> ReplayMemory:
        config = self.config
        return ReplayMemory(config.replay_capacity, frame_shape=observation_shape[1:],
                            history_length=observation_shape[0],
                            frame_dtype=self.envs.single_observation_space.dtype,
                            num_envs=config.num_envs, seed=config.seed)

    def start_games(self) -> None:
        self.observations, _ = self.envs.reset(seed=self.config.seed + 1000 * self.resumes)

    def play_step(self, epsilon: float) -> None:
        """One agent step on every emulator, stored in the replay memory."""
        actions = select_actions(self.online, self.observations, epsilon, self.rng, self.device)
        next_observations, rewards, terminated, truncated, infos = self.envs.step(actions)
        life_lost = np.asarray(infos.get("life_lost", np.zeros(self.config.num_envs, bool)), bool)
        self.store(self.observations[:, -1], actions, rewards, terminated, truncated, life_lost)
        self.observations = next_observations

    def learn(self) -> None:
        """The SGD updates due after self.step agent steps, then the target sync if one is due."""
        config = self.config
        for _ in range(updates_due(self.step, config.learning_starts, config.update_every, self.updates)):
            batch = batch_to_tensors(self.memory.sample(config.batch_size), self.device)
            loss, q_mean = update_step(self.online, self.target, self.optimizer, batch, config.gamma, config.loss)
            self._losses.append(loss)
            self._q_means.append(q_mean)
            self.updates += 1
        self.sync_target_if_due()

    def finish_learning(self) -> None:
        """Called once the last agent step is taken (the fast engine has updates still to make here)."""

    def take_learning_means(self) -> tuple[float, float]:
        """Mean loss and Q(s, a) over the updates since the last log row."""
        means = [float(torch.stack(values).mean()) if values else float("nan") for values in (self._losses, self._q_means)]
        self._losses, self._q_means = [], []
        return means[0], means[1]

    # ----- shared by both engines -----
    def store(self, frames, actions, rewards, terminated, truncated, life_lost) -> None:
        """Write one agent step of every emulator to the memory and count finished games.

        Rewards are clipped and a lost life made terminal for learning only; the returns logged are
        the real scores of whole games.
        """
        config = self.config
        learning_terminal = terminated | (life_lost & config.terminal_on_life_loss)
        learning_reward = np.clip(rewards, -1.0, 1.0) if config.clip_rewards else rewards
        self.memory.add(frames, actions, learning_reward, learning_terminal, terminated | truncated)
        self.episode_returns += rewards
        for index in np.flatnonzero(terminated | truncated):
            self.recent_returns.append(float(self.episode_returns[index]))
            self.episode_returns[index] = 0.0
            self.episodes += 1

    def sync_target_if_due(self) -> None:
        """Copy the online weights into the target each time self.step crosses a multiple of target_sync_every."""
        config = self.config
        if self.target is not None and self.step // config.target_sync_every != (self.step - config.num_envs) // config.target_sync_every:
            sync_target_network(self.target, self.online)

    # ----- persistence -----
    def state(self) -> dict:
        return {
            "config": self.config.to_dict(), "online": self.online.state_dict(),
            "target": None if self.target is None else self.target.state_dict(),
            "optimizer": self.optimizer.state_dict(), "step": self.step, "updates": self.updates,
            "episodes": self.episodes, "best_eval": self.best_eval, "wall_seconds": self.wall_seconds,
            "learning_seconds": self.learning_seconds, "learning_steps": self.learning_steps,
            "recent_returns": list(self.recent_returns), "rng": self.rng.bit_generator.state,
            "torch_rng": torch.get_rng_state(), "resumes": self.resumes,
        }

    def save_checkpoint(self) -> Path:
        self.tick()
        folder = self.run_dir / "checkpoints"
        state = self.state()
        path = folder / f"step_{self.step:09d}.pt"
        atomic_save(state, path)
        atomic_save(state, folder / "latest.pt")
        if self.config.save_replay:
            atomic_save(self.memory.state_dict(), folder / "replay.pt")
        return path

    def restore(self, checkpoint: dict) -> None:
        self.online.load_state_dict(checkpoint["online"])
        if self.target is not None and checkpoint["target"] is not None:
            self.target.load_state_dict(checkpoint["target"])
        self.optimizer.load_state_dict(checkpoint["optimizer"])
        for name in ("step", "updates", "episodes", "best_eval", "wall_seconds", "learning_seconds",
                     "learning_steps", "resumes"):
            setattr(self, name, checkpoint[name])
        self.recent_returns.extend(checkpoint["recent_returns"])
        self.rng.bit_generator.state = checkpoint["rng"]
        torch.set_rng_state(checkpoint["torch_rng"])
        replay_path = self.run_dir / "checkpoints" / "replay.pt"
        if self.config.save_replay and replay_path.is_file():
            # mmap: the file's pages are read as they are copied in, not loaded whole first (7 GB at 1M)
            self.memory.load_state_dict(torch.load(replay_path, weights_only=False, mmap=True))
            # The games in progress at the checkpoint are gone: close them in the memory so no
            # stack joins their frames to the new games' frames.
            self.memory.mark_episode_end()
        self.resumes += 1

    # ----- the loop -----
    def run(self) -> dict:
        config = self.config
        metrics = MetricsWriter(self.run_dir / "metrics.csv", tensorboard_dir=self.run_dir / "tensorboard")
        self.start_games()
        self.episode_returns = np.zeros(config.num_envs)
        self._last_tick = (time.perf_counter(), self.step)
        bar = tqdm(total=config.total_steps, initial=self.step, unit="step", disable=not self.progress,
                   dynamic_ncols=True, smoothing=0.05)
        next_log = self.step + config.log_every
        next_eval = (self.step // config.eval_every + 1) * config.eval_every
        next_checkpoint = (self.step // config.checkpoint_every + 1) * config.checkpoint_every
        deadline = time.perf_counter() + 60 * config.max_wall_minutes if config.max_wall_minutes else float("inf")
        self.stopped_by_time = False
        try:
            while self.step < config.total_steps:
                if time.perf_counter() > deadline:
                    self.stopped_by_time = True  # max_wall_minutes: stop here, checkpoint and summarise
                    break
                epsilon = epsilon_at(self.step, config)
                self.play_step(epsilon)
                self.step += config.num_envs
                bar.update(config.num_envs)
                if self.step > config.learning_starts >= self.step - config.num_envs:
                    self.tick()  # start the learning-phase clock exactly here
                self.learn()

                if self.step >= next_log:
                    next_log += config.log_every
                    row = self.log_row(epsilon)
                    metrics.write(row)
                    bar.set_postfix(sps=f"{row['steps_per_second']:.0f}", eps=f"{epsilon:.3f}",
                                    ret=f"{row['recent_return']:.1f}", loss=f"{row['loss']:.4f}")
                if self.step >= next_eval:
                    next_eval += config.eval_every
                    self.evaluate_and_record(config.eval_episodes)
                if self.step >= next_checkpoint:
                    next_checkpoint += config.checkpoint_every
                    self.save_checkpoint()
        except KeyboardInterrupt:
            path = self.save_checkpoint()
            bar.close()
            metrics.close()
            raise UserError(f"interrupted at step {self.step}; saved {path}. Continue with: "
                            f"dqn-tutorial resume --run-dir {self.run_dir}") from None
        self.finish_learning()
        bar.close()
        metrics.close()
        self.save_checkpoint()
        summary = self.summary()
        (self.run_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        return summary

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
        loss, q_mean = self.take_learning_means()
        learning_seconds, learning_steps, wall = self.learning_seconds, self.learning_steps, self.wall_seconds
        return {
            "step": self.step, "frames": self.step * self.config.frame_skip, "updates": self.updates,
            "episodes": self.episodes, "epsilon": round(epsilon, 5),
            "loss": loss, "q_mean": q_mean,
            "recent_return": float(np.mean(self.recent_returns)) if self.recent_returns else float("nan"),
            "wall_seconds": round(wall, 2),
            "steps_per_second": learning_steps / learning_seconds if learning_seconds > 0 else self.step / max(wall, 1e-9),
        }

    def evaluate_and_record(self, episodes: int) -> dict:
        """Evaluate with the Nature protocol; its time counts in wall_seconds but not in steps/s."""
        self.tick()
        result = self.run_evaluation(episodes, seed=self.config.seed + 10_000 + self.step)
        now = time.perf_counter()
        self.wall_seconds += now - self._last_tick[0]
        self._last_tick = (now, self.step)
        row = {"step": self.step, "frames": self.step * self.config.frame_skip, "mean": result.mean,
               "std": result.std, "episodes": episodes}
        MetricsWriter(self.run_dir / "evaluations.csv").write(row)
        if result.mean > self.best_eval:
            self.best_eval = result.mean
            atomic_save({"config": self.config.to_dict(), "online": self.online.state_dict(), "step": self.step,
                         "eval_mean": result.mean}, self.run_dir / "checkpoints" / "best.pt")
        return row

    def run_evaluation(self, episodes: int, seed: int):
        return evaluate(self.online, self.config, episodes, seed=seed, device=self.device)

    def summary(self) -> dict:
        return {
            "total_steps": self.step, "total_frames": self.step * self.config.frame_skip, "updates": self.updates,
            "episodes": self.episodes, "wall_seconds": round(self.wall_seconds, 2),
            "steps_per_second": round(self.learning_steps / self.learning_seconds, 2) if self.learning_seconds else None,
            "steps_per_second_measured_over": "agent steps after learning_starts",
            "recent_return_mean": float(np.mean(self.recent_returns)) if self.recent_returns else None,
            "best_eval_mean": None if self.best_eval == -float("inf") else self.best_eval,
            "device": str(self.device), "resumes": self.resumes, "engine": self.config.engine,
            "stopped_by_time_budget": getattr(self, "stopped_by_time", False),
            **peak_memory(self.device),
        }


def make_trainer(config: Config, run_dir: Path, progress: bool = True) -> Trainer:
    """The trainer for config.engine: 'plain' (this module) or 'fast' (fast_training.py, Chapter 12)."""
    if config.engine == "fast":
        from dqn_tutorial.fast_training import FastTrainer  # imports this module: load it only when asked
        return FastTrainer(config, run_dir, progress)
    return Trainer(config, run_dir, progress)


def prepare_run_directory(run_dir: Path, config: Config) -> None:
    """A new run never writes into a directory that already holds one (nothing the user made is lost)."""
    run_dir = Path(run_dir)
    if (run_dir / "config.json").exists() or (run_dir / "checkpoints").exists():
        raise UserError(f"{run_dir} already holds a run: continue it with `dqn-tutorial resume --run-dir {run_dir}` "
                        f"or choose another --run-dir")
    run_dir.mkdir(parents=True, exist_ok=True)
    config.save(run_dir / "config.json")


def train(config: Config, run_dir: Path, progress: bool = True) -> dict:
    """Start a new run in run_dir and train it to config.total_steps."""
    config.validate()
    resolve_device(config.device)  # fail before creating anything
    prepare_run_directory(run_dir, config)
    return make_trainer(config, run_dir, progress).run()


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
    if checkpoint["step"] >= config.total_steps:
        raise UserError(f"{run_dir} already reached {checkpoint['step']} of {config.total_steps} steps: "
                        f"pass --total-steps N with N > {checkpoint['step']} to train further")
    config.save(run_dir / "config.json")
    trainer = make_trainer(config, run_dir, progress)
    trainer.restore(checkpoint)
    return trainer.run()
