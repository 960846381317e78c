"""Builds the environments a run needs from its Config: Atari games through atari.py, others through gymnasium.

Every observation comes out as (history, *frame_shape), so the replay memory and the networks treat
CartPole's 4 numbers and Breakout's 4 stacked frames alike.

`vector_env_state` and `load_vector_env_state` save and restore the games in progress, emulator and
every wrapper, so that a resumed run continues them exactly instead of starting new ones.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
import torch
from gymnasium.wrappers import OrderEnforcing, PassiveEnvChecker, TimeLimit

from dqn_tutorial.atari import emulator_state, load_emulator_state, make_atari_env
from dqn_tutorial.config import Config
from dqn_tutorial.errors import UserError
from dqn_tutorial.preprocessing import FireReset, NoopReset, Resize84


class AddHistoryAxis(gym.ObservationWrapper):
    """(features,) -> (1, features): a history of one, so every observation has the same layout."""

    def __init__(self, env: gym.Env):
        super().__init__(env)
        space = env.observation_space
        self.observation_space = gym.spaces.Box(space.low[None], space.high[None], (1, *space.shape), space.dtype)

    def observation(self, observation):
        return np.asarray(observation)[None]


def make_env(
    config: Config, seed: int | None = None, evaluation: bool = False, render_mode: str | None = None
) -> gym.Env:
    """One environment; `evaluation` caps games at eval_max_frames (5 minutes of play for Atari)."""
    max_frames = config.eval_max_frames if evaluation else config.max_episode_frames
    if config.is_atari:
        env = make_atari_env(
            config.env_id,
            seed=seed,
            frame_skip=config.frame_skip,
            max_last_two=config.max_last_two,
            noop_max=config.noop_max,
            fire_reset=config.fire_reset,
            history_length=config.history_length,
            sticky_action_probability=config.sticky_action_probability,
            max_episode_frames=max_frames,
            render_mode=render_mode,
        )
    else:
        if config.history_length != 1:
            raise UserError(f"{config.env_id} has vector observations: set history_length to 1")
        try:
            env = gym.make(config.env_id, max_episode_steps=max_frames, render_mode=render_mode)
        except gym.error.Error as error:
            raise UserError(f"cannot make environment {config.env_id!r}: {error}") from None
        if not isinstance(env.action_space, gym.spaces.Discrete):
            raise UserError(f"DQN needs a discrete action space; {config.env_id} has {env.action_space}")
        env = AddHistoryAxis(env)
        env.reset(seed=seed)
        env.action_space.seed(seed)
    return env


def make_vector_env(config: Config, seed: int) -> gym.vector.VectorEnv:
    """num_envs emulators stepped together; a finished game is reset in the same step (SAME_STEP).

    With SAME_STEP, the observation returned after a game ends is already the next game's first one,
    which is all the replay memory needs: it stores the observation an action was taken in.
    """
    makers = [lambda i=i: make_env(config, seed=seed + i) for i in range(config.num_envs)]
    return gym.vector.SyncVectorEnv(makers, autoreset_mode=gym.vector.AutoresetMode.SAME_STEP)


class Emulators:
    """The plain engine's emulators as the training loop (`dqn.play_step`) drives them: send, then recv.

    The fast engine's emulators (`fast.emulators.VectorAtari`) play in C++ threads between the two
    calls; here `recv` plays the step, so `plays_in_background` is False and the loop learns after it.
    """

    plays_in_background = False

    def __init__(self, config: Config, seed: int):
        self.envs = make_vector_env(config, seed)
        self.num_envs = config.num_envs
        self.num_actions = int(self.envs.single_action_space.n)
        self.observation_shape = tuple(self.envs.single_observation_space.shape)  # (history, *frame)
        self.frame_dtype = self.envs.single_observation_space.dtype
        self._actions: np.ndarray | None = None

    def reset(self, seed: int) -> np.ndarray:
        observations, _ = self.envs.reset(seed=seed)
        return observations

    def send(self, actions: np.ndarray) -> np.ndarray:
        """Take the actions for the next step; returns the actions that will be played."""
        self._actions = np.asarray(actions)
        return self._actions

    def recv(self):
        """Play the step: (observations, rewards, terminated, truncated, life_lost), numpy arrays."""
        observations, rewards, terminated, truncated, infos = self.envs.step(self._actions)
        life_lost = np.asarray(infos.get("life_lost", np.zeros(self.num_envs, bool)), bool)
        return observations, rewards, terminated, truncated, life_lost

    def state(self) -> dict | None:
        """The games in progress, for a checkpoint (None where some wrapper cannot be saved)."""
        return vector_env_state(self.envs)

    def load_state(self, state: dict) -> None:
        load_vector_env_state(self.envs, state)

    def close(self) -> None:
        self.envs.close()


# ----- the games in progress, for checkpoints (Chapter 12: an exact resume) -----
# Wrappers that keep nothing from one step to the next (NoopReset and the FIRE press draw from and act
# on the emulator below them). Those with state define get_wrapper_state/set_wrapper_state.
STATELESS_WRAPPERS = (NoopReset, FireReset, Resize84, AddHistoryAxis)
# gymnasium's own wrappers, added by gym.make: the attributes that change while a game is played.
GYMNASIUM_WRAPPER_FIELDS = {
    TimeLimit: ("_elapsed_steps",),
    OrderEnforcing: ("_has_reset",),
    PassiveEnvChecker: ("checked_reset", "checked_step", "checked_render", "checked_data_reuse"),
}


def _storable(value: Any) -> Any:
    """numpy arrays -> tensors (weights_only=True loads tensors and plain data, not numpy arrays)."""
    if isinstance(value, np.ndarray):
        return torch.from_numpy(np.array(value, copy=True))
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {key: _storable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_storable(item) for item in value]
    return value


def _from_storable(value: Any) -> Any:
    """The inverse of _storable: every tensor in an env state was a numpy array."""
    if isinstance(value, torch.Tensor):
        return value.numpy().copy()
    if isinstance(value, dict):
        return {key: _from_storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_from_storable(item) for item in value]
    return value


def _layers(env: gym.Env) -> list[gym.Env]:
    """The env and every wrapper in it, outermost first, the bare environment last."""
    layers = [env]
    while isinstance(layers[-1], gym.Wrapper):
        layers.append(layers[-1].env)
    return layers


def _layer_state(layer: gym.Env) -> dict | None:
    """One layer's state as plain data and numpy arrays; None for a layer we cannot save."""
    kind = type(layer)
    if getattr(kind, "get_wrapper_state", None) is not None:  # ours, with state (looked up on the class:
        return layer.get_wrapper_state()  # gymnasium 0.x forwarded attributes)
    if kind in STATELESS_WRAPPERS:
        return {}
    if kind in GYMNASIUM_WRAPPER_FIELDS:
        return {name: getattr(layer, name) for name in GYMNASIUM_WRAPPER_FIELDS[kind]}
    if isinstance(layer, gym.Wrapper):
        return None
    if hasattr(layer, "ale"):  # ALE's AtariEnv
        return emulator_state(layer)
    # gymnasium's classic control games (CartPole, Acrobot, ...): all they change is the physical state,
    # the steps counted past a terminal state, and their generator.
    if layer.__class__.__module__.startswith("gymnasium.envs.classic_control") and hasattr(layer, "state"):
        return {
            "state": None if layer.state is None else np.array(layer.state, copy=True),
            "steps_beyond_terminated": getattr(layer, "steps_beyond_terminated", None),
            "np_random": layer.np_random.bit_generator.state,
        }
    return None


def _load_layer_state(layer: gym.Env, state: dict) -> None:
    kind = type(layer)
    if getattr(kind, "get_wrapper_state", None) is not None:
        layer.set_wrapper_state(state)
    elif kind in STATELESS_WRAPPERS:
        pass
    elif kind in GYMNASIUM_WRAPPER_FIELDS:
        for name in GYMNASIUM_WRAPPER_FIELDS[kind]:
            setattr(layer, name, state[name])
    elif hasattr(layer, "ale"):
        load_emulator_state(layer, state)
    else:
        layer.state = None if state["state"] is None else np.array(state["state"], copy=True)
        if hasattr(layer, "steps_beyond_terminated"):
            layer.steps_beyond_terminated = state["steps_beyond_terminated"]
        layer.np_random.bit_generator.state = state["np_random"]


def env_state(env: gym.Env) -> list[dict] | None:
    """The state of one env's game in progress, a list with one entry per layer (outermost first).

    None when some layer is one we do not know how to save: the run then starts new games on resume.
    """
    states = [_layer_state(layer) for layer in _layers(env)]
    return None if any(state is None for state in states) else _storable(states)


def load_env_state(env: gym.Env, state: list[dict]) -> None:
    """Restore what env_state returned into an env built from the same Config."""
    layers = _layers(env)
    names = [type(layer).__name__ for layer in layers]
    if len(state) != len(layers):
        raise UserError(
            f"the checkpoint's games were saved from {len(state)} env layers, this env has "
            f"{len(layers)} ({', '.join(names)}): resume with the run's own config"
        )
    for layer, layer_state in zip(layers, _from_storable(state)):
        _load_layer_state(layer, layer_state)


def vector_env_state(envs: gym.vector.VectorEnv) -> dict | None:
    """The games in progress of a SyncVectorEnv: each env's state and the autoreset bookkeeping.

    None for any other vector env (the fast engine's C++ emulators give no access to their state).
    """
    if not isinstance(envs, gym.vector.SyncVectorEnv):
        return None
    states = [env_state(env) for env in envs.envs]
    if any(state is None for state in states):
        return None
    return {"envs": states, "autoreset_envs": _storable(np.asarray(envs._autoreset_envs, dtype=bool))}


def load_vector_env_state(envs: gym.vector.VectorEnv, state: dict) -> None:
    if not isinstance(envs, gym.vector.SyncVectorEnv) or len(state["envs"]) != len(envs.envs):
        raise UserError(
            f"the checkpoint holds {len(state['envs'])} games in progress, which do not fit these "
            f"emulators: resume with the run's own config"
        )
    for env, env_saved in zip(envs.envs, state["envs"]):
        load_env_state(env, env_saved)
    envs._autoreset_envs = _from_storable(state["autoreset_envs"]).astype(bool)
