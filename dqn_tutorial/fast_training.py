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
"""

from __future__ import annotations

import numpy as np

from dqn_tutorial.device_replay import DeviceReplayMemory
from dqn_tutorial.evaluation import EvaluationResult, evaluate_in_parallel
from dqn_tutorial.frame_skipping import updates_due
from dqn_tutorial.graphed_update import GraphedUpdate
from dqn_tutorial.training import Trainer
from dqn_tutorial.vector_atari import VectorAtari, greedy_or_random


class FastTrainer(Trainer):
    graphed_update: GraphedUpdate | None = None  # made at the first update, after a resume restored the weights

    def make_envs(self) -> tuple[int, ...]:
        config = self.config
        self.envs = VectorAtari(config, config.num_envs, seed=config.seed, device=self.device,
                                num_threads=config.env_threads)
        self.num_actions = self.envs.num_actions
        return (config.history_length, *self.envs.frame_shape)

    def make_memory(self, observation_shape: tuple[int, ...]) -> DeviceReplayMemory:
        config = self.config
        return DeviceReplayMemory(config.replay_capacity, frame_shape=observation_shape[1:],
                                  history_length=observation_shape[0], num_envs=config.num_envs,
                                  seed=config.seed, device=self.device)

    def start_games(self) -> None:
        self.stacks = self.envs.reset(seed=self.config.seed + 1000 * self.resumes)

    def play_step(self, epsilon: float) -> None:
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
        return evaluate_in_parallel(self.online, self.config, episodes, seed=seed, device=self.device)
