"""The fast engine's replay memory must draw exactly what Chapter 5's memory draws.

Chapter 5's `ReplayMemory` calls the exercises' functions one transition at a time; `DeviceReplayMemory`
applies the same rules to whole arrays. Both are checked against each other and against the functions.
"""

import numpy as np
import pytest
import torch

from dqn_tutorial.fast.replay_memory import DeviceReplayMemory
from dqn_tutorial.replay_memory import ReplayMemory, is_valid_sample, stack_slots


def fill(memory, steps: int, num_envs: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        frames = rng.integers(0, 256, size=(num_envs, 6, 5), dtype=np.uint8)
        ended = rng.random(num_envs) < 0.05
        terminal = ended & (rng.random(num_envs) < 0.7) | (rng.random(num_envs) < 0.05)
        memory.add(
            frames if num_envs > 1 else frames[0],
            rng.integers(4, size=num_envs) if num_envs > 1 else int(rng.integers(4)),
            rng.normal(size=num_envs) if num_envs > 1 else float(rng.normal()),
            terminal if num_envs > 1 else bool(terminal[0]),
            ended if num_envs > 1 else bool(ended[0]),
        )


@pytest.mark.parametrize("num_envs", [1, 3])
@pytest.mark.parametrize("steps", [50, 130])  # before and after the memory wraps (capacity 90)
def test_device_batches_equal_host_batches(num_envs, steps):
    host = ReplayMemory(90, frame_shape=(6, 5), history_length=4, num_envs=num_envs, seed=7)
    device = DeviceReplayMemory(90, frame_shape=(6, 5), history_length=4, num_envs=num_envs, seed=7)
    fill(host, steps, num_envs)
    fill(device, steps, num_envs)
    for _ in range(3):
        expected = host.sample(64)
        got = device.sample_batches(1, 64)[0]
        np.testing.assert_array_equal(got.observations.numpy(), expected.observations)
        np.testing.assert_array_equal(got.next_observations.numpy(), expected.next_observations)
        np.testing.assert_array_equal(got.actions.numpy(), expected.actions)
        np.testing.assert_allclose(got.rewards.numpy(), expected.rewards)
        np.testing.assert_array_equal(got.terminals.numpy(), expected.terminals)
        assert got.actions.dtype == torch.int64 and got.observations.dtype == torch.uint8


def test_several_batches_are_one_draw_split():
    host = ReplayMemory(90, frame_shape=(6, 5), history_length=4, seed=1)
    device = DeviceReplayMemory(90, frame_shape=(6, 5), history_length=4, seed=1)
    fill(host, 120, 1)
    fill(device, 120, 1)
    expected = host.sample(4 * 8)
    got = device.sample_batches(4, 8)
    assert got.observations.shape == (4, 8, 4, 6, 5)
    np.testing.assert_array_equal(got.observations.reshape(32, 4, 6, 5).numpy(), expected.observations)
    np.testing.assert_array_equal(got[2].actions.numpy(), expected.actions[16:24])


def test_state_dict_round_trip_through_the_host():
    memory = DeviceReplayMemory(90, frame_shape=(6, 5), history_length=4, seed=2)
    fill(memory, 100, 1)
    state = memory.state_dict()
    assert isinstance(state["frames"], torch.Tensor) and state["frames"].device.type == "cpu"
    restored = DeviceReplayMemory(90, frame_shape=(6, 5), history_length=4, seed=99)
    restored.load_state_dict(state)
    a, b = memory.sample_batches(1, 16)[0], restored.sample_batches(1, 16)[0]
    assert torch.equal(a.observations, b.observations) and torch.equal(a.rewards, b.rewards)
    plain = ReplayMemory(90, frame_shape=(6, 5), history_length=4)
    plain.load_state_dict(state)  # a checkpoint of the fast engine loads into the plain one too
    assert len(plain) == len(memory)


def test_a_plain_checkpoint_loads_into_the_device_memory():
    plain = ReplayMemory(90, frame_shape=(6, 5), history_length=4, seed=4)
    fill(plain, 100, 1)
    state = plain.state_dict()
    assert isinstance(state["frames"], torch.Tensor)  # saved by torch.save without a pickled copy
    state["frames"] = state["frames"].numpy()  # as checkpoints written before that change hold them
    device = DeviceReplayMemory(90, frame_shape=(6, 5), history_length=4, seed=4)
    device.load_state_dict(state)
    np.testing.assert_array_equal(device.sample_batches(1, 16)[0].observations.numpy(), plain.sample(16).observations)


def random_fill(memories, steps: int, num_envs: int, seed: int, end_rate: float):
    """The same random steps into every memory: game overs, lost lives, truncations, resumes."""
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        frames = rng.integers(0, 256, size=(num_envs, 3, 2), dtype=np.uint8)
        ended = rng.random(num_envs) < end_rate
        terminal = ended & (rng.random(num_envs) < 0.6) | (rng.random(num_envs) < 0.05)
        actions, rewards = rng.integers(18, size=num_envs), rng.choice([-1.0, 0.0, 1.0], size=num_envs)
        for memory in memories:
            memory.add(frames, actions, rewards, terminal, ended)
        if rng.random() < 0.02:
            for memory in memories:
                memory.mark_episode_end()  # as after a resume


def random_settings(count: int):
    rng = np.random.default_rng(0)
    for case in range(count):
        num_envs, history = int(rng.choice([1, 1, 2, 3])), int(rng.integers(1, 6))
        slots = int(rng.integers(history + 1, 25))
        # steps: from "not yet full" to "wrapped several times"
        yield (
            case,
            slots * num_envs,
            history,
            num_envs,
            int(rng.integers(2, 4 * slots)),
            float(rng.choice([0.02, 0.1, 0.3, 0.8])),
        )


@pytest.mark.parametrize("case, capacity, history, num_envs, steps, end_rate", list(random_settings(150)))
def test_the_vectorised_rules_equal_the_exercises_functions(case, capacity, history, num_envs, steps, end_rate):
    plain = ReplayMemory(capacity, frame_shape=(3, 2), history_length=history, num_envs=num_envs, seed=case)
    device = DeviceReplayMemory(capacity, frame_shape=(3, 2), history_length=history, num_envs=num_envs, seed=case)
    random_fill([plain, device], steps, num_envs, case, end_rate)
    # The vectorised write (_write) leaves the storage exactly as add_transition does.
    a, b = plain.state_dict(), device.state_dict()
    assert (plain._cursor, plain._size, plain._steps) == (device._cursor, device._size, device._steps)
    for name in ("frames", "actions", "rewards", "terminals", "episode_ends", "end_before_oldest"):
        assert torch.equal(a[name], b[name]), name
    # Every candidate of every stream: _valid is is_valid_sample, _frame_slots is stack_slots at k and k + 1.
    slots, oldest, newest = plain._slots, plain._oldest(), plain._steps - 1
    k = np.repeat(np.arange(oldest, newest, dtype=np.int64), num_envs)
    env = np.tile(np.arange(num_envs, dtype=np.int64), newest - oldest)
    cursor, size = plain._cursor, plain._size
    valid = [is_valid_sample(plain._streams[e], s, cursor, size, history) for s, e in zip(k % slots, env)]
    np.testing.assert_array_equal(device._valid(k, env, oldest), valid)
    np.testing.assert_array_equal(plain._valid(k, env, oldest), valid)
    k, env = k[valid], env[valid]
    expected = np.array(
        [
            [stack_slots(plain._streams[e], (s + shift) % slots, cursor, size, history) for s, e in zip(k % slots, env)]
            for shift in (0, 1)
        ]
    ).reshape(2, k.size, history)
    np.testing.assert_array_equal(device._frame_slots(k, env, oldest), expected)
    np.testing.assert_array_equal(plain._frame_slots(k, env, oldest), expected)
    # And the two memories draw the same minibatches from the same seed.
    for batch_size in (1, 32, 100):
        try:
            expected_draw = plain.sample_indices(batch_size)
        except Exception as error:  # nothing valid yet: both must refuse alike
            with pytest.raises(type(error)):
                device.sample_indices(batch_size)
            continue
        for x, y in zip(expected_draw, device.sample_indices(batch_size)):
            np.testing.assert_array_equal(x, y)
