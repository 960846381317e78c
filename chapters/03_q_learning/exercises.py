"""Chapter 3, from Q-learning to deep Q-learning: your answers to the exercises.

Write your code between `### YOUR CODE HERE` and `### END YOUR CODE`, replacing the
placeholder line that raises; leave the rest of the file as it is. Grade your work from the
repository root with `pytest -k ch03` (or `make grade CH=03`).
"""

from __future__ import annotations

import numpy as np
import torch


def tabular_q_update(
    q_table: np.ndarray,
    state: int,
    action: int,
    reward: float,
    next_state: int,
    terminal: bool,
    alpha: float,
    gamma: float,
) -> None:
    """Exercise 3.1: one step of tabular Q-learning, written into `q_table` in place.

    `q_table` is a float numpy array of shape (num_states, num_actions). After the agent took `action`
    in `state`, received `reward` and landed in `next_state`, move Q[state, action] a fraction `alpha`
    of the way towards the TD target

        y = reward                                        if `terminal` is True
        y = reward + gamma * max_a' Q[next_state, a']     otherwise

    The update is written into the caller's `q_table` (in place), and changes the entry
    Q[state, action] only; the function returns nothing (the return value is ignored). Assume
    0 < alpha <= 1 and 0 <= gamma <= 1.
    """
    ### YOUR CODE HERE
    # The contract is in the docstring; the chapter's exercise box has hints (Exercise 3.1).
    raise NotImplementedError("Exercise 3.1: write tabular_q_update")
    ### END YOUR CODE


def td_targets(
    rewards: torch.Tensor, next_q_values: torch.Tensor, terminals: torch.Tensor, gamma: float
) -> torch.Tensor:
    """Exercise 3.2: the TD targets y of a minibatch, as a float tensor of shape (B,).

    rewards: float32 (B,). next_q_values: float32 (B, num_actions), the network's Q(s', a') for every
    action a' of each next state (it may carry a gradient). terminals: (B,), bool or float 0./1., where
    true / 1 means the transition ended the episode (no bootstrapping from s').

        y = r                                 for a terminal transition
        y = r + gamma * max_a' Q(s', a')      otherwise

    The targets are labels: the result must not carry a gradient (requires_grad False). It is float32
    (B,), on the device of the inputs. The inputs are left unchanged: their values, their shapes, and
    whether next_q_values requires a gradient.
    """
    ### YOUR CODE HERE
    # The contract is in the docstring; the chapter's exercise box has hints (Exercise 3.2).
    raise NotImplementedError("Exercise 3.2: write td_targets")
    ### END YOUR CODE


def q_values_of_actions(q_values: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
    """Exercise 3.3: Q(s, a) of the action actually taken in each row, as a tensor of shape (B,).

    q_values: float (B, num_actions), the network's output (it carries a gradient). actions: (B,), the
    action taken in each row, of any integer dtype (int64, int32, or uint8 as the replay memory stores
    them). Row i of the result is q_values[i, actions[i]]. The result must stay connected to the
    network (requires_grad as q_values), since the loss is backpropagated through it, and is on the
    device of q_values. The inputs are left unchanged (values and shapes).
    """
    ### YOUR CODE HERE
    # The contract is in the docstring; the chapter's exercise box has hints (Exercise 3.3).
    raise NotImplementedError("Exercise 3.3: write q_values_of_actions")
    ### END YOUR CODE
