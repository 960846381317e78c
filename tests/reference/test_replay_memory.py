"""Tests of dqn_tutorial.replay_memory: ReplayMemory and the functions of Chapter 5 it is built on.

Every frame written encodes its agent step (and environment) in its pixels, so a sampled stack can be
decoded back into the exact steps it was built from and compared with a plain-Python model of the
agent's own frame stack.
"""

from __future__ import annotations

import copy
import tracemalloc
from collections import Counter

import numpy as np
import pytest

from dqn_tutorial import replay_memory
from dqn_tutorial.errors import UserError
from dqn_tutorial.replay_memory import Batch, ReplayMemory

SHAPE = (3, 5)  # small frames keep the tests fast; one test uses real 84x84 frames


def make_frame(step: int, env: int = 0, shape=SHAPE) -> np.ndarray:
    frame = np.full(shape, (step * 7 + env * 13) % 256, dtype=np.uint8)
    frame[0, 0], frame[0, 1], frame[1, 0] = step % 256, step // 256, env
    return frame


def decode(stack: np.ndarray) -> list[tuple[int, int]]:
    """(step, env) of every frame in a stack (history, *SHAPE)."""
    return [(int(f[0, 0]) + 256 * int(f[0, 1]), int(f[1, 0])) for f in stack]


class Reference:
    """What the agent saw, step by step: its frame stack pads with the first frame of each episode."""

    def __init__(self, history: int):
        self.history = history
        self.obs: list[list[int]] = []  # per step: steps of the frames in the observation
        self.terminal: list[bool] = []
        self.episode_end: list[bool] = []
        self.episode: list[int] = []

    def step(self, t: int, terminal: bool, episode_end: bool) -> None:
        self.episode.append(t)
        window = self.episode[-self.history :]
        self.obs.append([window[0]] * (self.history - len(window)) + window)
        self.terminal.append(terminal)
        self.episode_end.append(episode_end)
        if episode_end:
            self.episode = []

    def valid(self, written: int, slots: int) -> set[int]:
        """Steps that may be sampled: next frame written, not a truncation, no overwritten frame."""
        oldest = max(0, written - slots)
        out = set()
        for k in range(oldest, written - 1):
            if self.episode_end[k] and not self.terminal[k]:
                continue
            if min(self.obs[k]) >= oldest and min(self.obs[k + 1]) >= oldest:
                out.add(k)
        return out


def fill(capacity, history, flags, num_envs=1, seed=0, shape=SHAPE):
    """Write len(flags) steps; flags[t][e] = (terminal, episode_end). Returns memory and references."""
    memory = ReplayMemory(capacity, frame_shape=shape, history_length=history, num_envs=num_envs, seed=seed)
    refs = [Reference(history) for _ in range(num_envs)]
    for t, row in enumerate(flags):
        frames = np.stack([make_frame(t, e, shape) for e in range(num_envs)])
        actions = np.array([(t + e) % 4 for e in range(num_envs)])
        rewards = np.array([((t + e) % 3) - 1 for e in range(num_envs)], dtype=np.float32)
        terminals = np.array([row[e][0] for e in range(num_envs)])
        ends = np.array([row[e][1] for e in range(num_envs)])
        if num_envs == 1:
            memory.add(frames[0], int(actions[0]), float(rewards[0]), bool(terminals[0]), bool(ends[0]))
        else:
            memory.add(frames, actions, rewards, terminals, ends)
        for e in range(num_envs):
            refs[e].step(t, bool(terminals[e]), bool(ends[e]))
    return memory, refs


def random_flags(steps, num_envs, seed):
    """Episodes with life losses (terminal only), game overs (both) and truncations (episode end only)."""
    rng = np.random.default_rng(seed)
    kinds = rng.choice(4, size=(steps, num_envs), p=[0.8, 0.08, 0.06, 0.06])
    table = {0: (False, False), 1: (True, False), 2: (True, True), 3: (False, True)}
    return [[table[int(kind)] for kind in row] for row in kinds]


def check_batch(batch: Batch, refs, history, written, slots):
    """Every transition of the batch is exactly what the agent saw; returns the (step, env) sampled."""
    sampled = []
    oldest = max(0, written - slots)
    for b in range(batch.actions.shape[0]):
        obs = decode(batch.observations[b])
        k, env = obs[-1]
        ref = refs[env]
        assert all(e == env for _, e in obs), f"stack mixes environments: {obs}"
        assert [s for s, _ in obs] == ref.obs[k], f"step {k}: stack {obs}, expected {ref.obs[k]}"
        assert min(s for s, _ in obs) >= oldest, "an overwritten frame came back"
        assert batch.actions[b] == (k + env) % 4
        assert batch.rewards[b] == ((k + env) % 3) - 1
        assert batch.terminals[b] == (1.0 if ref.terminal[k] else 0.0)
        if not ref.episode_end[k]:
            nxt = decode(batch.next_observations[b])
            assert [s for s, _ in nxt] == ref.obs[k + 1], f"step {k}: next {nxt}, expected {ref.obs[k + 1]}"
            assert all(e == env for _, e in nxt)
        sampled.append((k, env))
    return sampled


@pytest.mark.parametrize(
    "capacity, history, steps, num_envs, seed",
    [
        (40, 4, 137, 1, 0),  # wrapped 3 times
        (40, 4, 25, 1, 1),  # not yet wrapped
        (60, 4, 211, 2, 2),  # two streams, wrapped
        (30, 2, 95, 1, 3),
        (30, 1, 77, 3, 4),
    ],
)
def test_samples_exactly_the_valid_transitions_uniformly(capacity, history, steps, num_envs, seed):
    flags = random_flags(steps, num_envs, seed)
    memory, refs = fill(capacity, history, flags, num_envs=num_envs, seed=seed)
    slots = capacity // num_envs
    assert len(memory) == min(steps, slots) * num_envs
    counts = Counter()
    for _ in range(150):
        counts.update(check_batch(memory.sample(64), refs, history, steps, slots))
    expected = {(k, e) for e in range(num_envs) for k in refs[e].valid(steps, slots)}
    assert set(counts) == expected
    mean = sum(counts.values()) / len(expected)
    assert all(0.55 * mean < c < 1.45 * mean for c in counts.values()), "sampling is not uniform"


def test_wraparound_overwrites_the_oldest_frames():
    capacity, steps = 20, 53
    memory, refs = fill(capacity, 4, [[(False, False)]] * steps)
    oldest = steps - capacity  # 33: steps 0..32 are gone
    seen = set()
    for _ in range(100):
        batch = memory.sample(32)
        check_batch(batch, refs, 4, steps, capacity)
        for stacks in (batch.observations, batch.next_observations):
            seen.update(s for stack in stacks for s, _ in decode(stack))
    assert min(seen) == oldest and max(seen) == steps - 1
    # Only a window that fits in the stored frames is sampled: 33..35 lack history, 52 is the newest.
    newest_obs = {decode(stack)[-1][0] for stack in memory.sample(2000).observations}
    assert newest_obs == set(range(oldest + 3, steps - 1))


def test_oldest_slots_are_sampled_when_their_episode_starts_after_the_overwritten_part():
    # Episode ends at step 32, which is overwritten; step 33 (oldest stored) starts a new episode,
    # so the stacks of 33, 34, 35 are complete (padded with frame 33) and may be sampled.
    capacity, steps = 20, 53
    flags = [[(t == 32, t == 32)] for t in range(steps)]
    memory, refs = fill(capacity, 4, flags)
    batch = memory.sample(3000)
    check_batch(batch, refs, 4, steps, capacity)
    stacks = {tuple(s for s, _ in decode(stack)) for stack in batch.observations}
    assert (33, 33, 33, 33) in stacks and (33, 33, 34, 35) in stacks
    assert {s[-1] for s in stacks} == set(range(33, 52))


def test_stack_pads_with_first_frame_of_the_episode():
    # Game over at step 2 (terminal and reset): steps 3.. form a new episode.
    flags = [[(t == 2, t == 2)] for t in range(10)]
    memory, refs = fill(20, 4, flags)
    stacks = {}
    for stack in memory.sample(2000).observations:
        steps = [s for s, _ in decode(stack)]
        stacks[steps[-1]] = steps
    assert stacks[0] == [0, 0, 0, 0]  # storage starts an episode
    assert stacks[2] == [0, 0, 1, 2]
    assert stacks[3] == [3, 3, 3, 3]
    assert stacks[4] == [3, 3, 3, 4]
    assert stacks[5] == [3, 3, 4, 5]
    assert stacks[6] == [3, 4, 5, 6]
    assert stacks[7] == [4, 5, 6, 7]


def test_next_observation_and_terminal_values():
    # Step 3: life lost (terminal, no reset): the next stack continues the same episode.
    # Step 6: game over (terminal and reset).
    flags = [[(t in (3, 6), t == 6)] for t in range(12)]
    memory, refs = fill(20, 4, flags)
    batch = memory.sample(3000)
    check_batch(batch, refs, 4, 12, 20)
    by_step = {}
    for obs, nxt, terminal in zip(batch.observations, batch.next_observations, batch.terminals):
        by_step[decode(obs)[-1][0]] = ([s for s, _ in decode(nxt)], float(terminal))
    assert by_step[2] == ([0, 1, 2, 3], 0.0)
    assert by_step[3] == ([1, 2, 3, 4], 1.0)
    assert by_step[6][1] == 1.0
    assert by_step[7] == ([7, 7, 7, 8], 0.0)
    assert batch.terminals.dtype == np.float32
    assert set(np.unique(batch.terminals)) == {0.0, 1.0}


def test_truncated_steps_are_never_sampled():
    # Step 4 ends by time limit (reset, not terminal): its next frame was never stored.
    flags = [[(False, t == 4)] for t in range(9)]
    memory, refs = fill(20, 4, flags)
    sampled = {decode(stack)[-1][0] for stack in memory.sample(3000).observations}
    assert sampled == {0, 1, 2, 3, 5, 6, 7}


def test_newest_step_is_never_sampled():
    memory, _ = fill(20, 4, [[(False, False)]] * 2)
    assert {decode(s)[-1][0] for s in memory.sample(500).observations} == {0}
    memory.add(make_frame(2), 0, 0.0, False, False)
    assert {decode(s)[-1][0] for s in memory.sample(500).observations} == {0, 1}


def test_mark_episode_end_closes_the_games_in_progress():
    memory, _ = fill(20, 4, [[(t == 4, False)] for t in range(5)], num_envs=1)  # step 4: life lost
    memory.mark_episode_end()  # e.g. resumed from a checkpoint: the games in progress are gone
    for t in range(5, 8):
        memory.add(make_frame(t), 0, 0.0, False, False)
    batch = memory.sample(2000)
    stacks = {decode(s)[-1][0]: [x for x, _ in decode(s)] for s in batch.observations}
    assert stacks[5] == [5, 5, 5, 5] and stacks[6] == [5, 5, 5, 6]
    assert set(stacks) == {0, 1, 2, 3, 4, 5, 6}
    assert batch.terminals[[decode(s)[-1][0] == 4 for s in batch.observations]].min() == 1.0

    truncated, _ = fill(20, 4, [[(False, False)]] * 5)
    truncated.mark_episode_end()
    truncated.add(make_frame(5), 0, 0.0, False, False)
    assert {decode(s)[-1][0] for s in truncated.sample(1000).observations} == {0, 1, 2, 3}


def test_one_environment_accepts_a_leading_dimension_of_one():
    memory = ReplayMemory(20, frame_shape=SHAPE)
    for t in range(3):
        memory.add(make_frame(t)[None], np.array([1]), np.array([0.5]), np.array([False]), np.array([False]))
    assert decode(memory.sample(1).observations[0])[-1][0] in (0, 1)


def test_streams_of_several_environments_never_mix():
    # Env 0 resets at step 3, env 1 at step 5: each stack must follow its own env's episodes.
    flags = [[(t == 3, t == 3), (t == 5, t == 5)] for t in range(10)]
    memory, refs = fill(20, 4, flags, num_envs=2)
    batch = memory.sample(3000)
    sampled = check_batch(batch, refs, 4, 10, 10)
    assert {e for _, e in sampled} == {0, 1}
    stacks = {(decode(s)[-1][1], decode(s)[-1][0]): [x for x, _ in decode(s)] for s in batch.observations}
    assert stacks[(0, 5)] == [4, 4, 4, 5] and stacks[(1, 5)] == [2, 3, 4, 5]
    assert stacks[(1, 7)] == [6, 6, 6, 7] and stacks[(0, 7)] == [4, 5, 6, 7]


def test_atari_dtypes_and_shapes():
    memory = ReplayMemory(100, seed=0)
    for t in range(30):
        memory.add(make_frame(t, shape=(84, 84)), 3, 1.0, False, False)
    batch = memory.sample(32)
    assert isinstance(batch, Batch)
    assert batch.observations.shape == batch.next_observations.shape == (32, 4, 84, 84)
    assert batch.observations.dtype == batch.next_observations.dtype == np.uint8
    assert batch.actions.shape == batch.rewards.shape == batch.terminals.shape == (32,)
    assert batch.actions.dtype == np.int64 and batch.rewards.dtype == np.float32
    assert batch.terminals.dtype == np.float32
    assert memory.nbytes == ReplayMemory.bytes_needed(100) == 100 * (84 * 84 + 1 + 4 + 2)


def test_vector_observations_for_cartpole():
    memory = ReplayMemory(50, frame_shape=(4,), history_length=1, frame_dtype=np.float32, seed=0)
    for t in range(20):
        memory.add(np.full(4, t, dtype=np.float32), t % 2, 1.0, t == 9, t == 9)
    batch = memory.sample(500)
    assert batch.observations.shape == (500, 1, 4) and batch.observations.dtype == np.float32
    steps = batch.observations[:, 0, 0]
    live = batch.terminals == 0
    np.testing.assert_array_equal(batch.next_observations[live, 0, 0], steps[live] + 1)
    np.testing.assert_array_equal(batch.actions, steps.astype(np.int64) % 2)
    assert set(steps[~live]) == {9.0}
    assert set(steps) == set(np.arange(19, dtype=np.float32))


def test_state_dict_round_trip():
    flags = random_flags(57, 1, 5)
    for steps in (15, 57):  # before and after wrapping
        memory, _ = fill(30, 4, flags[:steps], seed=7)
        state = copy.deepcopy(memory.state_dict())  # as if written to disk and read back
        restored = ReplayMemory(30, frame_shape=SHAPE, seed=123)
        restored.load_state_dict(state)
        assert len(restored) == len(memory)
        for a, b in zip(memory.sample(64), restored.sample(64)):
            np.testing.assert_array_equal(a, b)
        for t in range(steps, steps + 20):  # both keep going identically
            for m in (memory, restored):
                m.add(make_frame(t), 1, 0.0, t % 11 == 0, t % 11 == 0)
        for a, b in zip(memory.sample(64), restored.sample(64)):
            np.testing.assert_array_equal(a, b)


def test_load_state_dict_rejects_other_settings():
    memory, _ = fill(30, 4, [[(False, False)]] * 5)
    with pytest.raises(UserError, match="capacity"):
        ReplayMemory(40, frame_shape=SHAPE).load_state_dict(memory.state_dict())
    with pytest.raises(UserError, match="not a replay memory state"):
        ReplayMemory(30, frame_shape=SHAPE).load_state_dict({"capacity": 30})


def test_bytes_needed_for_one_million_is_computed_without_allocating():
    tracemalloc.start()
    try:
        needed = ReplayMemory.bytes_needed(1_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000
    assert needed == 1_000_000 * 7063 <= 7.2e9
    assert ReplayMemory.bytes_needed(10, frame_shape=(4,), frame_dtype=np.float32) == 10 * (16 + 7)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"capacity": 0}, "capacity must be a positive integer"),
        ({"capacity": -5}, "capacity must be a positive integer"),
        ({"capacity": 10.5}, "capacity must be a positive integer"),
        ({"capacity": True}, "capacity must be a positive integer"),
        ({"capacity": 4}, "larger than history_length"),
        ({"capacity": 11, "num_envs": 2}, "divisible by num_envs"),
        ({"capacity": 10, "num_envs": 2, "history_length": 5}, "larger than history_length"),
        ({"capacity": 10, "history_length": 0}, "history_length must be a positive integer"),
        ({"capacity": 10, "frame_shape": (84, -1)}, "frame_shape"),
    ],
)
def test_bad_settings_raise_user_error(kwargs, message):
    with pytest.raises(UserError, match=message):
        ReplayMemory(**kwargs)


def test_bad_calls_raise_user_error():
    memory = ReplayMemory(20, frame_shape=SHAPE)
    with pytest.raises(UserError, match="cannot sample"):
        memory.sample(32)
    memory.add(make_frame(0), 0, 0.0, False, False)
    with pytest.raises(UserError, match="cannot sample"):
        memory.sample(32)  # the only step is the newest
    with pytest.raises(UserError, match="frame must have shape"):
        memory.add(np.zeros((84, 84), np.uint8), 0, 0.0, False, False)
    with pytest.raises(UserError, match="dtype"):
        memory.add(np.zeros(SHAPE, np.float32), 0, 0.0, False, False)
    for action in (-1, 256, 1.5):
        with pytest.raises(UserError, match="actions must be integers"):
            memory.add(make_frame(1), action, 0.0, False, False)
    memory.add(make_frame(1), 0, 0.0, False, False)
    for size in (0, -3):
        with pytest.raises(UserError, match="batch_size"):
            memory.sample(size)
    assert memory.sample(4).observations.shape == (4, 4, *SHAPE)

    only_truncations = ReplayMemory(20, frame_shape=SHAPE)
    for t in range(3):
        only_truncations.add(make_frame(t), 0, 0.0, False, True)
    with pytest.raises(UserError, match="no valid transition"):
        only_truncations.sample(8)

    two = ReplayMemory(20, frame_shape=SHAPE, num_envs=2)
    with pytest.raises(UserError, match="frame must have shape"):
        two.add(make_frame(0), 0, 0.0, False, False)
    with pytest.raises(UserError, match=r"action must have shape \(2,\)"):
        two.add(np.stack([make_frame(0)] * 2), [0, 1, 2], [0.0, 0.0], [False] * 2, [False] * 2)


# ---------------------------------------------------------------------- built on Chapter 5's functions
def test_the_memory_runs_the_functions_chapter_5_teaches(monkeypatch):
    """add -> add_transition per stream, sample -> is_valid_sample and stack_slots, bytes_needed ->
    memory_bytes, all looked up as module globals (where `train --impl` puts the learner's)."""
    calls = Counter()
    for name in ("memory_bytes", "add_transition", "stack_slots", "is_valid_sample"):
        original = getattr(replay_memory, name)

        def spy(*args, _original=original, _name=name, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(replay_memory, name, spy)
    assert ReplayMemory.bytes_needed(10) == 10 * 7063 and calls["memory_bytes"] == 1
    memory, refs = fill(30, 4, random_flags(40, 3, 1), num_envs=3)
    assert calls["add_transition"] == 40 * 3
    check_batch(memory.sample(32), refs, 4, 40, 10)
    assert calls["stack_slots"] == 2 * 32 and calls["is_valid_sample"] >= 32


def test_each_stream_is_a_storage_dict_of_views_into_the_memory():
    memory, _ = fill(30, 4, random_flags(25, 3, 2), num_envs=3)
    layout = replay_memory.empty_storage(10, SHAPE, np.uint8)
    for env, stream in enumerate(memory._streams):
        assert set(stream) == set(layout)
        for name, array in layout.items():
            if isinstance(array, np.ndarray):  # same dtypes and per-slot shapes as the exercise's storage
                assert stream[name].dtype == array.dtype and stream[name].shape == array.shape, name
                assert np.shares_memory(stream[name], getattr(memory, f"_{name}")), name
        np.testing.assert_array_equal(stream["frames"][(memory._cursor - 1) % 10], make_frame(24, env))
    assert memory._end_before_oldest.tolist() == [bool(memory.state_dict()["end_before_oldest"][e]) for e in range(3)]


def test_empty_storage_memory_bytes_and_the_memory_agree_on_every_byte():
    for capacity, shape, dtype in [
        (1, (84, 84), np.uint8),
        (1000, (84, 84), np.uint8),
        (50, (4,), np.float32),
        (7, (210, 160), np.uint8),
    ]:
        storage = replay_memory.empty_storage(capacity, shape, dtype)
        allocated = sum(a.nbytes for a in storage.values() if isinstance(a, np.ndarray))
        assert replay_memory.memory_bytes(capacity, shape, dtype) == allocated
        assert ReplayMemory.bytes_needed(capacity * 2, shape, dtype) == 2 * allocated
        assert allocated == capacity * (
            int(np.prod(shape)) * np.dtype(dtype).itemsize + replay_memory._EXTRA_BYTES_PER_TRANSITION
        )
    assert isinstance(replay_memory.memory_bytes(1_000_000), int)


def test_the_taught_functions_on_a_game_over_and_a_wrap():
    # capacity 6, game over at step 2, 9 steps: slots hold steps 6, 7, 8, 3, 4, 5; cursor 3 (step 3 oldest).
    storage = replay_memory.empty_storage(6, (1,))
    cursor, size = 0, 0
    for t in range(9):
        cursor, size = replay_memory.add_transition(storage, cursor, size, np.array([t]), t % 4, 1.0, t == 2, t == 2)
        assert (cursor, size) == ((t + 1) % 6, min(t + 1, 6))
    assert storage["end_before_oldest"] is True  # slot 3 held step 2, the game over, before step 3 came
    assert storage["frames"][:, 0].tolist() == [6, 7, 8, 3, 4, 5]
    stacks = {t: replay_memory.stack_slots(storage, t % 6, cursor, size).tolist() for t in range(3, 9)}
    steps = {t: [storage["frames"][s, 0] for s in slots] for t, slots in stacks.items()}
    assert steps == {
        3: [3, 3, 3, 3],
        4: [3, 3, 3, 4],
        5: [3, 3, 4, 5],
        6: [3, 4, 5, 6],
        7: [4, 5, 6, 7],
        8: [5, 6, 7, 8],
    }
    valid = [replay_memory.is_valid_sample(storage, t % 6, cursor, size) for t in range(3, 9)]
    assert valid == [True, True, True, True, True, False]  # the newest, step 8, is not
    storage["end_before_oldest"] = False  # had step 2 not ended the game, steps 3..5 would lack history
    assert [replay_memory.is_valid_sample(storage, t % 6, cursor, size) for t in range(3, 9)] == [
        False,
        False,
        False,
        True,
        True,
        False,
    ]


def test_seeds_draw_the_same_transitions_as_before_the_memory_was_built_on_the_exercises():
    """Figures from the vectorised implementation this memory replaced (now DeviceReplayMemory's)."""
    expected = {
        1: (
            [10, 1, 18, 20, 20, 23, 18, 10, 4, 19],
            [0] * 10,
            [7, 1, 18, 18, 18, 20, 18, 7, 4, 18],
            [11, 1, 18, 18, 18, 21, 18, 11, 4, 18],
        ),
        2: (
            [0, 1, 1, 2, 0, 11, 5, 1, 0, 5],
            [1, 1, 1, 1, 1, 0, 0, 0, 1, 0],
            [9, 1, 1, 1, 9, 8, 4, 1, 9, 4],
            [1, 1, 1, 1, 1, 9, 4, 1, 1, 4],
        ),
    }
    for num_envs, (slots, envs, first_of_obs, first_of_next) in expected.items():
        memory = ReplayMemory(24, frame_shape=(2,), history_length=4, num_envs=num_envs, seed=11)
        for t in range(31):
            terminal, end = t % 7 == 3, t % 7 == 3 or t % 11 == 5  # game overs and truncations
            frames = np.full((num_envs, 2), t, dtype=np.uint8)
            if num_envs == 1:
                memory.add(frames[0], t % 4, 0.0, terminal, end)
            else:
                memory.add(
                    frames,
                    np.full(num_envs, t % 4),
                    np.zeros(num_envs),
                    np.full(num_envs, terminal),
                    np.full(num_envs, end),
                )
        frame_index, slot, env = memory.sample_indices(10)
        assert slot.tolist() == slots and env.tolist() == envs
        assert frame_index[0, :, 0].tolist() == first_of_obs and frame_index[1, :, 0].tolist() == first_of_next
