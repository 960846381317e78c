"""Exploration (Chapter 6): epsilon-greedy actions from the network's Q-values.

The agent acts with `epsilon_greedy(q_values(network, observations), epsilon, rng)` (`dqn.act`), the
evaluation with the same two calls. The epsilon schedule itself (Exercise 6.1, `linear_epsilon`) is in
`schedules.py`, with the other schedules counted in agent steps.
"""

from __future__ import annotations

import numpy as np
import torch


def epsilon_greedy(q_values: np.ndarray, epsilon: float, rng: np.random.Generator) -> np.ndarray:
    """One action per row of q_values (batch, actions): random with probability epsilon, else argmax.

    Chapter 6, Exercise 6.2. A random action is drawn uniformly over all actions (the greedy one
    included), as in the papers. The generator is used in a fixed order, random actions first
    (`rng.integers(num_actions, size=batch)`), then one coin per row (`rng.random(batch)`), whatever
    epsilon is, so that a seed reproduces a run exactly. With epsilon >= 1 every row explores, so the
    Q-values do not matter: the agent passes zeros then instead of running the network.
    """
    q_values = np.asarray(q_values)
    batch, num_actions = q_values.shape
    greedy = q_values.argmax(axis=1)
    random_actions = rng.integers(num_actions, size=batch)
    explore = rng.random(batch) < epsilon
    return np.where(explore, random_actions, greedy).astype(np.int64)


def q_values(network: torch.nn.Module, observations) -> np.ndarray:
    """The network's Q-values for a batch of observations, as a float32 numpy array (batch, actions).

    Chapter 6, Exercise 6.3. `observations` is a numpy array or a tensor, (batch, history, 84, 84) uint8
    stacks or (batch, features); it is moved to the device of the network's parameters (a no-op when
    it is there already, as the fast engine's stacks are). One forward pass for the whole batch, under
    torch.no_grad(): acting is not learning, and no graph is built at any of the millions of steps.
    """
    device = next(network.parameters()).device
    batch = torch.as_tensor(observations, device=device)
    with torch.no_grad():
        return network(batch).float().cpu().numpy()
