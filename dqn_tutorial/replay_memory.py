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

    Slot i holds the newest frame of the observation in which action i was taken. The observation at
    slot i is the frames at slots i-history+1 .. i (oldest first) and its next observation is the one
    at slot i+1. With `num_envs` > 1 (parallel emulators) every `add` brings one transition per
    environment; each environment is its own stream of capacity // num_envs slots.
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
        # Agent steps written per environment so far; the next write goes to slot steps % slots.
        self._steps = 0
        # episode_end flag of the slot just before the oldest stored one. Once the buffer wraps, that
        # slot has been overwritten, yet its flag still decides whether the oldest slots start an
        # episode (then their stacks are complete). Before any wrap, storage begins an episode: True.
        self._end_before_oldest = np.ones(envs, dtype=bool)
        self._action_limit = np.iinfo(ACTION_DTYPE).max

    def _allocate_frames(self, slots: int, envs: int):
        """Frame storage, (slots, envs, *frame_shape); DeviceReplayMemory keeps it on a GPU instead."""
        return np.empty((slots, envs, *self.frame_shape), dtype=self.frame_dtype)

    # ------------------------------------------------------------------ sizes
    def __len__(self) -> int:
        """Transitions stored, all environments together."""
        return min(self._steps, self._slots) * self.num_envs

    @property
    def nbytes(self) -> int:
        """Bytes of all storage arrays (what they need once filled, not what is resident now)."""
        arrays = (self._frames, self._actions, self._rewards, self._terminals, self._episode_ends)
        return int(sum(a.nbytes for a in arrays))

    @staticmethod
    def bytes_needed(capacity: int, frame_shape=(84, 84), frame_dtype=np.uint8) -> int:
        """Bytes a memory of `capacity` transitions needs, computed without allocating anything."""
        capacity = _positive_int(capacity, "capacity")
        frame_bytes = int(np.prod(_frame_shape(frame_shape))) * np.dtype(frame_dtype).itemsize
        return capacity * (frame_bytes + _EXTRA_BYTES_PER_TRANSITION)

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
            for name, value in (("action", action), ("reward", reward), ("terminal", terminal),
                                ("episode_end", episode_end)):
                if value.shape != (envs,):
                    raise UserError(f"{name} must have shape ({envs},) with num_envs={envs}, got {value.shape}")
        if action.dtype.kind not in "iub" or action.min() < 0 or action.max() > self._action_limit:
            raise UserError(f"actions must be integers in [0, {self._action_limit}], got {action.tolist()}")

        slot = self._steps % self._slots
        if self._steps >= self._slots:
            # The slot about to be overwritten becomes "the one before the oldest": keep its flag.
            self._end_before_oldest[:] = self._episode_ends[slot]
        self._frames[slot] = frame
        self._actions[slot] = action
        self._rewards[slot] = reward
        self._terminals[slot] = terminal
        self._episode_ends[slot] = episode_end
        self._steps += 1

    def _as_frame(self, frame):
        """The frame(s) in the storage's array type (numpy here; a device tensor in DeviceReplayMemory)."""
        return np.asarray(frame)

    def mark_episode_end(self) -> None:
        """Close the episodes in progress, e.g. when resuming from a checkpoint with fresh games.

        The newest step of each environment gets episode_end: no later stack reaches back into it, and
        unless it was terminal it is treated like a truncation (never sampled), since its next frame
        belongs to a game that no longer exists.
        """
        if self._steps:
            self._episode_ends[(self._steps - 1) % self._slots] = True

    # ------------------------------------------------------------------ sampling
    def _oldest(self) -> int:
        """Logical index (agent step) of the oldest stored slot."""
        return max(0, self._steps - self._slots)

    def _ended(self, j: np.ndarray, env: np.ndarray, oldest: int) -> np.ndarray:
        """episode_end flag of logical step j; j == oldest - 1 reads the flag kept from before the wrap.

        Only meaningful for j >= oldest - 1 (older steps are gone); callers never rely on older ones.
        """
        flags = self._episode_ends[j % self._slots, env]
        return np.where(j == oldest - 1, self._end_before_oldest[env], flags)

    def _valid(self, k: np.ndarray, env: np.ndarray, oldest: int) -> np.ndarray:
        """Which logical steps k (oldest <= k <= newest - 1) can be sampled."""
        slot = k % self._slots
        truncated = self._episode_ends[slot, env] & ~self._terminals[slot, env]
        valid = ~truncated
        history = self.history_length
        reaches_back = (k - (history - 1)) < oldest
        if history > 1 and reaches_back.any():
            # The window starts before the oldest stored frame: fine only if an episode began inside
            # it, i.e. some step in [oldest - 1, k - 1] ended an episode (its frames are then padding).
            starts_inside = np.zeros_like(valid)
            for back in range(1, history):
                j = k - back
                starts_inside |= (j >= oldest - 1) & self._ended(j, env, oldest)
            valid &= ~reaches_back | starts_inside
        # The next observation (slot k+1) needs no older frame than the observation at k does, and
        # slot k+1 is written because the newest slot is never a candidate.
        return valid

    def _stack_steps(self, k: np.ndarray, env: np.ndarray, oldest: int) -> np.ndarray:
        """Logical steps of the frames forming the observation at each k: (B, history), oldest first."""
        history = self.history_length
        steps = np.empty((k.size, history), dtype=np.int64)
        steps[:, -1] = k
        padded = np.zeros(k.size, dtype=bool)
        for position in range(history - 2, -1, -1):
            j = k - (history - 1 - position)
            padded |= self._ended(j, env, oldest)
            # Past an episode end, repeat the first frame of k's episode (the frame to the right).
            steps[:, position] = np.where(padded, steps[:, position + 1], j)
        return steps

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
            ok = self._valid(k, env, oldest)
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
        steps = np.stack([self._stack_steps(k, env, oldest), self._stack_steps(k + 1, env, oldest)])
        return steps % self._slots, k % self._slots, env

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
        filled = min(self._steps, self._slots)
        arrays = {"actions": self._actions, "rewards": self._rewards, "terminals": self._terminals,
                  "episode_ends": self._episode_ends}
        return {
            **self._config(),
            "frames": self._frames_on_host(filled),
            **{name: torch.from_numpy(array[:filled]) for name, array in arrays.items()},
            "steps": self._steps,
            # a tensor, not a numpy array: checkpoints load with weights_only=True (tensors and plain data)
            "end_before_oldest": torch.from_numpy(self._end_before_oldest.copy()),
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
                raise UserError(f"replay memory state: {name} has shape {source.shape}, expected "
                                f"{(filled, *target.shape[1:])}")
        for name, target in arrays.items():  # numpy or torch, whichever each side is
            value = state[name]
            target[:filled] = torch.as_tensor(value) if isinstance(target, torch.Tensor) else np.asarray(value)
        self._steps = steps
        self._end_before_oldest[:] = np.asarray(state["end_before_oldest"], dtype=bool)
        self._rng.bit_generator.state = state["rng_state"]
