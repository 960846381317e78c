"""Builds the environments a run needs from its Config: Atari games through atari.py, others through gymnasium.

Every observation comes out as (history, *frame_shape), so the replay memory and the networks treat
CartPole's 4 numbers and Breakout's 4 stacked frames alike.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np

from dqn_tutorial.atari import make_atari_env
from dqn_tutorial.config import Config
from dqn_tutorial.errors import UserError


class AddHistoryAxis(gym.ObservationWrapper):
    """(features,) -> (1, features): a history of one, so every observation has the same layout."""

    def __init__(self, env: gym.Env):
        super().__init__(env)
        space = env.observation_space
        self.observation_space = gym.spaces.Box(space.low[None], space.high[None], (1, *space.shape), space.dtype)

    def observation(self, observation):
        return np.asarray(observation)[None]


def make_env(config: Config, seed: int | None = None, evaluation: bool = False, render_mode: str | None = None) -> gym.Env:
    """One environment; `evaluation` caps games at eval_max_frames (5 minutes of play for Atari)."""
    max_frames = config.eval_max_frames if evaluation else config.max_episode_frames
    if config.is_atari:
        env = make_atari_env(
            config.env_id, seed=seed, frame_skip=config.frame_skip, max_last_two=config.max_last_two,
            noop_max=config.noop_max, fire_reset=config.fire_reset, history_length=config.history_length,
            sticky_action_probability=config.sticky_action_probability, max_episode_frames=max_frames,
            render_mode=render_mode)
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
