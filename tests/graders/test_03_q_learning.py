"""Grader for Chapter 3 (from Q-learning to deep Q-learning): compares chapters/03_q_learning/exercises.py
with dqn_tutorial.q_learning.

Run it with `pytest -k ch03`; `pytest --impl=solutions -k ch03` grades the answers instead.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from checks import assert_inputs_unchanged_for, assert_same_device, call_on_device
from dqn_tutorial import q_learning as reference
from dqn_tutorial.networks import DQN2013Network
from grading import assert_matches, call, exercise, fail, real_breakout_stacks

SEED = 3
# What a device check's input says (it is shown with any failure, even PyTorch's own error):
META_NOTE = " (tensors without data: every operation checks their device, so a CPU tensor cannot be mixed in)"


# ------------------------------------------------------------------------------------------------
# 3.1 tabular_q_update
# ------------------------------------------------------------------------------------------------


def tabular_cases():
    """(q_table, state, action, reward, next_state, terminal, alpha, gamma, why)."""
    rng = np.random.default_rng(SEED)
    cases = []
    corridor = rng.normal(size=(7, 2))
    corridor[6] = [5.0, 7.0]  # a terminal state whose row holds large values: it must not be used
    cases.append(
        (
            corridor,
            5,
            1,
            1.0,
            6,
            True,
            0.5,
            0.9,
            "a terminal transition into a state whose row holds large values: y = r, no bootstrap",
        )
    )
    cases.append((corridor, 4, 1, 0.0, 5, False, 0.5, 0.9, "a non-terminal transition with reward 0"))
    cases.append((corridor, 1, 0, -1.0, 0, False, 0.1, 0.99, "a negative reward, gamma 0.99"))
    cases.append((corridor, 3, 0, 0.5, 2, False, 1.0, 0.9, "alpha = 1: Q[s, a] becomes the target"))
    cases.append((corridor, 3, 1, 0.5, 4, False, 0.3, 0.0, "gamma = 0: the target is the reward alone"))
    cases.append((corridor, 3, 1, 0.5, 4, False, 0.3, 1.0, "gamma = 1: no discounting"))
    cases.append((corridor, 2, 1, 0.25, 2, False, 0.5, 0.9, "next_state == state (a self-loop)"))
    cases.append((corridor, 0, 0, 2.0, 6, True, 0.2, 0.9, "the first row, terminal"))
    grid = rng.normal(size=(16, 4)).astype(np.float32)
    cases.append((grid, 15, 3, 1.0, 0, False, 0.5, 0.95, "a float32 table (16, 4), the last state and action"))
    for _ in range(15):
        num_states, num_actions = int(rng.integers(2, 30)), int(rng.integers(2, 19))
        table = rng.normal(size=(num_states, num_actions))
        cases.append(
            (
                table,
                int(rng.integers(num_states)),
                int(rng.integers(num_actions)),
                round(float(rng.normal()), 3),
                int(rng.integers(num_states)),
                bool(rng.random() < 0.3),
                round(float(rng.uniform(0.01, 1.0)), 3),
                round(float(rng.uniform(0.5, 1.0)), 3),
                "a random case",
            )
        )
    return cases


@exercise("3.1", "Tabular Q-learning update")
def test_tabular_q_update(ex):
    for table, state, action, reward, next_state, terminal, alpha, gamma, why in tabular_cases():
        inputs = (
            f"q_table {table.dtype} of shape {table.shape} (random normal), state={state}, action={action}, "
            f"reward={reward}, next_state={next_state}, terminal={terminal}, alpha={alpha}, gamma={gamma} "
            f"({why})"
        )
        expected = reference.tabular_q_update(table.copy(), state, action, reward, next_state, terminal, alpha, gamma)
        learner_table = table.copy()
        returned = call(
            ex,
            "tabular_q_update",
            learner_table,
            state,
            action,
            reward,
            next_state,
            terminal,
            alpha,
            gamma,
            inputs=inputs,
        )
        if np.array_equal(learner_table, table) and not np.array_equal(expected, table):
            fail(
                "tabular_q_update did not change q_table",
                inputs=inputs,
                expected=f"Q[{state}, {action}] = {expected[state, action]:.10g} in the table that was passed in",
                got=f"the table unchanged (Q[{state}, {action}] = {table[state, action]:.10g})"
                + (", and a new array returned" if isinstance(returned, np.ndarray) else ""),
                hint="write the new value into q_table itself (q_table[state, action] = ... or +=): "
                "the function updates the table in place",
            )
        others = np.ones(table.shape, dtype=bool)
        others[state, action] = False
        if learner_table.shape == table.shape and not np.array_equal(learner_table[others], table[others]):
            changed = [tuple(int(i) for i in index) for index in np.argwhere((learner_table != table) & others)]
            fail(
                "tabular_q_update changed entries other than Q[state, action]",
                inputs=inputs,
                expected=f"only Q[{state}, {action}] changes",
                got=f"{len(changed)} other entries changed, the first ones: {changed[:4]}",
                hint="one transition says something about one state-action pair only: the rest of the table, "
                "including the row of next_state and the other actions of `state`, stays as it was",
            )
        tolerance = 1e-6 if table.dtype == np.float32 else 1e-9
        assert_matches(
            learner_table,
            expected,
            what="q_table after tabular_q_update",
            inputs=inputs,
            atol=tolerance,
            rtol=tolerance,
            hint="only Q[state, action] changes: it moves a fraction alpha of the way towards the target, "
            "which is the reward alone after a terminal transition and otherwise the reward plus "
            "gamma times the largest value in the row of next_state",
        )


# ------------------------------------------------------------------------------------------------
# Real Breakout stacks, and a network to evaluate them (for 3.2 and 3.3)
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def breakout_stacks():
    """Eight real (4, 84, 84) uint8 stacks from a random game of Breakout, as one batch (8, 4, 84, 84)."""
    return real_breakout_stacks(SEED, steps=80, every=10)


def real_q_values(stacks: np.ndarray) -> torch.Tensor:
    """Q-values (8, 4) of an untrained 2013 network on real stacks, with the autograd graph attached."""
    torch.manual_seed(SEED)
    network = DQN2013Network(num_actions=4)
    return network(torch.from_numpy(stacks))


# ------------------------------------------------------------------------------------------------
# 3.2 td_targets
# ------------------------------------------------------------------------------------------------


def td_cases(breakout_stacks):
    """(rewards, next_q_values, terminals, gamma, why); next_q_values carry a gradient."""
    generator = torch.Generator().manual_seed(SEED)

    def q(batch, actions, scale=1.0):
        return (scale * torch.randn(batch, actions, generator=generator)).requires_grad_()

    def rewards(batch):
        return torch.randn(batch, generator=generator)

    cases = [
        (torch.tensor([1.0]), q(1, 4), torch.tensor([True]), 0.99, "a batch of one, terminal"),
        (torch.tensor([1.0]), q(1, 4), torch.tensor([False]), 0.99, "a batch of one, not terminal"),
        (
            rewards(4),
            q(4, 4, 3.0),
            torch.tensor([False, True, False, True]),
            0.99,
            "4 rows and 4 actions (a max over the wrong axis has the right shape here), bool terminals",
        ),
        (rewards(7), q(7, 4), torch.tensor([0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0]), 0.9, "float 0/1 terminals"),
        (rewards(6), q(6, 18, 2.0), torch.ones(6, dtype=torch.bool), 0.99, "every transition terminal"),
        (rewards(6), q(6, 18, 2.0), torch.zeros(6), 0.99, "no transition terminal, 18 actions"),
        (
            torch.tensor([-1.0, 0.0, 1.0, 1.0, 0.0]),
            q(5, 2, 5.0),
            torch.tensor([False] * 5),
            0.0,
            "gamma = 0: the targets are the rewards",
        ),
        (
            torch.tensor([-1.0, 0.0, 1.0, 1.0, 0.0]),
            q(5, 2, 5.0),
            torch.tensor([True, False, False, True, False]),
            1.0,
            "gamma = 1, clipped rewards -1, 0, +1",
        ),
        (
            rewards(5),
            -torch.rand(5, 3, generator=generator).add(1.0).requires_grad_(),
            torch.tensor([False] * 5),
            0.99,
            "all next Q-values negative",
        ),
        (
            torch.tensor([30.0, 0.0, 200.0, 10.0, 5.0, 0.0]),
            q(6, 6, 150.0),
            torch.tensor([False, False, True, False, False, True]),
            0.99,
            "unclipped Space Invaders rewards (5 to 200 points) and Q-values in the hundreds: large TD targets",
        ),
    ]
    for _ in range(12):
        batch, actions = (
            int(torch.randint(1, 65, (1,), generator=generator)),
            int(torch.randint(2, 19, (1,), generator=generator)),
        )
        terminals = torch.rand(batch, generator=generator) < 0.2
        if torch.rand(1, generator=generator) < 0.5:
            terminals = terminals.float()
        gamma = round(float(torch.rand(1, generator=generator)) * 0.5 + 0.5, 3)
        cases.append((rewards(batch), q(batch, actions, 2.0), terminals, gamma, "a random batch"))
    next_q = real_q_values(breakout_stacks)
    cases.append(
        (
            torch.tensor([0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]),
            next_q,
            torch.tensor([False, False, False, True, False, False, False, False]),
            0.99,
            "next_q_values = an untrained DQN2013Network on 8 real Breakout stacks",
        )
    )
    return cases


def describe_td_inputs(rewards, next_q, terminals, gamma, why):
    terminal_dtype = "bool" if terminals.dtype == torch.bool else str(terminals.dtype).replace("torch.", "")
    return (
        f"rewards float32 {tuple(rewards.shape)}, next_q_values float32 {tuple(next_q.shape)} "
        f"(requires_grad=True), terminals {terminal_dtype} {terminals.tolist() if len(terminals) <= 8 else ''}"
        f"{'' if len(terminals) <= 8 else f'{int(terminals.sum())} of {len(terminals)} true'}, gamma={gamma} ({why})"
    )


@exercise("3.2", "TD targets for a minibatch")
def test_td_targets(ex, breakout_stacks):
    hint = (
        "y = r + gamma * max over the actions of Q(s', .) (one maximum per row), with the bootstrap term switched "
        "off where terminals is true; the targets are labels, so they carry no gradient"
    )
    for rewards, next_q, terminals, gamma, why in td_cases(breakout_stacks):
        inputs = describe_td_inputs(rewards, next_q, terminals, gamma, why)
        expected = reference.td_targets(rewards.clone(), next_q.clone(), terminals.clone(), gamma)
        copies = (rewards.clone(), next_q.clone(), terminals.clone())
        got = call(ex, "td_targets", *copies, gamma, inputs=inputs)
        assert_inputs_unchanged_for(
            "td_targets",
            inputs,
            rewards=(rewards, copies[0]),
            next_q_values=(next_q, copies[1]),
            terminals=(terminals, copies[2]),
        )
        if not copies[1].requires_grad:
            fail(
                "td_targets detached the caller's next_q_values in place (detach_ or requires_grad_(False))",
                inputs=inputs,
                expected="next_q_values still requires_grad=True after the call",
                got="requires_grad=False",
                hint="the result must carry no gradient, not the input: detach (or use no_grad for) what you "
                "return, and leave the caller's tensor as it was",
            )
        assert_matches(got, expected, what="td_targets", inputs=inputs, atol=1e-5, rtol=1e-5, hint=hint)

    # The device: inputs on the meta device (no data, but every operation checks devices), where a tensor made
    # on the CPU cannot be mixed in; on a GPU machine, on CUDA as well.
    devices = [torch.device("meta")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    for device in devices:
        for terminal_dtype in (torch.bool, torch.float32):
            rewards = torch.tensor([1.0, 0.0, -1.0, 0.0, 1.0])
            next_q = torch.randn(5, 4, generator=torch.Generator().manual_seed(SEED))
            terminals = torch.tensor([False, True, False, False, True]).to(terminal_dtype)
            inputs = (
                f"rewards float32 (5,), next_q_values float32 (5, 4) (requires_grad=True), terminals "
                f"{str(terminal_dtype).replace('torch.', '')} (5,), gamma=0.99, all on the {device.type} "
                f"device{META_NOTE if device.type == 'meta' else ''}"
            )
            on_device = (rewards.to(device), next_q.to(device).requires_grad_(), terminals.to(device))
            got = call_on_device(ex, "td_targets", *on_device, 0.99, device=device, inputs=inputs)
            assert_same_device("td_targets", got, device)
            if device.type != "meta":
                expected = reference.td_targets(*(t.to(device) for t in (rewards, next_q, terminals)), 0.99)
                assert_matches(
                    got, expected, what=f"td_targets on {device.type}", inputs=inputs, atol=1e-5, rtol=1e-5, hint=hint
                )
            elif isinstance(got, torch.Tensor) and (
                tuple(got.shape) != (5,) or got.dtype != torch.float32 or got.requires_grad
            ):
                fail(
                    "td_targets on the meta device: wrong shape, dtype or gradient",
                    inputs=inputs,
                    expected="float32 tensor of shape (5,), requires_grad=False",
                    got=f"{got.dtype} tensor of shape {tuple(got.shape)}, requires_grad={got.requires_grad}",
                    hint=hint,
                )


# ------------------------------------------------------------------------------------------------
# 3.3 q_values_of_actions
# ------------------------------------------------------------------------------------------------


def gather_cases(breakout_stacks):
    """(q_values leaf with requires_grad, actions, why)."""
    generator = torch.Generator().manual_seed(SEED + 1)

    def leaf(batch, actions):
        return torch.randn(batch, actions, generator=generator).requires_grad_()

    cases = [
        (leaf(1, 4), torch.tensor([2]), "a batch of one"),
        (leaf(4, 4), torch.tensor([3, 0, 1, 3]), "4 rows and 4 actions"),
        (leaf(5, 4), torch.zeros(5, dtype=torch.long), "every action 0 (the first column)"),
        (leaf(5, 18), torch.full((5,), 17, dtype=torch.long), "every action 17 (the last of 18)"),
        (leaf(6, 3), torch.tensor([2, 1, 0, 0, 1, 2], dtype=torch.int32), "actions int32"),
        (
            leaf(5, 4),
            torch.tensor([3, 1, 0, 2, 1], dtype=torch.uint8),
            "actions uint8, the dtype the replay memory stores them in",
        ),
    ]
    for _ in range(10):
        batch, actions = (
            int(torch.randint(1, 65, (1,), generator=generator)),
            int(torch.randint(2, 19, (1,), generator=generator)),
        )
        cases.append((leaf(batch, actions), torch.randint(0, actions, (batch,), generator=generator), "a random batch"))
    q_values = real_q_values(breakout_stacks).detach().requires_grad_()
    cases.append(
        (
            q_values,
            torch.tensor([0, 1, 2, 3, 3, 2, 1, 0]),
            "q_values = an untrained DQN2013Network's output on 8 real Breakout stacks",
        )
    )
    return cases


@exercise("3.3", "Q-values of the actions taken")
def test_q_values_of_actions(ex, breakout_stacks):
    for base, actions, why in gather_cases(breakout_stacks):
        shown = actions.tolist() if len(actions) <= 8 else f"{len(actions)} random actions"
        inputs = (
            f"q_values float32 {tuple(base.shape)} (requires_grad=True), actions "
            f"{str(actions.dtype).replace('torch.', '')} {shown} ({why})"
        )
        expected = reference.q_values_of_actions(base.detach().clone().requires_grad_(), actions.clone())
        q_values, actions_copy = base.clone(), actions.clone()  # the copies stay connected to `base`
        got = call(ex, "q_values_of_actions", q_values, actions_copy, inputs=inputs)
        assert_inputs_unchanged_for(
            "q_values_of_actions", inputs, q_values=(base, q_values), actions=(actions, actions_copy)
        )
        assert_matches(
            got,
            expected,
            what="q_values_of_actions",
            inputs=inputs,
            atol=1e-6,
            rtol=1e-6,
            hint="row i of the result is q_values[i, actions[i]]: one value per row, a tensor of shape "
            "(B,), still connected to q_values so that the loss can be backpropagated; actions may "
            "be any integer dtype (uint8 in the replay memory)",
        )
        base.grad = None
        got.sum().backward()
        one_hot = torch.zeros_like(base)
        one_hot[torch.arange(len(actions)), actions.long()] = 1.0
        if base.grad is None or not torch.equal(base.grad, one_hot):
            gradient = "none" if base.grad is None else f"{int((base.grad != 0).sum())} non-zero entries"
            fail(
                "q_values_of_actions: the gradient does not flow back to exactly Q[i, actions[i]]",
                inputs=inputs,
                expected="gradient 1 at (i, actions[i]) for every row, 0 everywhere else",
                got=f"gradient of sum(result) with respect to q_values: {gradient}",
                hint="select the entries with tensor operations (gather or indexing) on q_values itself, without "
                ".item(), .detach() or a new torch.tensor(...)",
            )

    # The device: inputs on the meta device (no data, but every operation checks devices); on a GPU, CUDA too.
    devices = [torch.device("meta")] + ([torch.device("cuda")] if torch.cuda.is_available() else [])
    for device in devices:
        q_values = torch.randn(6, 4, generator=torch.Generator().manual_seed(SEED))
        actions = torch.tensor([0, 3, 1, 2, 2, 0])
        inputs = (
            f"q_values float32 (6, 4) (requires_grad=True), actions int64 [0, 3, 1, 2, 2, 0], both on the "
            f"{device.type} device"
            f"{META_NOTE if device.type == 'meta' else ''}"
        )
        got = call_on_device(
            ex,
            "q_values_of_actions",
            q_values.to(device).requires_grad_(),
            actions.to(device),
            device=device,
            inputs=inputs,
        )
        assert_same_device("q_values_of_actions", got, device)
        if device.type != "meta":
            expected = reference.q_values_of_actions(q_values.to(device).requires_grad_(), actions.to(device))
            assert_matches(
                got,
                expected,
                what=f"q_values_of_actions on {device.type}",
                inputs=inputs,
                hint="row i of the result is q_values[i, actions[i]]",
            )
        elif isinstance(got, torch.Tensor) and (tuple(got.shape) != (6,) or not got.requires_grad):
            fail(
                "q_values_of_actions on the meta device: wrong shape or cut off from the graph",
                inputs=inputs,
                expected="a tensor of shape (6,) with requires_grad=True",
                got=f"shape {tuple(got.shape)}, requires_grad={got.requires_grad}",
                hint="row i of the result is q_values[i, actions[i]], selected with tensor operations",
            )
