"""From Q-learning to deep Q-learning (Chapter 3): the TD target of the Bellman optimality equation.

    y = r                                  if the transition is terminal
    y = r + gamma * max_a' Q(s', a')       otherwise

(Mnih et al. 2013, Algorithm 1; Mnih et al. 2015, Methods, equation 3.)
"""

from __future__ import annotations

import numpy as np
import torch


def td_targets(
    rewards: torch.Tensor, next_q_values: torch.Tensor, terminals: torch.Tensor, gamma: float
) -> torch.Tensor:
    """TD targets for a batch: rewards (B,), next_q_values (B, actions), terminals (B,) with 1 = terminal.

    Chapter 3, Exercise 3.2; `target_network.td_targets_from_target` applies it to the target network's
    Q-values of the next states, for every minibatch the agent learns from. The terminal mask stops
    bootstrapping from a state that does not follow (game over, or a lost life during training). The
    result carries no gradient: the target is a label, not something to move.
    """
    best_next = next_q_values.max(dim=1).values
    return (rewards + gamma * (1.0 - terminals.float()) * best_next).detach()


def q_values_of_actions(q_values: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
    """Pick Q(s, a) for the action actually taken in each row: (B, actions), (B,) -> (B,).

    Chapter 3, Exercise 3.3; `update.dqn_loss` calls it. Each transition says something about the
    action taken only, so only that value is regressed (and receives a gradient).
    """
    return q_values.gather(1, actions.long().unsqueeze(1)).squeeze(1)


def tabular_q_update(
    q_table: np.ndarray,
    state: int,
    action: int,
    reward: float,
    next_state: int,
    terminal: bool,
    alpha: float,
    gamma: float,
) -> np.ndarray:
    """One tabular Q-learning update (Watkins 1989; Watkins & Dayan 1992), returned as a new table.

    Q(s, a) <- Q(s, a) + alpha * (y - Q(s, a)), with y the TD target above. Only the entry (s, a)
    changes; the input table is left untouched (Chapter 3's exercise does the same update in place).
    """
    updated = np.array(q_table, copy=True)
    bootstrap = 0.0 if terminal else gamma * float(np.max(q_table[next_state]))
    target = reward + bootstrap
    updated[state, action] += alpha * (target - updated[state, action])
    return updated
