"""A complete DQN for CartPole-v1 in one file, with one silent bug (Chapter 12, Exercise 12.4).

This script runs to the end without an error or a warning, the loss stays small, and yet the agent
does not learn what it should. Exactly ONE function below is wrong. Find it with the tools of the
earlier chapters (compare functions with dqn_tutorial, check the transitions, look at the curves),
then fix it and run the script again.

    python chapters/12_breakout_run/silent_bug/buggy_train.py                # 15,000 agent steps, seed 0
    python chapters/12_breakout_run/silent_bug/buggy_train.py --steps 20000 --seed 1 --csv /tmp/curve.csv

CartPole has no action repeat: one agent step is one environment step. Importing this file does not
train anything; only running it does.
"""

from __future__ import annotations

import argparse
import copy
import csv

import gymnasium as gym
import numpy as np
import torch
from torch import nn

GAMMA = 0.99
BATCH_SIZE = 64
LEARNING_RATE = 1e-3
REPLAY_CAPACITY = 50_000
LEARNING_STARTS = 1_000  # agent steps of random play before the first update
EPSILON_DECAY_STEPS = 10_000  # agent steps over which epsilon falls from 1 to EPSILON_END
EPSILON_END = 0.02
TARGET_SYNC_EVERY = 500  # agent steps between target network syncs
EVAL_EVERY = 2_500  # agent steps between greedy evaluations


def make_env(seed: int) -> gym.Env:
    """CartPole-v1: 4 numbers in, 2 actions, +1 per step, games cut at 500 steps."""
    env = gym.make("CartPole-v1")
    env.reset(seed=seed)
    env.action_space.seed(seed)
    return env


def make_network(observation_size: int = 4, num_actions: int = 2) -> nn.Module:
    """A small MLP: two hidden layers of 128 units."""
    return nn.Sequential(
        nn.Linear(observation_size, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, num_actions)
    )


def epsilon_at(step: int) -> float:
    """1 during random play, then linear down to EPSILON_END over EPSILON_DECAY_STEPS, then fixed."""
    if step < LEARNING_STARTS:
        return 1.0
    fraction = min((step - LEARNING_STARTS) / EPSILON_DECAY_STEPS, 1.0)
    return 1.0 + fraction * (EPSILON_END - 1.0)


def choose_action(network: nn.Module, observation: np.ndarray, epsilon: float, rng: np.random.Generator) -> int:
    """Epsilon-greedy for one observation."""
    if rng.random() < epsilon:
        return int(rng.integers(2))
    with torch.no_grad():
        q_values = network(torch.as_tensor(observation, dtype=torch.float32).unsqueeze(0))
    return int(q_values.argmax(dim=1).item())


def play_step(env: gym.Env, action: int):
    """One agent step: (next observation, reward, terminal for the TD target, whether to reset)."""
    next_observation, reward, truncated, terminated, _ = env.step(action)
    episode_over = terminated or truncated
    return next_observation, float(reward), bool(terminated), episode_over


class ReplayBuffer:
    """The last `capacity` transitions, stored whole (CartPole's observations are tiny)."""

    def __init__(self, capacity: int, observation_size: int, seed: int):
        self.observations = np.zeros((capacity, observation_size), dtype=np.float32)
        self.next_observations = np.zeros((capacity, observation_size), dtype=np.float32)
        self.actions = np.zeros(capacity, dtype=np.int64)
        self.rewards = np.zeros(capacity, dtype=np.float32)
        self.terminals = np.zeros(capacity, dtype=np.float32)
        self.capacity, self.size, self.position = capacity, 0, 0
        self.rng = np.random.default_rng(seed)

    def add(self, observation, action, reward, next_observation, terminal) -> None:
        i = self.position
        self.observations[i] = observation
        self.actions[i] = action
        self.rewards[i] = reward
        self.next_observations[i] = next_observation
        self.terminals[i] = terminal
        self.position = (self.position + 1) % self.capacity
        self.size = min(self.size + 1, self.capacity)

    def sample(self, batch_size: int) -> dict[str, torch.Tensor]:
        index = self.rng.integers(self.size, size=batch_size)
        return {
            "observations": torch.from_numpy(self.observations[index]),
            "actions": torch.from_numpy(self.actions[index]),
            "rewards": torch.from_numpy(self.rewards[index]),
            "next_observations": torch.from_numpy(self.next_observations[index]),
            "terminals": torch.from_numpy(self.terminals[index]),
        }


def td_targets(
    rewards: torch.Tensor, next_q_values: torch.Tensor, terminals: torch.Tensor, gamma: float
) -> torch.Tensor:
    """y = r + gamma * max_a' Q_target(s', a'), with no bootstrap after a terminal transition."""
    return rewards + gamma * (1.0 - terminals) * next_q_values.max(dim=1).values


def update(online: nn.Module, target: nn.Module, optimizer: torch.optim.Optimizer, batch: dict, gamma: float):
    """One SGD step on the Huber loss of the TD error; returns (loss, mean Q(s, a)) as floats."""
    with torch.no_grad():
        targets = td_targets(batch["rewards"], target(batch["next_observations"]), batch["terminals"], gamma)
    q_taken = online(batch["observations"]).gather(1, batch["actions"].unsqueeze(1)).squeeze(1)
    loss = nn.functional.huber_loss(q_taken, targets, delta=1.0)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return float(loss.detach()), float(q_taken.detach().mean())


def evaluate(network: nn.Module, episodes: int, seed: int) -> float:
    """Mean return of `episodes` greedy games (epsilon = 0) on a separate environment."""
    env = make_env(seed)
    rng = np.random.default_rng(seed)
    returns = []
    for episode in range(episodes):
        observation, _ = env.reset(seed=seed + episode)
        total, done = 0.0, False
        while not done:
            observation, reward, terminated, truncated, _ = env.step(choose_action(network, observation, 0.0, rng))
            total += float(reward)
            done = terminated or truncated
        returns.append(total)
    env.close()
    return float(np.mean(returns))


def train(steps: int = 15_000, seed: int = 0) -> list[dict]:
    """Train for `steps` agent steps; returns one row per evaluation: step, eval_return, loss, q_mean."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    env = make_env(seed)
    online = make_network()
    target = copy.deepcopy(online)
    optimizer = torch.optim.Adam(online.parameters(), lr=LEARNING_RATE)
    memory = ReplayBuffer(REPLAY_CAPACITY, 4, seed)
    observation, _ = env.reset(seed=seed)
    losses, q_means, log = [], [], []
    for step in range(1, steps + 1):
        action = choose_action(online, observation, epsilon_at(step), rng)
        next_observation, reward, terminal, episode_over = play_step(env, action)
        memory.add(observation, action, reward, next_observation, terminal)
        observation = next_observation
        if episode_over:
            observation, _ = env.reset()
        if step > LEARNING_STARTS:
            loss, q_mean = update(online, target, optimizer, memory.sample(BATCH_SIZE), GAMMA)
            losses.append(loss)
            q_means.append(q_mean)
        if step % TARGET_SYNC_EVERY == 0:
            target.load_state_dict(online.state_dict())
        if step % EVAL_EVERY == 0:
            row = {
                "step": step,
                "eval_return": evaluate(online, 5, seed=10_000 + step),
                "loss": float(np.mean(losses)) if losses else float("nan"),
                "q_mean": float(np.mean(q_means)) if q_means else float("nan"),
            }
            losses, q_means = [], []
            log.append(row)
            print(
                f"step {step:>6}  eval return {row['eval_return']:6.1f}  loss {row['loss']:.4f}  "
                f"mean Q(s,a) {row['q_mean']:7.2f}",
                flush=True,
            )
    env.close()
    return log


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=15_000, help="agent steps (= CartPole steps)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--csv", default=None, help="also write the evaluation rows to this CSV file")
    args = parser.parse_args()
    torch.set_num_threads(1)
    log = train(args.steps, args.seed)
    if args.csv:
        with open(args.csv, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(log[0]))
            writer.writeheader()
            writer.writerows(log)


if __name__ == "__main__":
    main()
