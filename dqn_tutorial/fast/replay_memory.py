"""The replay memory with its frames on the GPU (Chapter 12, the fast path).

Chapter 5's memory gathers a minibatch on the host and copies 2 x 32 x 4 x 84 x 84 bytes (1.8 MB) to the
GPU for every update. Here the frames (7.06 GB at 1M transitions, well within an H100's 80 GB) live on
the device, so the host only decides *which* transitions to take, with the RNG draws of
`ReplayMemory.sample_indices`, and sends their indices (a few KB); the gather runs on the GPU. The
small per-transition arrays (actions, rewards, flags: 7 MB at 1M) stay on the host, where the
index logic reads them. Nothing here waits for the GPU.

Chapter 5's memory calls the exercises' functions one transition at a time (`add_transition` per
emulator, `is_valid_sample` and `stack_slots` per candidate): about a microsecond each, 0.2 ms per
minibatch of 32, fine next to a CPU update of 20 ms, too slow for a GPU that updates in a fraction of
a millisecond and samples many minibatches per agent step of 16 emulators. Here the same rules
run on whole arrays at once: `_write` writes every emulator's step in one copy, `_valid` and
`_frame_slots` judge and stack all candidates with numpy. tests/reference/test_fast_replay_memory.py checks
that they agree with the exercises' functions on many random fills.
"""

from __future__ import annotations

import numpy as np
import torch

from dqn_tutorial.errors import UserError
from dqn_tutorial.replay_memory import ReplayMemory
from dqn_tutorial.update import TensorBatch


def to_device(array: np.ndarray, device: torch.device) -> torch.Tensor:
    """Host array -> device tensor without making the host wait: staged in page-locked memory for a GPU.

    Only a copy from page-locked memory is truly asynchronous; from ordinary (pageable) memory CUDA
    may make the host wait while it stages the data. PyTorch's pinned-memory cache keeps each staging block until its
    copy has finished, so a later call never overwrites data still in flight.
    """
    tensor = torch.from_numpy(np.ascontiguousarray(array))
    if device.type == "cuda":
        tensor = tensor.pin_memory()
    return tensor.to(device, non_blocking=True)


class DeviceReplayMemory(ReplayMemory):
    """ReplayMemory whose frames are a uint8 tensor on `device`; `sample_batches` returns device tensors."""

    def __init__(
        self,
        capacity: int,
        frame_shape=(84, 84),
        history_length: int = 4,
        num_envs: int = 1,
        seed: int | None = None,
        device: torch.device | str = "cpu",
    ):
        self.device = torch.device(device)
        super().__init__(capacity, frame_shape, history_length, np.uint8, num_envs, seed)

    def _allocate_frames(self, slots: int, envs: int) -> torch.Tensor:
        needed = slots * envs * int(np.prod(self.frame_shape))
        if self.device.type == "cuda":
            free, _ = torch.cuda.mem_get_info(self.device)
            if needed > free:
                raise UserError(
                    f"the replay memory needs {needed / 1e9:.2f} GB on {self.device} but only "
                    f"{free / 1e9:.2f} GB is free: lower --replay-capacity or use --engine plain"
                )
        return torch.empty((slots, envs, *self.frame_shape), dtype=torch.uint8, device=self.device)

    # ------------------------------------------------------------------ vectorised Chapter 5
    def _write(
        self, frame, action: np.ndarray, reward: np.ndarray, terminal: np.ndarray, episode_end: np.ndarray
    ) -> None:
        """`add_transition` on all environments at once: one frame copy on the device, not one per emulator."""
        slot, size = self._cursor, self._size
        if size == self._slots:
            # The slot about to be overwritten becomes "the one before the oldest": keep its flag.
            for stream, flag in zip(self._streams, self._episode_ends[slot].tolist()):
                stream["end_before_oldest"] = flag
        self._frames[slot] = frame
        self._actions[slot] = action
        self._rewards[slot] = reward
        self._terminals[slot] = terminal
        self._episode_ends[slot] = episode_end
        self._cursor, self._size = (slot + 1) % self._slots, min(size + 1, self._slots)

    def _ended(self, j: np.ndarray, env: np.ndarray, oldest: int, end_before_oldest: np.ndarray) -> np.ndarray:
        """episode_end flag of logical step j; j == oldest - 1 reads the flag kept from before the wrap.

        Only meaningful for j >= oldest - 1 (older steps are gone); callers never rely on older ones.
        """
        flags = self._episode_ends[j % self._slots, env]
        return np.where(j == oldest - 1, end_before_oldest[env], flags)

    def _valid(self, k: np.ndarray, env: np.ndarray, oldest: int, needed: int | None = None) -> np.ndarray:
        """`is_valid_sample` for all candidates at once (logical steps k, oldest <= k <= newest - 1).

        Judges every candidate (`needed` is only a hint the scalar version uses to stop early).
        """
        slot = k % self._slots
        truncated = self._episode_ends[slot, env] & ~self._terminals[slot, env]
        valid = ~truncated
        history = self.history_length
        reaches_back = (k - (history - 1)) < oldest
        if history > 1 and reaches_back.any():
            # The window starts before the oldest stored frame: fine only if an episode began inside
            # it, i.e. some step in [oldest - 1, k - 1] ended an episode (its frames are then padding).
            end_before_oldest = self._end_before_oldest
            starts_inside = np.zeros_like(valid)
            for back in range(1, history):
                j = k - back
                starts_inside |= (j >= oldest - 1) & self._ended(j, env, oldest, end_before_oldest)
            valid &= ~reaches_back | starts_inside
        # The next observation (slot k+1) needs no older frame than the observation at k does, and
        # slot k+1 is written because the newest slot is never a candidate.
        return valid

    def _stack_steps(self, k: np.ndarray, env: np.ndarray, oldest: int, end_before_oldest: np.ndarray) -> np.ndarray:
        """Logical steps of the frames forming the observation at each k: (B, history), oldest first."""
        history = self.history_length
        steps = np.empty((k.size, history), dtype=np.int64)
        steps[:, -1] = k
        padded = np.zeros(k.size, dtype=bool)
        for position in range(history - 2, -1, -1):
            j = k - (history - 1 - position)
            padded |= self._ended(j, env, oldest, end_before_oldest)
            # Past an episode end, repeat the first frame of k's episode (the frame to the right).
            steps[:, position] = np.where(padded, steps[:, position + 1], j)
        return steps

    def _frame_slots(self, k: np.ndarray, env: np.ndarray, oldest: int) -> np.ndarray:
        """`stack_slots` at k and at k + 1 for all sampled (valid) k at once: (2, B, history) slots."""
        end_before_oldest = self._end_before_oldest
        steps = np.stack(
            [
                self._stack_steps(k, env, oldest, end_before_oldest),
                self._stack_steps(k + 1, env, oldest, end_before_oldest),
            ]
        )
        return steps % self._slots

    def _as_frame(self, frame) -> torch.Tensor:
        if isinstance(frame, torch.Tensor):
            return frame.to(self.device, non_blocking=True)
        return to_device(np.asarray(frame), self.device)

    def sample_batches(self, count: int, batch_size: int) -> TensorBatch:
        """`count` minibatches at once, each field with leading dimensions (count, batch_size).

        One draw of count * batch_size transitions, uniform with replacement, is the same distribution
        as `count` separate draws: the memory does not change between the updates of one agent step.
        """
        frame_index, slot, env = self.sample_indices(count * batch_size)
        flat_index = frame_index * self.num_envs + env[:, None]  # row in the (slots * envs) frame table
        table = self._frames.view(-1, *self.frame_shape)
        frames = table.index_select(0, to_device(flat_index.reshape(-1), self.device))
        frames = frames.view(2, count, batch_size, self.history_length, *self.frame_shape)
        small = np.stack(
            [
                self._actions[slot, env].astype(np.float32),
                self._rewards[slot, env],
                self._terminals[slot, env].astype(np.float32),
            ]
        )  # one copy for all three
        small = to_device(small, self.device).view(3, count, batch_size)
        return TensorBatch(
            observations=frames[0],
            actions=small[0].long(),
            rewards=small[1],
            next_observations=frames[1],
            terminals=small[2],
        )

    def sample(self, batch_size: int) -> TensorBatch:
        """One minibatch as device tensors: what `dqn.learn` hands the fast engine's update."""
        return self.sample_batches(1, batch_size)[0]

    def _frames_on_host(self, filled: int) -> torch.Tensor:
        """The checkpoint holds the frames on the host, so it loads on any machine (7 GB of RAM at 1M)."""
        return self._frames[:filled].cpu()
