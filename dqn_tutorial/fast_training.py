"""The fast engine (Chapter 12): the same DQN, arranged so a GPU is never waiting on Python.

`FastTrainer` is `training.Trainer` with four parts swapped, each its own module:
- `vector_atari.VectorAtari`: `num_envs` emulators in C++ threads, frame stacks kept on the device;
- `device_replay.DeviceReplayMemory`: frames stored on the device, minibatches gathered there;
- `graphed_update.GraphedUpdate`: `update.update_step` recorded once as a CUDA graph, then replayed;
- the order of one loop iteration: choose actions (the only host-device sync), start the emulators,
  queue the updates due so far on the GPU, then wait for the emulators. Emulation and learning overlap.

What stays the same as the plain loop: one SGD update of `batch_size` transitions per `update_every`
agent steps, counted from `learning_starts`; transitions sampled uniformly from the same memory
logic; the same loss, optimizer, target sync and epsilon schedule. The updates due after step t are
made before the transitions of step t+1 are stored, as in the plain loop. What differs, and why, is
listed in Chapter 12: several emulators (the papers had one), and FIRE as a separate agent step.

On a CUDA device `gpu_settings` also switches on what fixed shapes and a latency-bound network allow
(cuDNN autotuning, TensorFloat-32, one PyTorch CPU thread); on a CPU nothing changes.
"""

from __future__ import annotations

import time

import numpy as np
import torch

from dqn_tutorial.device_replay import DeviceReplayMemory
from dqn_tutorial.evaluation import EvaluationResult, evaluate_in_parallel
from dqn_tutorial.frame_skipping import updates_due
from dqn_tutorial.graphed_update import GraphedUpdate
from dqn_tutorial.replay_memory import _EXTRA_BYTES_PER_TRANSITION, ReplayMemory
from dqn_tutorial.training import Trainer
from dqn_tutorial.vector_atari import VectorAtari, greedy_or_random


def gpu_settings(device: torch.device, num_threads: int = 0) -> dict:
    """Make PyTorch quicker for the fast engine on a CUDA GPU; returns what was set ({} on a CPU).

    - cuDNN autotuning (`cudnn.benchmark`): off by default because it re-tunes for every new input
      shape. Here the shapes never change (batch 32 for updates, num_envs for acting, the evaluation's
      games), so each is tuned once, on its first call: the update's during the CUDA graph's warm-up,
      never inside a recording. The fastest algorithm may differ between runs, so two runs with the same
      seed can differ by rounding; the equality tests compare two agents within one process, which share
      the choice.
    - TensorFloat-32 on the tensor cores: PyTorch already uses it for convolutions, not for matrix
      products; "high" adds the two fully connected layers. TF32 rounds the products' inputs to a
      10-bit mantissa (float32's range, about 3 decimal digits) and sums in float32.
      tests/reference/test_graphed_update.py compares the graphed and the plain update under these very
      settings too (both sides compute with the same ones).
    - One PyTorch CPU thread, unless `num_threads` (config.num_threads) asks for more: on a GPU the host
      runs no tensor arithmetic worth splitting, while its default of one thread per core would compete
      with the C++ emulator threads (one per emulator, `vector_atari.emulator_threads`) for the cores.
    Global settings, for this process: the training command is its own process.
    """
    if device.type != "cuda":
        return {}  # the CPU path is left exactly as the plain engine runs it
    torch.backends.cudnn.benchmark = True
    torch.backends.cudnn.allow_tf32 = True
    # Not the newer per-backend `fp32_precision` flags: once both kinds are set, PyTorch raises an error
    # when either is read, and libraries still read this one.
    torch.set_float32_matmul_precision("high")
    if not num_threads:
        torch.set_num_threads(1)
    return {"cudnn_benchmark": True, "tf32": True, "torch_cpu_threads": torch.get_num_threads()}


class FastTrainer(Trainer):
    graphed_update: GraphedUpdate | None = None  # made at the first update, after a resume restored the weights

    def __init__(self, config, run_dir, progress: bool = True):
        super().__init__(config, run_dir, progress)
        self.device_settings = gpu_settings(self.device, config.num_threads)
        self.evaluation_seconds = 0.0  # this session's evaluations: they count against max_wall_minutes

    def make_envs(self) -> tuple[int, ...]:
        config = self.config
        self.envs = VectorAtari(config, config.num_envs, seed=config.seed, device=self.device,
                                num_threads=config.env_threads)
        self.num_actions = self.envs.num_actions
        return (config.history_length, *self.envs.frame_shape)

    def replay_bytes_on_host(self, observation_shape: tuple[int, ...]) -> int:
        """On a GPU only the small per-transition arrays stay on the host (DeviceReplayMemory checks the GPU)."""
        if self.device.type == "cuda":
            return self.config.replay_capacity * _EXTRA_BYTES_PER_TRANSITION
        return ReplayMemory.bytes_needed(self.config.replay_capacity, observation_shape[1:], np.uint8)

    def make_memory(self, observation_shape: tuple[int, ...]) -> DeviceReplayMemory:
        config = self.config
        return DeviceReplayMemory(config.replay_capacity, frame_shape=observation_shape[1:],
                                  history_length=observation_shape[0], num_envs=config.num_envs,
                                  seed=config.seed, device=self.device)

    def start_games(self) -> None:
        self.stacks = self.envs.reset(seed=self.config.seed + 1000 * self.resumes)

    def play_step(self, epsilon: float) -> None:
        # Acting runs on the same CUDA stream as the updates, so its forward pass waits for the updates
        # queued in the previous iteration. Deliberately: those updates write the very weights it reads,
        # in place (a forward on another stream could read some layers before an update and some
        # after), and the stacks it reads are made on this stream after them. The wait costs time only
        # when the GPU needs longer for its updates than the emulators for their step; then the GPU is
        # the bottleneck, and a second stream acting on a copy of the weights made one iteration earlier
        # could save at most the forward pass and the GPU's idle gap until the host queues the next
        # updates, at the price of actions from older weights and the uploads and frame stacking moved
        # to that stream too. benchmarks/gpu_check.py measures the emulators alone, the updates alone
        # and the whole loop: if the loop is close to the slower of the two parts, there is nothing to win.
        actions = greedy_or_random(self.online, self.stacks, epsilon, self.rng)
        newest_frames = self.stacks[:, -1]           # of the observations the actions are taken in
        taken = self.envs.send(actions)              # the emulators run in C++ threads from here ...
        self.learn_due()                             # ... while the GPU gets the updates due so far
        self.stacks, rewards, terminated, truncated, life_lost = self.envs.recv()
        self.store(newest_frames, taken, rewards, terminated, truncated, life_lost)

    def learn(self) -> None:
        """Nothing here: play_step makes the updates while the emulators run."""

    def finish_learning(self) -> None:
        self.learn_due()

    def learn_due(self) -> None:
        """Queue the updates due after self.step agent steps, then the target sync if one is due."""
        config = self.config
        if self.refilling:
            return  # refilling the memory after a resume without a saved one: no updates yet
        count = updates_due(self.step, config.learning_starts, config.update_every, self.updates)
        if count:
            if self.graphed_update is None:
                self.graphed_update = GraphedUpdate(
                    self.online, self.target, self.optimizer, config.gamma, config.loss, config.batch_size,
                    (config.history_length, *self.envs.frame_shape), self.device)
            batches = self.memory.sample_batches(count, config.batch_size)
            for index in range(count):
                self.graphed_update(batches[index])
            self.updates += count
        self.sync_target_if_due()

    def take_learning_means(self) -> tuple[float, float]:
        if self.graphed_update is None:
            return float("nan"), float("nan")
        return self.graphed_update.take_means()

    def run_evaluation(self, episodes: int, seed: int) -> EvaluationResult:
        start = time.perf_counter()
        result = evaluate_in_parallel(self.online, self.config, episodes, seed=seed, device=self.device)
        self.evaluation_seconds += time.perf_counter() - start
        return result

    def summary(self) -> dict:
        return {**super().summary(), "env_threads": self.envs.num_threads,
                "torch_cpu_threads": torch.get_num_threads(), "gpu_settings": self.device_settings,
                "evaluation_seconds_this_session": round(self.evaluation_seconds, 2)}
