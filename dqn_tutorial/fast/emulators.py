"""Many emulators at once (Chapter 12, the fast path): ale-py's C++ vector env, frame stacks on the device.

The Python env of Chapters 1, 2 and 10 spends most of its time in Python wrappers, one emulator at a
time. ale-py's `AtariVectorEnv` runs `num_envs` emulators in C++ threads and does the same action
repeat, max over the last two frames, 84x84 resize and 0-30 no-op frames there (asked for 31: see
`vector_noop_max`): with the no-ops and FIRE off, its frames are pixel-identical to `make_atari_env`'s
(tests/reference/test_fast_emulators.py).

Three things it does differently, so this module does them itself:
- Frame stacks: it pads a new game's stack with black frames; we repeat the first frame, as
  `FrameStack` and the replay memory do. It returns only the newest frame (stack_num=1) and the stack
  is kept here, on the training device, so acting never copies whole stacks to the GPU.
- FIRE: `FireReset` folds a FIRE press into the step that started the game or lost the life. The C++
  env cannot step one emulator alone, so here the *next* action of that emulator is replaced by FIRE:
  one extra agent step per life, stored in the replay memory as the action taken (Q-learning is
  off-policy, so storing an action the policy did not choose is sound).
- Life loss: reported as `life_lost`, from the drop in `lives`, like the Python env's `info`.
"""

from __future__ import annotations

import os
import re

import numpy as np
import torch
from ale_py.vector_env import AtariVectorEnv

from dqn_tutorial.atari import ale_env_id, lost_a_life
from dqn_tutorial.config import Config
from dqn_tutorial.errors import UserError
from dqn_tutorial.fast.replay_memory import to_device


def rom_name(game: str) -> str:
    """ "Breakout" or "ALE/Breakout-v5" -> "breakout"; "MsPacman" -> "ms_pacman" (the C++ env's ROM names)."""
    name = ale_env_id(game)[len("ALE/") : -len("-v5")]
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def push_frames(stacks: torch.Tensor, frames: torch.Tensor, new_game: torch.Tensor) -> torch.Tensor:
    """Append each emulator's newest frame to its stack; a new game's stack is its first frame, repeated.

    stacks (N, history, 84, 84), frames (N, 84, 84), new_game (N,) bool -> new stacks (N, history, 84, 84).
    """
    rolled = torch.cat([stacks[:, 1:], frames[:, None]], dim=1)
    fresh = frames[:, None].expand_as(stacks)
    return torch.where(new_game[:, None, None, None], fresh, rolled)


def vector_noop_max(noop_max: int) -> int:
    """The `noop_max` to give `AtariVectorEnv` so it plays 0..noop_max no-op frames, as `NoopReset` does.

    ale-py 0.12's C++ env draws its count below `noop_max` (0..29 for 30: measured from
    `episode_frame_number` after its resets), while Chapter 2's `NoopReset` draws 0..noop_max
    inclusive (0..30). One more makes the two engines start their games alike
    (tests/reference/test_fast_emulators.py measures both). 0 still means no no-ops.
    """
    return noop_max + 1 if noop_max > 0 else 0


def usable_cores() -> int:
    """The CPU cores this process may run on (a container or `taskset` may allow fewer than the machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def emulator_threads(requested: int, num_envs: int) -> int:
    """C++ threads for `num_envs` emulators: `requested` if given, else one per emulator up to the usable cores.

    ale-py's own default (0) is min(num_envs, std::thread::hardware_concurrency()), which counts every
    core of the machine, not the ones this process may use: in a container given 16 cores of a large
    server, 30 evaluation games would get 30 threads taking turns on 16 cores. Each emulator's step is
    one job for the next free thread and `recv` waits for the last, so a step takes as many rounds as
    the busiest thread has jobs: one thread per emulator, as far as the cores go.
    """
    if requested:
        return requested
    return max(1, min(num_envs, usable_cores()))


class VectorAtari:
    """`num_envs` Atari games stepped together in C++; observations are frame stacks on `device`.

    `send(actions)` starts the emulators and returns at once with the actions really taken (FIRE where
    a game or life has just begun); `recv()` waits for them. Between the two the caller can queue GPU
    work, so emulation and learning overlap. A finished game is replaced by a new one in the same step
    (SAME_STEP): the stack returned after a game ends is already the new game's first.
    """

    plays_in_background = True  # between send() and recv(): the training loop queues its updates then

    def __init__(
        self,
        config: Config,
        num_envs: int,
        seed: int,
        device: torch.device | str = "cpu",
        evaluation: bool = False,
        num_threads: int = 0,
    ):
        if not config.is_atari:
            raise UserError(f"the fast engine runs Atari games only; {config.env_id} needs --engine plain")
        self.device = torch.device(device)
        self.num_envs = num_envs
        self.history_length = config.history_length
        self.seed = seed
        self.num_threads = emulator_threads(num_threads, num_envs)
        self.envs = AtariVectorEnv(
            rom_name(config.env_id),
            num_envs,
            num_threads=self.num_threads,
            autoreset_mode="SameStep",
            frameskip=config.frame_skip,
            maxpool=config.max_last_two,
            noop_max=vector_noop_max(config.noop_max),
            repeat_action_probability=config.sticky_action_probability,
            max_num_frames_per_episode=config.eval_max_frames if evaluation else config.max_episode_frames,
            img_height=84,
            img_width=84,
            grayscale=True,
            stack_num=1,
            use_fire_reset=False,
            episodic_life=False,
            reward_clipping=False,  # done here / by the learner
        )
        self.num_actions = int(self.envs.single_action_space.n)
        self.frame_shape = (84, 84)
        self.observation_shape = (config.history_length, *self.frame_shape)
        self.frame_dtype = np.dtype(np.uint8)
        meanings = [str(a).split(".")[-1] for a in self.envs.ale.get_action_set()]
        self.fire_action = meanings.index("FIRE") if config.fire_reset and "FIRE" in meanings else None
        self.stacks: torch.Tensor | None = None
        self._needs_fire = np.zeros(num_envs, dtype=bool)
        self._lives = np.zeros(num_envs, dtype=np.int64)
        self._in_flight = False

    def _frames(self, observations: np.ndarray) -> torch.Tensor:
        return to_device(observations[:, -1], self.device)  # (N, 84, 84) uint8, the newest frame

    def reset(self, seed: int | None = None) -> torch.Tensor:
        observations, info = self.envs.reset(seed=self.seed if seed is None else seed)
        frames = self._frames(observations)
        self.stacks = frames[:, None].expand(-1, self.history_length, -1, -1).contiguous()
        self._lives = np.asarray(info["lives"], dtype=np.int64).copy()
        self._needs_fire[:] = self.fire_action is not None
        return self.stacks

    def send(self, actions: np.ndarray) -> np.ndarray:
        """Start one agent step on every emulator; returns the actions taken (FIRE overrides, int64)."""
        if self.stacks is None:
            raise RuntimeError("call reset() before send()")
        if self._in_flight:
            raise RuntimeError("send() twice without recv(): each step needs its recv()")
        actions = np.asarray(actions, dtype=np.int64).reshape(self.num_envs)
        if self.fire_action is not None:
            actions = np.where(self._needs_fire, self.fire_action, actions)
        self.envs.send(actions)
        self._in_flight = True
        return actions

    def recv(self):
        """Wait for the step: (stacks, rewards, terminated, truncated, life_lost), numpy except stacks."""
        observations, rewards, terminated, truncated, info = self.envs.recv()
        self._in_flight = False
        lives = np.asarray(info["lives"], dtype=np.int64)
        ended = terminated | truncated
        # Chapter 1's lost_a_life, per emulator; a new game restores the lives: no loss
        life_lost = (
            np.array(
                [lost_a_life({"lives": before}, {"lives": now}) for before, now in zip(self._lives, lives)], dtype=bool
            )
            & ~ended
        )
        life_lost |= terminated & (self._lives > 0)  # the last life lost ends the game
        self._lives = lives.copy()
        if self.fire_action is not None:
            self._needs_fire = ended | life_lost
        new_game = to_device(ended, self.device)
        self.stacks = push_frames(self.stacks, self._frames(observations), new_game)
        return self.stacks, np.asarray(rewards, dtype=np.float64), terminated, truncated, life_lost

    def step(self, actions: np.ndarray):
        """send + recv; returns (actions taken, stacks, rewards, terminated, truncated, life_lost)."""
        taken = self.send(actions)
        return (taken, *self.recv())

    def state(self) -> None:
        """The C++ emulators give no access to their state: a resumed run starts new games."""
        return None

    def load_state(self, state) -> None:
        raise UserError("the fast engine cannot continue saved games")

    def close(self) -> None:
        self.envs.close()
