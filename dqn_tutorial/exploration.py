"""Exploration (Chapter 6): epsilon-greedy action selection with a linearly annealed epsilon."""

from __future__ import annotations

import numpy as np
import torch


def linear_epsilon(step: int, start: float = 1.0, end: float = 0.1, duration: int = 1_000_000) -> float:
    """Epsilon after `step` agent steps: `start` falling linearly to `end` over `duration` steps, then fixed.

    The Nature paper anneals 1.0 -> 0.1 over the first "1,000,000 frames"; DeepMind's code counts agent
    steps (1M steps = 4M emulator frames). `step` here counts agent steps since annealing began.
    """
    if duration <= 0 or step >= duration:
        return float(end)
    if step <= 0:
        return float(start)
    return float(start + (end - start) * (step / duration))


def epsilon_greedy(q_values: np.ndarray, epsilon: float, rng: np.random.Generator) -> np.ndarray:
    """One action per row of q_values (batch, actions): random with probability epsilon, else argmax.

    A random action is drawn uniformly over all actions (the greedy one included), as in the papers.
    """
    q_values = np.asarray(q_values)
    batch, num_actions = q_values.shape
    greedy = q_values.argmax(axis=1)
    random_actions = rng.integers(num_actions, size=batch)
    explore = rng.random(batch) < epsilon
    return np.where(explore, random_actions, greedy).astype(np.int64)


@torch.no_grad()
def greedy_q_values(network: torch.nn.Module, observations: np.ndarray, device: torch.device | str = "cpu") -> np.ndarray:
    """Q-values of a batch of observations, on the CPU as numpy (no gradient: acting is not learning)."""
    batch = torch.as_tensor(np.asarray(observations), device=device)
    return network(batch).float().cpu().numpy()


def select_actions(network, observations, epsilon: float, rng: np.random.Generator, device="cpu") -> np.ndarray:
    """Epsilon-greedy actions for a batch of observations, running the network only where needed.

    The same distribution as `epsilon_greedy`: each row explores with probability epsilon (a uniform
    action) and otherwise takes the argmax; the forward pass is skipped for the exploring rows, which
    early in training is nearly all of them.
    """
    observations = np.asarray(observations)
    batch = observations.shape[0]
    actions = rng.integers(network_num_actions(network), size=batch).astype(np.int64)
    if epsilon >= 1.0:
        return actions
    exploit = ~(rng.random(batch) < epsilon)  # drawn in the same order as epsilon_greedy
    if exploit.any():
        actions[exploit] = greedy_q_values(network, observations[exploit], device).argmax(axis=1)
    return actions


def network_num_actions(network: torch.nn.Module) -> int:
    """Actions = the network's `num_actions` attribute if it has one, else its last linear layer's outputs."""
    count = getattr(network, "num_actions", None)
    if count is not None:
        return int(count)
    linear = [m for m in network.modules() if isinstance(m, torch.nn.Linear)]
    if not linear:
        raise ValueError("cannot tell how many actions this network has: give it a `num_actions` attribute")
    return linear[-1].out_features
