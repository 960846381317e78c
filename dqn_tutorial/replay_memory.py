"""Replay memory (Chapter 5): a circular buffer that stores each frame once and rebuilds stacks on demand.

Why a replay memory at all: consecutive agent steps are strongly correlated, so learning from them in
order is unstable. Mnih et al. keep the last 1,000,000 transitions and train on random minibatches of 32
drawn from them, which breaks the correlation and reuses every transition many times.

Why store frames once: an observation is a stack of the last 4 frames (84x84 each), and the next
observation shares 3 of those 4 frames. Storing whole stacks costs 4 * 84 * 84 = 28,224 bytes per
transition, about 28 GB at 1M (CleanRL), and twice that, 56 GB, when the next observation is stored
beside it. Here each agent step writes one slot: the newest frame of the observation the action was
taken in, the action, the (already clipped) reward and two flags. That is 7,063 bytes per transition,
about 7.06 GB at 1M (DeepMind's code and Dopamine do the same), and the stacks are rebuilt from
neighbouring slots when a minibatch is sampled.

Two flags, because "stop bootstrapping" and "the environment was reset" are different events:
- `terminal`: the TD target must not bootstrap from the next state (game over, and in training also a
  lost life, as in DeepMind's code).
- `episode_end`: the environment was reset after this step (game over or a time-limit truncation). A
  stack never reaches back across an episode end; like the agent's own frame stack, it repeats the first
  frame of the episode instead. A truncated step (episode_end without terminal) is never sampled: its
  next observation was never stored, and a target for it would need one.

The four functions of Chapter 5's exercises are defined here, with the same names and signatures, and
`ReplayMemory` is built on them: one storage dict per emulator stream (the arrays of `empty_storage`),
written with `add_transition` (Exercise 5.2), sampled with `is_valid_sample` (5.4) and `stack_slots`
(5.3); `bytes_needed` is `memory_bytes` (5.1). The fast engine's `DeviceReplayMemory` replaces the
last three by vectorised equivalents (a Python call per emulator and per sample is too slow next to a
GPU update) and is tested against them (tests/reference/test_fast_replay_memory.py).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch

from dqn_tutorial.errors import UserError

# One byte is enough for Atari's 18 actions (and CartPole's 2); a bigger action space needs a wider type.
ACTION_DTYPE = np.uint8
REWARD_DTYPE = np.float32
# action + reward + terminal flag + episode-end flag
_EXTRA_BYTES_PER_TRANSITION = np.dtype(ACTION_DTYPE).itemsize + np.dtype(REWARD_DTYPE).itemsize + 1 + 1


class Batch(NamedTuple):
    """A minibatch of transitions, all numpy arrays with batch size B first."""

    observations: np.ndarray  # (B, history, *frame_shape), frame dtype
    actions: np.ndarray  # (B,) int64
    rewards: np.ndarray  # (B,) float32
    next_observations: np.ndarray  # (B, history, *frame_shape), frame dtype
    terminals: np.ndarray  # (B,) float32, 1.0 = do not bootstrap from next_observations


# ---------------------------------------------------------------------- Chapter 5's functions
def empty_storage(capacity: int, frame_shape=(84, 84), frame_dtype=np.uint8) -> dict:
    """The arrays of a replay memory of `capacity` transitions, one slot per transition (Chapter 5).

    Slot i holds the newest frame of the observation in which action i was taken, the action, the
    clipped reward and the two flags. `end_before_oldest` is the episode_end flag of the transition
    just before the oldest stored one (kept by `add_transition`); before anything is overwritten,
    storage begins an episode, so it starts True. `ReplayMemory` keeps one such dict per emulator,
    made of views into its (slots, num_envs, ...) arrays of the same dtypes.
    """
    return {
        "frames": np.zeros((capacity, *frame_shape), dtype=frame_dtype),
        "actions": np.zeros(capacity, dtype=ACTION_DTYPE),
        "rewards": np.zeros(capacity, dtype=REWARD_DTYPE),
        "terminals": np.zeros(capacity, dtype=bool),
        "episode_ends": np.zeros(capacity, dtype=bool),
        "end_before_oldest": True,
    }


def memory_bytes(capacity: int, frame_shape=(84, 84), frame_dtype=np.uint8) -> int:
    """Bytes of a replay memory of `capacity` transitions, one frame per transition, without allocating it.

    Chapter 5, Exercise 5.1. Why one frame: consecutive observations share 3 of their 4 frames, so a
    stack per transition would cost 4 times the frames (28 GB at 1M instead of 7.06 GB). Per transition:
    the frame, a uint8 action, a float32 reward and two bool flags (the arrays of `empty_storage`).
    """
    frame_bytes = int(np.prod(frame_shape)) * np.dtype(frame_dtype).itemsize
    return capacity * (frame_bytes + np.dtype(ACTION_DTYPE).itemsize + np.dtype(REWARD_DTYPE).itemsize + 1 + 1)


def add_transition(
    storage: dict,
    cursor: int,
    size: int,
    frame: np.ndarray,
    action: int,
    reward: float,
    terminal: bool,
    episode_end: bool,
) -> tuple[int, int]:
    """Write one transition at slot `cursor` of a circular buffer; return (cursor, size) after it.

    Chapter 5, Exercise 5.2. Why a ring: the arrays are allocated once and the newest transition
    overwrites the oldest, with no data moved. Why keep one flag: the overwritten slot's episode_end
    decides whether the new oldest slot starts an episode (see `is_valid_sample`), so it goes into
    storage["end_before_oldest"] before the slot is overwritten.
    """
    capacity = len(storage["frames"])
    if size == capacity:
        storage["end_before_oldest"] = bool(storage["episode_ends"][cursor])
    storage["frames"][cursor] = frame
    storage["actions"][cursor] = action
    storage["rewards"][cursor] = reward
    storage["terminals"][cursor] = terminal
    storage["episode_ends"][cursor] = episode_end
    return (cursor + 1) % capacity, min(size + 1, capacity)


def stack_slots(storage: dict, index: int, cursor: int, size: int, history_length: int = 4) -> np.ndarray:
    """The slots whose frames form the observation at slot `index`, oldest first: (history_length,) ints.

    Chapter 5, Exercise 5.3. Why: each slot stores one frame, so a stack is rebuilt from the slots
    before `index`, exactly as the agent's frame stack showed it: never reaching into another episode
    (past a slot with episode_ends, the first frame of the episode repeats, as at the start of a game)
    nor back from the oldest stored slot (what came before it is overwritten or was never written).
    """
    capacity = len(storage["episode_ends"])
    oldest = cursor if size == capacity else 0
    slots = [index]
    for _ in range(history_length - 1):
        first = slots[0]
        previous = (first - 1) % capacity
        if first == oldest or storage["episode_ends"][previous]:
            slots.insert(0, first)  # the episode starts at `first` (or nothing older is stored)
        else:
            slots.insert(0, previous)
    return np.array(slots)


def is_valid_sample(storage: dict, index: int, cursor: int, size: int, history_length: int = 4) -> bool:
    """Whether the transition at slot `index` may be sampled.

    Chapter 5, Exercise 5.4. Why some may not: the newest slot (and an unwritten one) has no next
    observation stored yet; a truncation (episode_end without terminal) needs a next observation for
    its target that was never stored; and one of the history_length-1 oldest slots would need
    overwritten frames, unless an episode began inside its window (end_before_oldest, or an episode
    end from the oldest slot up to index-1). Terminal transitions are valid: their target needs no s'.
    """
    capacity = len(storage["episode_ends"])
    oldest = cursor if size == capacity else 0
    age = (index - oldest) % capacity  # 0 for the oldest slot, size - 1 for the newest
    if age >= size - 1:
        return False  # never written, or the newest slot
    if storage["episode_ends"][index] and not storage["terminals"][index]:
        return False  # truncated
    if age < history_length - 1:  # the window reaches back past the oldest slot
        ends = [storage["episode_ends"][(oldest + a) % capacity] for a in range(age)]
        return bool(storage["end_before_oldest"] or any(ends))
    return True


# ---------------------------------------------------------------------- checks of settings
def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise UserError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _is_float(dtype) -> bool:
    """For numpy and torch dtypes alike."""
    if hasattr(dtype, "is_floating_point"):
        return bool(dtype.is_floating_point)
    return np.dtype(dtype).kind == "f"


def _frame_shape(frame_shape) -> tuple[int, ...]:
    if isinstance(frame_shape, (int, np.integer)):
        frame_shape = (frame_shape,)
    try:
        shape = tuple(int(n) for n in frame_shape)
    except (TypeError, ValueError):
        raise UserError(f"frame_shape must be a tuple of positive integers, got {frame_shape!r}") from None
    if not shape or any(n <= 0 for n in shape):
        raise UserError(f"frame_shape must be a tuple of positive integers, got {frame_shape!r}")
    return shape


class ReplayMemory:
    """The last `capacity` transitions, one frame per transition, sampled uniformly as stacks.

    Built on Chapter 5's functions. Slot i holds the newest frame of the observation in which action i
    was taken. The observation at slot i is the frames at slots i-history+1 .. i (oldest first,
    `stack_slots`) and its next observation is the one at slot i+1. With `num_envs` > 1 (parallel
    emulators) every `add` brings one transition per environment; each environment is its own stream
    of capacity // num_envs slots, a storage dict of `empty_storage`'s layout whose arrays are views
    into the memory's (slots, num_envs, ...) arrays (one array per field, as checkpoints store them).
    """

    def __init__(
        self,
        capacity: int,
        frame_shape=(84, 84),
        history_length: int = 4,
        frame_dtype=np.uint8,
        num_envs: int = 1,
        seed: int | None = None,
    ):
        capacity = _positive_int(capacity, "capacity")
        history_length = _positive_int(history_length, "history_length")
        num_envs = _positive_int(num_envs, "num_envs")
        if capacity % num_envs:
            raise UserError(f"capacity ({capacity}) must be divisible by num_envs ({num_envs})")
        if capacity // num_envs <= history_length:
            raise UserError(
                f"capacity per environment ({capacity // num_envs}) must be larger than "
                f"history_length ({history_length})"
            )
        self.capacity = capacity
        self.frame_shape = _frame_shape(frame_shape)
        self.history_length = history_length
        self.frame_dtype = np.dtype(frame_dtype)
        self.num_envs = num_envs
        self._slots = capacity // num_envs  # slots per environment
        self._rng = np.random.default_rng(seed)

        # np.empty/np.zeros reserve address space only: the OS commits a page when it is first written,
        # so a fresh 1M memory costs almost nothing until it fills up.
        slots, envs = self._slots, num_envs
        self._frames = self._allocate_frames(slots, envs)
        self._actions = np.zeros((slots, envs), dtype=ACTION_DTYPE)
        self._rewards = np.zeros((slots, envs), dtype=REWARD_DTYPE)
        self._terminals = np.zeros((slots, envs), dtype=bool)
        self._episode_ends = np.zeros((slots, envs), dtype=bool)
        # One storage dict per environment, as `empty_storage` makes them, of views made once: the
        # functions of Chapter 5 read and write them. end_before_oldest lives in these dicts.
        self._streams = [
            {
                "frames": self._frames[:, env],
                "actions": self._actions[:, env],
                "rewards": self._rewards[:, env],
                "terminals": self._terminals[:, env],
                "episode_ends": self._episode_ends[:, env],
                "end_before_oldest": True,
            }
            for env in range(envs)
        ]
        # The ring's cursor and size, shared by all streams (each add writes one step to every stream),
        # and the agent steps written per environment so far (the sampler draws these logical steps).
        self._cursor, self._size, self._steps = 0, 0, 0
        self._action_limit = np.iinfo(ACTION_DTYPE).max

    def _allocate_frames(self, slots: int, envs: int):
        """Frame storage, (slots, envs, *frame_shape); DeviceReplayMemory keeps it on a GPU instead."""
        return np.empty((slots, envs, *self.frame_shape), dtype=self.frame_dtype)

    @property
    def _end_before_oldest(self) -> np.ndarray:
        """Per environment: the episode_end flag of the slot before the oldest stored one (bool, (envs,))."""
        return np.array([stream["end_before_oldest"] for stream in self._streams], dtype=bool)

    # ------------------------------------------------------------------ sizes
    def __len__(self) -> int:
        """Transitions stored, all environments together."""
        return self._size * self.num_envs

    @property
    def nbytes(self) -> int:
        """Bytes of all storage arrays (what they need once filled, not what is resident now)."""
        arrays = (self._frames, self._actions, self._rewards, self._terminals, self._episode_ends)
        return int(sum(a.nbytes for a in arrays))

    @staticmethod
    def bytes_needed(capacity: int, frame_shape=(84, 84), frame_dtype=np.uint8) -> int:
        """Bytes a memory of `capacity` transitions needs, computed without allocating anything (`memory_bytes`)."""
        capacity = _positive_int(capacity, "capacity")
        return memory_bytes(capacity, _frame_shape(frame_shape), np.dtype(frame_dtype))

    # ------------------------------------------------------------------ writing
    def add(self, frame, action, reward, terminal, episode_end) -> None:
        """Store one agent step (one per environment when num_envs > 1).

        frame: the newest frame of the observation in which `action` was taken, shape frame_shape
        (num_envs, *frame_shape) with several environments. reward: already clipped by the caller.
        terminal: do not bootstrap from the next state. episode_end: the environment was reset after
        this step (game over or time-limit truncation).
        """
        envs = self.num_envs
        frame = self._as_frame(frame)
        expected = self.frame_shape if envs == 1 else (envs, *self.frame_shape)
        if envs == 1 and tuple(frame.shape) == (1, *self.frame_shape):
            frame = frame[0]  # a vector env with one emulator: accept its leading dimension too
        if tuple(frame.shape) != expected:
            raise UserError(f"frame must have shape {expected}, got {tuple(frame.shape)}")
        if _is_float(frame.dtype) and self.frame_dtype.kind != "f":
            raise UserError(f"frame has dtype {frame.dtype} but the memory stores {self.frame_dtype}")
        if envs == 1:
            action = np.asarray(action).reshape(-1)
            reward = np.asarray(reward, dtype=REWARD_DTYPE).reshape(-1)
            terminal = np.asarray(terminal, dtype=bool).reshape(-1)
            episode_end = np.asarray(episode_end, dtype=bool).reshape(-1)
            if not (action.size == reward.size == terminal.size == episode_end.size == 1):
                raise UserError("with num_envs=1, action, reward, terminal and episode_end must be scalars")
            frame = frame[None]
        else:
            action, reward = np.asarray(action), np.asarray(reward, dtype=REWARD_DTYPE)
            terminal, episode_end = np.asarray(terminal, dtype=bool), np.asarray(episode_end, dtype=bool)
            for name, value in (
                ("action", action),
                ("reward", reward),
                ("terminal", terminal),
                ("episode_end", episode_end),
            ):
                if value.shape != (envs,):
                    raise UserError(f"{name} must have shape ({envs},) with num_envs={envs}, got {value.shape}")
        if action.dtype.kind not in "iub" or action.min() < 0 or action.max() > self._action_limit:
            raise UserError(f"actions must be integers in [0, {self._action_limit}], got {action.tolist()}")
        self._write(frame, action, reward, terminal, episode_end)
        self._steps += 1

    def _write(
        self, frame, action: np.ndarray, reward: np.ndarray, terminal: np.ndarray, episode_end: np.ndarray
    ) -> None:
        """Exercise 5.2's `add_transition` on every environment's stream; frame etc. have num_envs rows."""
        cursor, size = self._cursor, self._size
        for env, stream in enumerate(self._streams):
            self._cursor, self._size = add_transition(
                stream, cursor, size, frame[env], action[env], reward[env], terminal[env], episode_end[env]
            )

    def _as_frame(self, frame):
        """The frame(s) in the storage's array type (numpy here; a device tensor in DeviceReplayMemory)."""
        return np.asarray(frame)

    def mark_episode_end(self) -> None:
        """Close the episodes in progress, e.g. when resuming from a checkpoint with fresh games.

        The newest step of each environment gets episode_end: no later stack reaches back into it, and
        unless it was terminal it is treated like a truncation (never sampled), since its next frame
        belongs to a game that no longer exists.
        """
        if self._size:
            self._episode_ends[(self._cursor - 1) % self._slots] = True

    # ------------------------------------------------------------------ sampling
    def _oldest(self) -> int:
        """Logical index (agent step) of the oldest stored slot."""
        return max(0, self._steps - self._slots)

    def _valid(self, k: np.ndarray, env: np.ndarray, oldest: int, needed: int | None = None) -> np.ndarray:
        """Which candidates, logical steps k (oldest <= k <= newest - 1) of streams env, may be sampled.

        Exercise 5.4's `is_valid_sample` on each candidate in turn. Once `needed` valid ones are found
        the rest stay False: the sampler keeps only the first `needed`, so its draws do not change.
        """
        ok = np.zeros(k.size, dtype=bool)
        streams, cursor, size, history = self._streams, self._cursor, self._size, self.history_length
        found = 0
        for position, (slot, stream) in enumerate(zip((k % self._slots).tolist(), env.tolist())):
            if is_valid_sample(streams[stream], slot, cursor, size, history):
                ok[position] = True
                found += 1
                if found == needed:
                    break
        return ok

    def _frame_slots(self, k: np.ndarray, env: np.ndarray, oldest: int) -> np.ndarray:
        """Slots of the frames of the observations at logical steps k [0] and of the next ones [1].

        (2, B, history), oldest first: Exercise 5.3's `stack_slots` at slot k and at slot k + 1.
        """
        streams, cursor, size, history = self._streams, self._cursor, self._size, self.history_length
        slots = self._slots
        index = np.empty((2, k.size, history), dtype=np.int64)
        for position, (slot, stream) in enumerate(zip((k % slots).tolist(), env.tolist())):
            storage = streams[stream]
            index[0, position] = stack_slots(storage, slot, cursor, size, history)
            index[1, position] = stack_slots(storage, (slot + 1) % slots, cursor, size, history)
        return index

    def sample(self, batch_size: int) -> Batch:
        """A uniform random minibatch (with replacement) of valid transitions."""
        frame_index, slot, env = self.sample_indices(batch_size)
        stacks = self._frames[frame_index, env[:, None]]  # one gather for both stacks: (2, B, history, *frame)
        return Batch(
            observations=stacks[0],
            actions=self._actions[slot, env].astype(np.int64),
            rewards=self._rewards[slot, env].astype(np.float32),
            next_observations=stacks[1],
            terminals=self._terminals[slot, env].astype(np.float32),
        )

    def sample_indices(self, batch_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Where a uniform random minibatch of valid transitions lies in the storage.

        Returns (frame_index, slot, env): frame_index (2, B, history) holds the slots of the frames of
        the observations [0] and next observations [1], oldest first; slot (B,) and env (B,) locate
        each transition's action, reward and terminal flag. `sample` gathers from them on the host,
        DeviceReplayMemory on the GPU: both draw the same transitions from the same RNG state.
        """
        batch_size = _positive_int(batch_size, "batch_size")
        if self._steps < 2:
            raise UserError(
                f"cannot sample yet: {len(self)} transitions stored, and a transition needs the next step "
                "written too; add more steps first"
            )
        oldest, newest = self._oldest(), self._steps - 1
        envs, rng = self.num_envs, self._rng
        kept_k, kept_env, found = [], [], 0
        # Rejection sampling: draw candidates uniformly, keep the valid ones. Almost every slot is
        # valid in practice, so one round nearly always suffices.
        for _ in range(8):
            draws = max(2 * (batch_size - found), 32)
            k = rng.integers(oldest, newest, size=draws)  # excludes the newest slot
            env = rng.integers(envs, size=draws) if envs > 1 else np.zeros(draws, dtype=np.int64)
            ok = self._valid(k, env, oldest, needed=batch_size - found)
            kept_k.append(k[ok])
            kept_env.append(env[ok])
            found += int(ok.sum())
            if found >= batch_size:
                break
        else:
            # Valid slots are rare (or absent): list them all and draw the rest from that list.
            k = np.repeat(np.arange(oldest, newest, dtype=np.int64), envs)
            env = np.tile(np.arange(envs, dtype=np.int64), newest - oldest)
            ok = self._valid(k, env, oldest)
            if not ok.any():
                raise UserError(
                    "cannot sample: no valid transition stored yet (every stored step is the newest, a "
                    "time-limit truncation, or lacks its history); add more steps first"
                )
            pick = rng.integers(int(ok.sum()), size=batch_size - found)
            kept_k.append(k[ok][pick])
            kept_env.append(env[ok][pick])
        k = np.concatenate(kept_k)[:batch_size]
        env = np.concatenate(kept_env)[:batch_size]
        # Both stacks in one index array, so the caller gathers them in one go (a single output
        # allocation is several times faster than two).
        return self._frame_slots(k, env, oldest), k % self._slots, env

    # ------------------------------------------------------------------ checkpoints
    def _config(self) -> dict:
        return {
            "capacity": self.capacity,
            "frame_shape": self.frame_shape,
            "history_length": self.history_length,
            "frame_dtype": self.frame_dtype.str,
            "num_envs": self.num_envs,
        }

    def state_dict(self) -> dict:
        """Everything needed to resume: the filled part of the storage, the cursor and the RNG state.

        The arrays are torch tensors sharing the live storage, not copies (a copy of 7 GB would double
        the memory): save them before adding more transitions. Tensors, not numpy arrays, because
        torch.save writes a tensor straight from memory, while it pickles a numpy array through
        several temporary copies (measured: saving a 0.9 GB array raised peak memory by 3.4 GB).
        """
        filled = self._size
        arrays = {
            "actions": self._actions,
            "rewards": self._rewards,
            "terminals": self._terminals,
            "episode_ends": self._episode_ends,
        }
        return {
            **self._config(),
            "frames": self._frames_on_host(filled),
            **{name: torch.from_numpy(array[:filled]) for name, array in arrays.items()},
            "steps": self._steps,
            # a tensor, not a numpy array: checkpoints load with weights_only=True (tensors and plain data)
            "end_before_oldest": torch.from_numpy(self._end_before_oldest),
            "rng_state": self._rng.bit_generator.state,
        }

    def _frames_on_host(self, filled: int) -> torch.Tensor:
        return torch.from_numpy(self._frames[:filled])

    def load_state_dict(self, state: dict) -> None:
        """Restore a state from `state_dict` into this memory (which must have the same settings)."""
        try:
            config = {name: state[name] for name in self._config()}
            config["frame_shape"] = tuple(int(n) for n in config["frame_shape"])
            config["frame_dtype"] = np.dtype(config["frame_dtype"]).str
            steps = int(state["steps"])
            end_before_oldest = np.asarray(state["end_before_oldest"], dtype=bool).reshape(-1)
        except (KeyError, TypeError, ValueError) as error:
            raise UserError(f"not a replay memory state (missing or bad entry: {error})") from None
        if config != self._config():
            raise UserError(f"replay memory state was saved with {config}, but this memory has {self._config()}")
        filled = min(steps, self._slots)
        arrays = {
            "frames": self._frames,
            "actions": self._actions,
            "rewards": self._rewards,
            "terminals": self._terminals,
            "episode_ends": self._episode_ends,
        }
        for name, target in arrays.items():
            source = np.asarray(state.get(name))
            if source.shape != (filled, *target.shape[1:]):
                raise UserError(
                    f"replay memory state: {name} has shape {source.shape}, expected {(filled, *target.shape[1:])}"
                )
        if end_before_oldest.shape != (self.num_envs,):
            raise UserError(
                f"replay memory state: end_before_oldest has shape {end_before_oldest.shape}, "
                f"expected ({self.num_envs},)"
            )
        for name, target in arrays.items():  # numpy or torch, whichever each side is
            value = state[name]
            target[:filled] = torch.as_tensor(value) if isinstance(target, torch.Tensor) else np.asarray(value)
        self._steps, self._cursor, self._size = steps, steps % self._slots, filled
        for stream, flag in zip(self._streams, end_before_oldest.tolist()):
            stream["end_before_oldest"] = flag
        self._rng.bit_generator.state = state["rng_state"]
