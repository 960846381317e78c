"""Grader for Chapter 5 (replay memory): compares chapters/05_replay_memory/exercises.py with
dqn_tutorial.replay_memory (ReplayMemory and the functions of Chapter 5 it is built on).

Run it with `pytest -k ch05`; `pytest --impl=solutions -k ch05` grades the answers instead.

The memory under test is always filled by `ReplayMemory` itself, with frames that encode their agent
step in their pixels: a sampled stack can then be decoded into the exact steps (and slots) it was
rebuilt from. What the learner's functions must return comes from an independent model written here,
the agent's own view of the sequence of steps (`agent_stack`, `agent_may_sample`: each episode starts
with its first frame repeated, nothing before the oldest stored step exists), and the grader first
checks that what `ReplayMemory` really samples agrees with that model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from checks import assert_python_type
from dqn_tutorial.atari import make_atari_env
from dqn_tutorial.errors import UserError
from dqn_tutorial.replay_memory import ReplayMemory, empty_storage
from grading import assert_matches, assert_type, call, exercise, fail

SEED = 5
SHAPE = (3, 5)  # small frames that encode their step; the real 84x84 frames come from Breakout
KINDS = {"step": (False, False), "life lost": (True, False), "game over": (True, True), "truncated": (False, True)}


def make_frame(step: int, shape=SHAPE) -> np.ndarray:
    frame = np.full(shape, (step * 7) % 256, dtype=np.uint8)
    frame[0, 0], frame[0, 1] = step % 256, step // 256
    return frame


def decode(stack: np.ndarray) -> list[int]:
    """The agent steps of the frames of a stack (history, *SHAPE)."""
    return [int(frame[0, 0]) + 256 * int(frame[0, 1]) for frame in stack]


@pytest.fixture(scope="module")
def breakout_game():
    """300 agent steps of random play in real Breakout, with a 600-frame time limit (150 agent steps) so
    that the run holds all three kinds of events: lost lives, a truncation (step 138) and a game over
    (step 255). Per step: the newest frame of s_t, a_t, the clipped reward, terminal, episode_end."""
    env = make_atari_env("Breakout", seed=SEED, max_episode_frames=600)
    observation, _ = env.reset()
    rng = np.random.default_rng(SEED)
    steps = []
    for _ in range(300):
        action = int(rng.integers(env.action_space.n))
        next_observation, reward, terminated, truncated, info = env.step(action)
        terminal = bool(terminated or info.get("life_lost", False))
        steps.append(
            (np.array(observation[-1]), action, float(np.clip(reward, -1, 1)), terminal, bool(terminated or truncated))
        )
        observation = next_observation
        if terminated or truncated:
            observation, _ = env.reset()
    env.close()
    return steps


# ------------------------------------------------------------------------------------------------
# 5.1 memory_bytes
# ------------------------------------------------------------------------------------------------


def overflow_check(got, expected: int, inputs: str) -> None:
    """A count that wrapped around: computed in fixed-size integers (numpy's int32, uint8, ...) too small for it."""
    if not isinstance(got, (int, np.integer)) or isinstance(got, (bool, np.bool_)) or int(got) == expected:
        return
    value = int(got)
    for bits in (8, 16, 32, 64):
        fits = -(2 ** (bits - 1)) <= value < 2**bits  # a value such integers can hold (signed or not)
        if fits and expected >= 2 ** (bits - 1) and (value - expected) % 2**bits == 0:
            kind = f"numpy.{type(got).__name__}" if isinstance(got, np.integer) else f"{bits}-bit integers"
            fail(
                f"memory_bytes overflowed: {value:,} bytes{' (negative!)' if value < 0 else ''} is the right count "
                f"wrapped around modulo 2**{bits}",
                inputs=inputs,
                expected=f"{expected:,}",
                got=f"{value:,} ({type(got).__module__}.{type(got).__name__})",
                hint=f"part of the count was computed in {bits}-bit integers ({kind}), which hold at most "
                f"{2 ** (bits - 1) - 1:,} (signed) and silently wrap around past it: the size of a replay "
                "memory needs more; compute with Python ints, which never overflow",
            )


def memory_hint(got, capacity: int, shape, dtype) -> str:
    frame = int(np.prod(shape)) * np.dtype(dtype).itemsize
    if isinstance(got, (int, np.integer)) and got == capacity * frame:
        return "the frames alone: each transition also stores its action, its reward and its two flags"
    if isinstance(got, (int, np.integer)) and got == capacity * (4 * frame + 7):
        return (
            "one frame per transition, not a stack of history_length frames: the stacks are rebuilt from the "
            "frames of consecutive slots"
        )
    if isinstance(got, (int, np.integer)) and got % capacity == 0 and 0 < abs(got // capacity - frame - 7) < 16:
        return (
            f"{got // capacity - frame} bytes per transition besides the frame, where the storage has 7: check the "
            "size of each field in empty_storage (its dtypes), not numpy's default sizes"
        )
    return (
        "count the bytes of each array of empty_storage(capacity, frame_shape, frame_dtype), without creating "
        "them: the frames, the actions, the rewards and the two flags"
    )


@exercise("5.1", "Bytes of a replay memory")
def test_memory_bytes(ex):
    cases = [
        (1_000_000, (84, 84), np.uint8, "the papers' 1,000,000 transitions of 84x84 uint8 frames"),
        (1, (84, 84), np.uint8, "a single transition"),
        (400_000, (84, 84), np.uint8, "400,000 transitions"),
        (50_000, (84, 84), np.uint8, "the 50,000 transitions of the replay start"),
        (1_000_000, (84, 84), np.float32, "frames stored as float32 (4 bytes per pixel)"),
        (1_000_000, (210, 160), np.uint8, "raw 210x160 grayscale screens"),
        (100_000, (4,), np.float32, "CartPole: a vector of 4 float32 numbers per state"),
    ]
    rng = np.random.default_rng(SEED)
    for _ in range(8):
        cases.append((int(rng.integers(1, 2_000_000)), (84, 84), np.uint8, "a random capacity"))
    for capacity, shape, dtype, why in cases:
        inputs = f"capacity={capacity:,}, frame_shape={shape}, frame_dtype={np.dtype(dtype).name} ({why})"
        expected = ReplayMemory.bytes_needed(capacity, shape, dtype)
        # setup check, written out: the frame, a uint8 action, a float32 reward, two bool flags
        assert expected == capacity * (int(np.prod(shape)) * np.dtype(dtype).itemsize + 1 + 4 + 1 + 1)
        got = call(ex, "memory_bytes", capacity, shape, dtype, inputs=inputs)
        overflow_check(got, expected, inputs)
        assert_python_type(
            "memory_bytes",
            got,
            int,
            inputs=inputs,
            hint="numpy's prod and sum return numpy integers, of a fixed size: compute with Python "
            "ints (int(...) around what numpy gives), which never overflow",
        )
        assert_matches(got, expected, what="memory_bytes", inputs=inputs, hint=memory_hint(got, capacity, shape, dtype))


# ------------------------------------------------------------------------------------------------
# Layouts: sequences of steps with lost lives, game overs and truncations, in memories of every kind
# ------------------------------------------------------------------------------------------------


@dataclass
class Layout:
    capacity: int
    history: int
    flags: list  # per step: (terminal, episode_end)
    why: str


def random_flags(rng: np.random.Generator, steps: int) -> list:
    kinds = rng.choice(4, size=steps, p=[0.8, 0.08, 0.06, 0.06])
    table = list(KINDS.values())
    return [table[int(kind)] for kind in kinds]


def layouts(breakout_game) -> list[Layout]:
    at = lambda steps, kind, length: [KINDS[kind] if t in steps else KINDS["step"] for t in range(length)]  # noqa: E731
    cases = [
        Layout(20, 4, at({2}, "game over", 10), "game over at step 2, not full yet"),
        Layout(20, 4, at({3}, "life lost", 12), "life lost at step 3 (the game goes on), not full yet"),
        Layout(
            20,
            4,
            [KINDS["life lost"] if t == 3 else KINDS["game over"] if t == 6 else KINDS["step"] for t in range(12)],
            "life lost at step 3, game over at step 6",
        ),
        Layout(20, 4, at({4}, "truncated", 9), "truncated by the time limit at step 4"),
        Layout(12, 4, at({5}, "game over", 12), "exactly full (12 of 12 slots written), game over at step 5"),
        Layout(20, 4, at(set(), "step", 53), "wrapped around (53 steps in 20 slots), no episode end"),
        Layout(
            20,
            4,
            at({32}, "game over", 53),
            "wrapped around; the episode ended at step 32, whose slot is overwritten: step 33, the oldest "
            "stored, starts an episode",
        ),
        Layout(20, 4, at({34}, "game over", 53), "wrapped around; game over at step 34, the second oldest"),
        Layout(20, 4, at({51}, "game over", 53), "wrapped around; game over at step 51, just before the newest"),
        Layout(20, 4, at({32}, "truncated", 53), "wrapped around; truncation at step 32 (overwritten)"),
        Layout(10, 4, at({2, 3, 4}, "game over", 6), "three one-step episodes in a row"),
    ]
    rng = np.random.default_rng(SEED)
    for capacity, history, steps in [
        (8, 4, 30),
        (12, 4, 12),
        (16, 4, 9),
        (20, 4, 77),
        (40, 4, 137),
        (40, 4, 25),
        (30, 2, 95),
        (30, 1, 41),
        (9, 5, 31),
        (25, 3, 101),
    ]:
        cases.append(
            Layout(
                capacity,
                history,
                random_flags(rng, steps),
                f"random lost lives, game overs and truncations, {steps} steps",
            )
        )
    real = [(terminal, end) for _, _, _, terminal, end in breakout_game]
    cases.append(Layout(40, 4, real[:150], "real Breakout flags, steps 0-149 (lost lives, a truncation at 138)"))
    cases.append(Layout(40, 4, real, "real Breakout flags, 300 steps (lost lives, a truncation, a game over)"))
    return cases


def filled_memory(layout: Layout) -> ReplayMemory:
    memory = ReplayMemory(layout.capacity, frame_shape=SHAPE, history_length=layout.history, seed=SEED)
    for t, (terminal, episode_end) in enumerate(layout.flags):
        memory.add(make_frame(t), t % 4, float((t % 3) - 1), terminal, episode_end)
    return memory


def storage_of(memory: ReplayMemory) -> tuple[dict, int, int]:
    """The memory's arrays as the dict of `empty_storage` (one environment), with its cursor and size."""
    state = memory.state_dict()
    capacity, size = memory.capacity, len(memory)
    storage = empty_storage(capacity, SHAPE, np.uint8)
    storage["end_before_oldest"] = bool(state["end_before_oldest"][0])
    for name in ("frames", "actions", "rewards", "terminals", "episode_ends"):
        storage[name][:size] = np.asarray(state[name][:, 0])  # the state holds tensors (see ReplayMemory.state_dict)
    return storage, state["steps"] % capacity, size


def copy_of(storage: dict) -> dict:
    return {name: value.copy() if isinstance(value, np.ndarray) else value for name, value in storage.items()}


def check_storage_unchanged(function: str, storage: dict, given: dict, inputs: str) -> None:
    """`given` (a copy of `storage` handed to the learner's function) must be as it was: the function only reads."""
    problems = []
    if set(given) != set(storage):
        problems.append(f"keys {sorted(storage)} became {sorted(given)}")
    for name, value in storage.items():
        now = given.get(name)
        if isinstance(value, np.ndarray):
            if not isinstance(now, np.ndarray) or now.shape != value.shape or now.dtype != value.dtype:
                problems.append(
                    f"storage[{name!r}] was replaced by {type(now).__name__}"
                    f"{'' if not isinstance(now, np.ndarray) else f' {now.dtype} {now.shape}'}"
                )
            elif not np.array_equal(now, value):
                changed = np.flatnonzero((now != value).reshape(len(value), -1).any(axis=1)).tolist()
                problems.append(f"storage[{name!r}] changed at slots {changed[:8]}{' ...' if len(changed) > 8 else ''}")
        elif now != value:
            problems.append(f"storage[{name!r}] changed from {value!r} to {now!r}")
    if problems:
        fail(
            f"{function} wrote into the storage it was given",
            inputs=inputs,
            details="; ".join(problems),
            hint="this function only reads the memory: ReplayMemory.sample calls it on the live storage, so a "
            "change here (a mark, a rotation of the ring, a flag set to stop a loop) alters every later "
            "sample; work on local variables (or copies) instead",
        )


def describe_memory(layout: Layout, storage: dict, cursor: int, size: int) -> str:
    capacity = layout.capacity
    oldest = cursor if size == capacity else 0
    ends = np.flatnonzero(storage["episode_ends"][:size] & storage["terminals"][:size]).tolist()
    lives = np.flatnonzero(~storage["episode_ends"][:size] & storage["terminals"][:size]).tolist()
    cuts = np.flatnonzero(storage["episode_ends"][:size] & ~storage["terminals"][:size]).tolist()
    return (
        f"{layout.why}; capacity={capacity}, history_length={layout.history}, cursor={cursor}, size={size} "
        f"(oldest slot {oldest}, newest slot {(cursor - 1) % capacity}); slots with a game over {ends}, a "
        f"lost life {lives}, a truncation {cuts}; end_before_oldest={storage['end_before_oldest']}"
    )


def sampled_steps(memory: ReplayMemory, draws: int = 4000) -> dict[int, tuple[list[int], list[int]]]:
    """step k -> (steps of the observation at k, steps of the next observation), for every k sampled."""
    try:
        batch = memory.sample(draws)
    except UserError:  # nothing valid to sample
        return {}
    found = {}
    for observation, next_observation in zip(batch.observations, batch.next_observations):
        steps = decode(observation)
        found[steps[-1]] = (steps, decode(next_observation))
    return found


def episode_starts(flags: list) -> list[int]:
    """Per step t: the step its episode began at, the one after the last episode end before t (or 0)."""
    starts, start = [], 0
    for t, (_, episode_end) in enumerate(flags):
        starts.append(start)
        if episode_end:
            start = t + 1
    return starts


def agent_stack(starts: list[int], k: int, oldest: int, history: int) -> list[int]:
    """The steps of the frames of the observation at step k, oldest first: what the agent's frame stack
    showed (the episode's first frame repeated at its start), except that nothing before `oldest` is
    stored any more, so the oldest stored step stands in for older ones."""
    first = max(starts[k], oldest)
    return [max(first, k - back) for back in range(history - 1, -1, -1)]


def agent_may_sample(flags: list, starts: list[int], k: int, oldest: int, history: int) -> bool:
    """Step k may be sampled: stored, its next step stored, not a truncation, and its whole stack, as the
    agent saw it, still stored."""
    terminal, episode_end = flags[k]
    newest = len(flags) - 1
    return oldest <= k < newest and not (episode_end and not terminal) and max(starts[k], k - history + 1) >= oldest


def check_the_reference(layout: Layout, memory: ReplayMemory) -> None:
    """Setup check: ReplayMemory samples exactly the steps of the model, with exactly its stacks."""
    starts = episode_starts(layout.flags)
    oldest = max(0, len(layout.flags) - layout.capacity)
    sampled = sampled_steps(memory)
    may = {k for k in range(len(layout.flags)) if agent_may_sample(layout.flags, starts, k, oldest, layout.history)}
    assert set(sampled) == may, f"{layout.why}: ReplayMemory samples {sorted(sampled)}, the model {sorted(may)}"
    for k, (observation, next_observation) in sampled.items():
        assert observation == agent_stack(starts, k, oldest, layout.history), (layout.why, k, observation)
        assert next_observation == agent_stack(starts, k + 1, oldest, layout.history), (layout.why, k)


# ------------------------------------------------------------------------------------------------
# 5.2 add_transition
# ------------------------------------------------------------------------------------------------


def fresh_storage(capacity: int, shape) -> dict:
    """The reference's empty_storage, with a recognisable value (99) in every slot not written yet."""
    storage = empty_storage(capacity, shape, np.uint8)
    for name in ("frames", "actions", "rewards"):
        storage[name][...] = 99
    return storage


def add_transition_runs(breakout_game):
    """(capacity, shape, steps, why) with steps = [(frame, action, reward, terminal, episode_end)]."""
    runs = []
    flags = [KINDS["game over"] if t == 4 else KINDS["life lost"] if t == 7 else KINDS["step"] for t in range(13)]
    runs.append(
        (
            5,
            SHAPE,
            [(make_frame(t), t % 4, float((t % 3) - 1), *flags[t]) for t in range(13)],
            "capacity 5, 13 steps (wraps twice), game over at step 4, lost life at step 7",
        )
    )
    rng = np.random.default_rng(SEED)
    for capacity, length in [(2, 9), (7, 30), (16, 40)]:
        flags = random_flags(rng, length)
        runs.append(
            (
                capacity,
                SHAPE,
                [
                    (make_frame(t), int(rng.integers(18)), float(rng.choice([-1.0, 0.0, 1.0])), *flags[t])
                    for t in range(length)
                ],
                f"capacity {capacity}, {length} steps with random flags and 18 actions",
            )
        )
    runs.append((50, (84, 84), breakout_game, "real Breakout frames (84x84 uint8), capacity 50, 300 steps"))
    return runs


@exercise("5.2", "Add a transition to a circular buffer")
def test_add_transition(ex, breakout_game):
    for capacity, shape, steps, why in add_transition_runs(breakout_game):
        # (how the memory is written does not depend on the history length; a memory needs capacity > it)
        memory = ReplayMemory(capacity, frame_shape=shape, history_length=min(4, capacity - 1), seed=SEED)
        storage = fresh_storage(capacity, shape)
        arrays = {name: value for name, value in storage.items() if isinstance(value, np.ndarray)}
        cursor, size = 0, 0
        for t, (frame, action, reward, terminal, episode_end) in enumerate(steps):
            memory.add(frame, action, reward, terminal, episode_end)
            state = memory.state_dict()
            expected_cursor, expected_size = int(state["steps"] % capacity), len(memory)
            full = " (the memory is full: this overwrites the oldest slot)" if size == capacity else ""
            inputs = (
                f"{why}; step {t}: cursor={cursor}, size={size}{full}, action={action}, reward={reward}, "
                f"terminal={terminal}, episode_end={episode_end}"
            )
            given = frame.copy()
            got = call(
                ex, "add_transition", storage, cursor, size, given, action, reward, terminal, episode_end, inputs=inputs
            )
            if not np.array_equal(given, frame):
                fail(
                    "add_transition changed the frame it was given",
                    inputs=inputs,
                    details=f"{int((given != frame).sum())} of {frame.size} pixels of the caller's frame changed",
                    hint="the frame is only read: copy its pixels into storage (the caller still uses its frame, "
                    "the newest of its frame stack)",
                )
            assert_matches(
                got,
                (expected_cursor, expected_size),
                what="(cursor, size) returned by add_transition",
                inputs=inputs,
                hint="the cursor moves one slot on and goes back to 0 after the last slot, capacity - 1; "
                "size counts the transitions stored, and stops growing at capacity",
            )
            for position, name in enumerate(("cursor", "size")):
                assert_python_type(
                    "add_transition",
                    got[position],
                    int,
                    what=f"the new {name}",
                    inputs=inputs,
                    hint="numpy's functions (np.mod, np.minimum, ...) return numpy integers: compute "
                    "the new cursor and size with Python ints (%, min)",
                )
            for name, array in arrays.items():
                if storage.get(name) is not array:
                    fail(
                        f"add_transition replaced storage[{name!r}] instead of writing into it",
                        inputs=inputs,
                        expected="the same preallocated array, modified in place",
                        got="another object",
                        hint="assign into the array at one index (storage[name][cursor] = ...); allocating new "
                        "arrays at every step would defeat the point of preallocating 7 GB once",
                    )
                assert_matches(
                    array[:expected_size],
                    np.asarray(state[name][:, 0]),
                    what=f"storage[{name!r}] (the written slots)",
                    inputs=inputs,
                    hint="write each value at index `cursor` (the slot given, before moving it on), and "
                    "leave the other slots alone",
                )
                untouched = fresh_storage(capacity, shape)[name][expected_size:]
                assert_matches(
                    array[expected_size:],
                    untouched,
                    what=f"storage[{name!r}] (the slots not written yet)",
                    inputs=inputs,
                    hint="write only slot `cursor`: the later slots are not filled yet",
                )
            assert_type(
                storage.get("end_before_oldest"),
                (bool, np.bool_),
                what='storage["end_before_oldest"]',
                inputs=inputs,
                hint="store a bool, e.g. bool(storage['episode_ends'][cursor])",
            )
            assert_matches(
                storage["end_before_oldest"],
                bool(state["end_before_oldest"][0]),
                what='storage["end_before_oldest"]',
                inputs=inputs,
                hint="end_before_oldest is the episode_end flag of the transition just before the "
                "oldest one still stored: True while nothing has been overwritten, and from then on "
                "the flag of the transition overwritten last (it tells whether the new oldest slot "
                "starts an episode)",
            )
            cursor, size = expected_cursor, expected_size


# ------------------------------------------------------------------------------------------------
# 5.3 stack_slots
# ------------------------------------------------------------------------------------------------

WALK_HINT = (
    "walk back from `index` one slot at a time, around the ring ((slot - 1) % capacity), and stop "
    "(repeat the first slot collected) only at an episode end or at the oldest stored slot"
)


def stack_hint(got, expected: np.ndarray, storage: dict, cursor: int, size: int) -> str:
    """Names the rule behind the first slot, walking back from `index`, where the answer goes wrong."""
    capacity = len(storage["episode_ends"])
    oldest = cursor if size == capacity else 0
    try:
        got = np.asarray(got)
    except Exception:  # noqa: BLE001 - any answer that is no array gets the general hint
        return WALK_HINT
    if got.shape != expected.shape or got.dtype.kind not in "iu":
        return f"return a numpy array of {len(expected)} (history_length) integer slot numbers, oldest first"
    if np.array_equal(got[::-1], expected):
        return "the slots go oldest first: index itself is the LAST entry"
    if np.array_equal(got % capacity, expected):
        return (
            "slot numbers lie in 0..capacity-1: the slot before slot 0 is capacity - 1, i.e. step back with "
            "(slot - 1) % capacity"
        )
    if got[-1] != expected[-1]:
        return "the last entry is slot `index` itself, the newest frame of the observation"
    wrong = int(np.flatnonzero(got != expected).max())  # the later entries are right
    first = int(expected[wrong + 1])  # the first (oldest) slot collected so far
    previous = (first - 1) % capacity
    if expected[wrong] == first and got[wrong] == previous:
        reasons = []
        if storage["episode_ends"][previous]:
            reasons.append(
                f"slot {previous}, the slot before slot {first}, ended an episode (episode_ends True): "
                f"slot {first} is the first frame of a game, so repeat it instead of reaching into the "
                "previous game"
            )
        if first == oldest:
            reasons.append(
                f"slot {first} is the oldest stored slot (slot 0 until the memory is full, then "
                "`cursor`): what came before it is overwritten or was never written, so repeat it "
                "instead of stepping back"
            )
        return "; and ".join(reasons) or WALK_HINT
    if expected[wrong] == previous and got[wrong] == first:
        lost_life = "; it is terminal, a lost life, but the game went on" if storage["terminals"][previous] else ""
        return (
            f"you repeated slot {first}, but the slot before it, {previous}, did not end an episode "
            f"(episode_ends False{lost_life}) and slot {first} is not the oldest stored slot (that is slot "
            f"{oldest}: slot 0 until the memory is full, then `cursor`): step back to slot {previous}"
        )
    return WALK_HINT


@exercise("5.3", "Slots of a stacked observation")
def test_stack_slots(ex, breakout_game):
    for layout in layouts(breakout_game):
        memory = filled_memory(layout)
        check_the_reference(layout, memory)
        storage, cursor, size = storage_of(memory)
        starts = episode_starts(layout.flags)
        written = len(layout.flags)
        oldest = max(0, written - layout.capacity)
        for k in range(oldest, written):  # every stored step, oldest first
            index = k % layout.capacity
            expected = np.array(
                [s % layout.capacity for s in agent_stack(starts, k, oldest, layout.history)], dtype=np.int64
            )
            if agent_may_sample(layout.flags, starts, k, oldest, layout.history):
                role = "a transition ReplayMemory samples"
            elif k > 0 and agent_may_sample(layout.flags, starts, k - 1, oldest, layout.history):
                role = "the next observation of a transition ReplayMemory samples"
            else:
                role = "a slot that is not sampled; its stack still never steps back from the oldest slot"
            inputs = f"index={index} (step {k}: {role}), {describe_memory(layout, storage, cursor, size)}"
            given = copy_of(storage)
            got = call(ex, "stack_slots", given, index, cursor, size, layout.history, inputs=inputs)
            check_storage_unchanged("stack_slots", storage, given, inputs)
            assert_matches(
                got,
                expected,
                what="stack_slots",
                inputs=inputs,
                check_dtype="kind",
                hint=stack_hint(got, expected, storage, cursor, size),
            )


# ------------------------------------------------------------------------------------------------
# 5.4 is_valid_sample
# ------------------------------------------------------------------------------------------------


def validity_hint(storage: dict, index: int, cursor: int, size: int, history: int, expected: bool) -> str:
    capacity = len(storage["episode_ends"])
    oldest = cursor if size == capacity else 0
    age = (index - oldest) % capacity
    if not expected:
        if age >= size:
            return "this slot was never written"
        if age == size - 1:
            return "this is the newest slot: the next observation of its transition has not been stored yet"
        if storage["episode_ends"][index] and not storage["terminals"][index]:
            return (
                "this transition was truncated (episode end without terminal): its target would bootstrap from "
                "a next observation that was never stored"
            )
        return (
            f"slot {index} is among the history_length-1 oldest slots and no episode began inside its window "
            "(end_before_oldest is False, no episode end from the oldest slot up to index-1): its stack would "
            "need frames that are overwritten"
        )
    reasons = []
    if storage["terminals"][index]:
        reasons.append(
            "a terminal transition (lost life or game over) is valid: its target does not bootstrap, "
            "so it needs no next observation; only truncations (episode end without terminal) are excluded"
        )
    if age < history - 1:
        ends = [(oldest + a) % capacity for a in range(age) if storage["episode_ends"][(oldest + a) % capacity]]
        if ends:
            began = f"slot {ends[-1]}, between the oldest slot and index-1, ended an episode"
        elif size < capacity:
            began = "end_before_oldest is True: nothing is overwritten yet, and storage begins with a game"
        else:
            began = "end_before_oldest is True: the overwritten slot before the oldest one ended an episode"
        reasons.append(
            f"slot {index} is among the history_length-1 oldest slots, but an episode began inside its "
            f"window ({began}): its stack is padded and complete, so it is valid"
        )
    elif not reasons:
        reasons.append(
            f"slot {index} is {age} slots after the oldest one, so all history_length={history} slots "
            "of its window are stored: only the history_length-1 oldest slots can lack history"
        )
    return "; and ".join(reasons)


@exercise("5.4", "Which transitions can be sampled")
def test_is_valid_sample(ex, breakout_game):
    cases = layouts(breakout_game)
    cases += [
        Layout(10, 4, [KINDS["step"]], "a single transition stored"),
        Layout(10, 4, [KINDS["step"]] * 2, "two transitions stored"),
        Layout(10, 4, [KINDS["truncated"]] * 3, "three truncated one-step episodes"),
    ]
    for layout in cases:
        memory = filled_memory(layout)
        check_the_reference(layout, memory)
        storage, cursor, size = storage_of(memory)
        starts = episode_starts(layout.flags)
        written = len(layout.flags)
        oldest = max(0, written - layout.capacity)
        expected = np.zeros(layout.capacity, dtype=bool)  # slots never written stay False
        for k in range(oldest, written):
            expected[k % layout.capacity] = agent_may_sample(layout.flags, starts, k, oldest, layout.history)
        got = []
        for index in range(layout.capacity):
            inputs = f"index={index}, {describe_memory(layout, storage, cursor, size)}"
            given = copy_of(storage)
            answer = call(ex, "is_valid_sample", given, index, cursor, size, layout.history, inputs=inputs)
            check_storage_unchanged("is_valid_sample", storage, given, inputs)
            assert_python_type(
                "is_valid_sample",
                answer,
                bool,
                inputs=inputs,
                hint="return True or False, a Python bool: an element of a numpy bool array, or "
                "np.any/np.all, is a numpy.bool_ (convert with bool(...))",
            )
            got.append(answer)
        got = np.array(got)
        if not np.array_equal(got, expected):
            index = int(np.flatnonzero(got != expected)[0])
            wrong = np.flatnonzero(got != expected).tolist()
            fail(
                f"is_valid_sample: slot {index} is {'valid' if expected[index] else 'NOT valid'}, you returned "
                f"{bool(got[index])}",
                inputs=describe_memory(layout, storage, cursor, size),
                expected=f"valid slots {np.flatnonzero(expected).tolist()}",
                got=f"valid slots {np.flatnonzero(got).tolist()} (wrong at slots {wrong})",
                hint=validity_hint(storage, index, cursor, size, layout.history, bool(expected[index])),
            )
