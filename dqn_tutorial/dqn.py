"""Deep Q-learning with experience replay, on one page (Mnih et al. 2015, Algorithm 1; Chapter 12).

Every line of the algorithm below is a function a chapter teaches and grades, and `dqn-tutorial train
--impl chapters` runs this very loop with the learner's versions of them (`taught.py` lists them):

    for each agent step:                                        play_step
        with probability epsilon a random action, else argmax Q   act: epsilon_at, q_values, epsilon_greedy
        play it (frame skip, max of two frames, frame stack)      the engine's emulators
        store the transition, reward clipped, in replay memory    store: clip_rewards, memory.add
        every update_every steps: one SGD step on a minibatch     learn: should_update, memory.sample, update
        every target_sync_every steps: copy the weights          learn: is_sync_step, sync_target

What is not here is the run's bookkeeping (`training.py`: run directory, clocks, log rows, evaluations,
checkpoints, resume). Steps are agent steps throughout; one agent step is `frame_skip` emulator frames.

Two engines run this same loop. They differ in three objects and in one line:
- plain (`training.plain_engine`): gymnasium's wrappers, `ReplayMemory` on the host, `update.update_step`;
- fast (`dqn_tutorial/fast`, Chapter 12): emulators in C++ threads, frames on the GPU, `update_step`
  recorded once as a CUDA graph. Its emulators play in the background (`envs.plays_in_background`), so
  `play_step` queues the GPU's updates between starting the emulators and waiting for them: the
  actions of a step are then chosen before the updates due after the previous step are made (the
  plain engine, like DeepMind's code, makes them first).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch

from dqn_tutorial.config import Config
from dqn_tutorial.exploration import epsilon_greedy, q_values
from dqn_tutorial.schedules import epsilon_at, is_sync_step, should_update
from dqn_tutorial.target_network import sync_target
from dqn_tutorial.update import clip_rewards


@dataclass
class Agent:
    """What the algorithm changes as it runs: the networks, the optimizer, the memory and two counters."""

    config: Config
    online: torch.nn.Module
    target: torch.nn.Module | None  # None: no target network (2013), targets from the online network
    optimizer: torch.optim.Optimizer
    memory: object  # ReplayMemory (plain) or DeviceReplayMemory (fast)
    update: Callable  # one SGD step on a minibatch from memory.sample
    num_actions: int
    rng: np.random.Generator = field(default_factory=np.random.default_rng)
    step: int = 0  # agent steps taken, all emulators together
    learned_until: int = 0  # the last agent step whose updates and target sync are made
    updates: int = 0  # SGD updates made


def act(agent: Agent, observations) -> np.ndarray:
    """Epsilon-greedy actions for a batch of observations (Chapter 12, Exercise 12.1; built from Chapter 6).

    While epsilon is 1 (random play until learning starts) every action is random whatever the
    Q-values, so the network is not run: zeros stand in for them.
    """
    c = agent.config
    epsilon = epsilon_at(agent.step, c.learning_starts, c.epsilon_start, c.epsilon_end, c.epsilon_decay_steps)
    if epsilon >= 1.0:
        values = np.zeros((len(observations), agent.num_actions), dtype=np.float32)
    else:
        values = q_values(agent.online, observations)
    return epsilon_greedy(values, epsilon, agent.rng)


def store(agent: Agent, frames, actions, rewards, terminated, truncated, life_lost) -> None:
    """Write one agent step of every emulator to the replay memory (Chapter 12, Exercise 12.2; Chapters 5, 7).

    Rewards are clipped and a lost life made terminal for learning only: the scores logged are the
    real ones. A truncated game (time limit) ends its episode without being terminal.
    """
    c = agent.config
    learning_rewards = clip_rewards(rewards) if c.clip_rewards else rewards
    terminal = terminated | (life_lost & c.terminal_on_life_loss)
    agent.memory.add(frames, actions, learning_rewards, terminal, terminated | truncated)


def learn(agent: Agent) -> None:
    """The SGD updates and target syncs due after each agent step played since the last call.

    Chapter 12, Exercise 12.3, built from Chapters 7 and 8.

    Asked step by step, so the cadence is the same with one emulator or sixteen.
    """
    c = agent.config
    for step in range(agent.learned_until + 1, agent.step + 1):
        if should_update(step, c.learning_starts, c.update_every):
            agent.update(agent.memory.sample(c.batch_size))
            agent.updates += 1
        if agent.target is not None and is_sync_step(step, c.target_sync_every):
            sync_target(agent.target, agent.online)
    agent.learned_until = agent.step


def play_step(agent: Agent, envs, observations, learning: bool = True):
    """One agent step on every emulator: act, play, store, learn.

    Returns (next observations, real rewards, episode ends). `learning=False` only plays and stores
    (refilling the memory after a resume that could not load it); those steps are not counted.
    """
    actions = act(agent, observations)
    taken = envs.send(actions)  # the actions played (FIRE where a life begins)
    if learning and envs.plays_in_background:
        learn(agent)  # the fast engine: the GPU learns while they play
    next_observations, rewards, terminated, truncated, life_lost = envs.recv()
    store(agent, observations[:, -1], taken, rewards, terminated, truncated, life_lost)
    if learning:
        agent.step += len(taken)
        if not envs.plays_in_background:
            learn(agent)
    return next_observations, rewards, terminated | truncated
