"""The fast engine's parts for `training.Trainer` (Chapter 12): the same six methods as `PlainEngine`.

What stays the same as the plain engine: the loop (`dqn.play_step`), one SGD update of `batch_size`
transitions per `update_every` agent steps counted from `learning_starts`, transitions sampled from
the same memory logic with the same random draws, the same loss, optimizer, target sync and epsilon
schedule. What differs, and why, is listed in Chapter 12: several emulators (the papers had one), FIRE
as a separate agent step, actions chosen before the previous step's updates are made (so the GPU
learns while the emulators play), and a resume starts new games (the C++ emulators cannot be saved).
"""

from __future__ import annotations

import time

import numpy as np
import torch

from dqn_tutorial.config import Config
from dqn_tutorial.dqn import Agent
from dqn_tutorial.fast.emulators import VectorAtari
from dqn_tutorial.fast.evaluation import evaluate_in_parallel
from dqn_tutorial.fast.replay_memory import DeviceReplayMemory
from dqn_tutorial.fast.update import GraphedUpdate
from dqn_tutorial.losses import LOSSES
from dqn_tutorial.replay_memory import _EXTRA_BYTES_PER_TRANSITION, ReplayMemory


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
      tests/reference/test_fast_update.py compares the graphed and the plain update under these very
      settings too (both sides compute with the same ones).
    - One PyTorch CPU thread, unless `num_threads` (config.num_threads) asks for more: on a GPU the host
      runs no tensor arithmetic worth splitting, while its default of one thread per core would compete
      with the C++ emulator threads (one per emulator, `emulators.emulator_threads`) for the cores.
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


class LazyGraphedUpdate:
    """`GraphedUpdate`, made at the first update: after a resume has put the saved weights in place.

    Its running sums of loss and Q live on the device inside the graph and are not saved in a
    checkpoint: the first log row after a resume averages only the updates made since.
    """

    def __init__(self, agent: Agent, device: torch.device, observation_shape: tuple[int, ...]):
        self.agent, self.device, self.observation_shape = agent, device, observation_shape
        self.graphed: GraphedUpdate | None = None

    def __call__(self, batch) -> None:
        if self.graphed is None:
            agent, config = self.agent, self.agent.config
            self.graphed = GraphedUpdate(
                agent.online,
                agent.target,
                agent.optimizer,
                config.gamma,
                LOSSES[config.loss],
                config.batch_size,
                self.observation_shape,
                self.device,
            )
        self.graphed(batch)

    def take_means(self) -> tuple[float, float]:
        return (float("nan"), float("nan")) if self.graphed is None else self.graphed.take_means()

    def pending(self) -> dict:
        return {}

    def load_pending(self, checkpoint: dict) -> None:
        pass


class FastEngine:
    """VectorAtari, DeviceReplayMemory and the graphed update, for `training.Trainer`."""

    name = "fast"

    def __init__(self, config: Config, device: torch.device):
        self.config, self.device = config, device
        self.device_settings = gpu_settings(device, config.num_threads)
        self.evaluation_seconds = 0.0  # this session's evaluations: they count against max_wall_minutes
        self.envs: VectorAtari | None = None

    def make_envs(self, seed: int) -> VectorAtari:
        config = self.config
        self.envs = VectorAtari(config, config.num_envs, seed=seed, device=self.device, num_threads=config.env_threads)
        return self.envs

    def replay_bytes_on_host(self, envs: VectorAtari) -> int:
        """On a GPU only the small per-transition arrays stay on the host (DeviceReplayMemory checks the GPU)."""
        if self.device.type == "cuda":
            return self.config.replay_capacity * _EXTRA_BYTES_PER_TRANSITION
        return ReplayMemory.bytes_needed(self.config.replay_capacity, envs.frame_shape, np.uint8)

    def make_memory(self, envs: VectorAtari) -> DeviceReplayMemory:
        config = self.config
        return DeviceReplayMemory(
            config.replay_capacity,
            frame_shape=envs.frame_shape,
            history_length=config.history_length,
            num_envs=config.num_envs,
            seed=config.seed,
            device=self.device,
        )

    def make_update(self, agent: Agent) -> LazyGraphedUpdate:
        return LazyGraphedUpdate(agent, self.device, self.envs.observation_shape)

    def evaluate(self, network: torch.nn.Module, episodes: int, seed: int):
        start = time.perf_counter()
        result = evaluate_in_parallel(network, self.config, episodes, seed=seed, device=self.device)
        self.evaluation_seconds += time.perf_counter() - start
        return result

    def settings(self) -> dict:
        return {
            "env_threads": self.envs.num_threads,
            "torch_cpu_threads": torch.get_num_threads(),
            "gpu_settings": self.device_settings,
            "evaluation_seconds_this_session": round(self.evaluation_seconds, 2),
        }
