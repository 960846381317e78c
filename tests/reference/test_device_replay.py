"""The fast engine's replay memory must draw exactly what Chapter 5's memory draws."""

import numpy as np
import pytest
import torch

from dqn_tutorial.device_replay import DeviceReplayMemory
from dqn_tutorial.replay_memory import ReplayMemory


def fill(memory, steps: int, num_envs: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        frames = rng.integers(0, 256, size=(num_envs, 6, 5), dtype=np.uint8)
        ended = rng.random(num_envs) < 0.05
        terminal = ended & (rng.random(num_envs) < 0.7) | (rng.random(num_envs) < 0.05)
        memory.add(frames if num_envs > 1 else frames[0], rng.integers(4, size=num_envs) if num_envs > 1 else int(rng.integers(4)),
                   rng.normal(size=num_envs) if num_envs > 1 else float(rng.normal()),
                   terminal if num_envs > 1 else bool(terminal[0]), ended if num_envs > 1 else bool(ended[0]))


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
