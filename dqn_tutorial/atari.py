"""The Atari environment (Chapter 1: Atari): Breakout from the Arcade Learning Environment, set up
as in the DQN papers, and the random-agent baseline every score is compared with.

`make_atari_env` stacks the wrappers of Chapter 2 (preprocessing) and Chapter 10 (frame skipping)
on the raw emulator. ALE's `-v5` games default to sticky actions and ALE-side frame skipping; the
papers used neither, so both are switched off here and done by our own readable wrappers instead.

Chapter 1's exercises are here: `lost_a_life` (FrameSkip's `skip_step` reports `info["life_lost"]`
with it), `play_random_game` (the random baseline, `random_agent_returns`) and `summarize_scores`
(every evaluation's mean and standard deviation, `evaluation.EvaluationResult`).
"""

from __future__ import annotations

import difflib

import ale_py
import gymnasium as gym
import numpy as np

from dqn_tutorial.errors import UserError
from dqn_tutorial.preprocessing import FireReset, FrameStack, NoopReset, Resize84

gym.register_envs(ale_py)
# ALE prints its banner to stderr each time an emulator starts (the C++ vector env too): in notebooks
# and logs it is noise. Errors are still reported.
ale_py.ALEInterface.setLoggerMode(ale_py.LoggerMode.Error)

# Average score of an agent pressing random buttons, as reported by each paper (Breakout).
PAPER_RANDOM_BREAKOUT = {"2013": 1.2, "2015": 1.7}

RENDER_MODES = (None, "rgb_array", "human")


def _ale_games() -> dict[str, str]:
    """Lower-case game name -> gymnasium id, for every ALE game registered by ale_py."""
    return {
        env_id[len("ALE/") : -len("-v5")].lower(): env_id
        for env_id in gym.registry
        if env_id.startswith("ALE/") and env_id.endswith("-v5")
    }


def ale_env_id(game: str) -> str:
    """Gymnasium id of an Atari game: "Breakout" (any case) or "ALE/Breakout-v5" -> "ALE/Breakout-v5"."""
    games = _ale_games()
    if not isinstance(game, str):
        raise UserError(f"game must be a name like 'Breakout', got {game!r}")
    if game in games.values():
        return game
    key = game.lower()
    if key not in games:
        close = difflib.get_close_matches(key, games, n=3)
        hint = f"; did you mean {', '.join(games[c][4:-3] for c in close)}?" if close else "; try 'Breakout'"
        raise UserError(f"unknown Atari game {game!r}{hint}")
    return games[key]


def _check_whole(name: str, value, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise UserError(f"{name} must be a whole number >= {minimum}, got {value!r}")


def make_atari_env(
    game: str = "Breakout",
    *,
    seed: int | None = None,
    frame_skip: int = 4,
    max_last_two: bool = True,
    noop_max: int = 30,
    fire_reset: bool = True,
    history_length: int = 4,
    sticky_action_probability: float = 0.0,
    max_episode_frames: int = 108_000,
    render_mode: str | None = None,
) -> gym.Env:
    """Atari game preprocessed as in the papers; observations are (history_length, 84, 84) uint8.

    Wrappers, from the emulator up: NoopReset -> FrameSkip -> FireReset -> Resize84 -> FrameStack.
    The emulator gives grayscale screens (ALE's luminance, pixel for pixel what Chapter 2's
    `to_grayscale` computes from the colour screen, at a third of the cost: see Chapter 2).
    One `step` is one agent step = `frame_skip` emulator frames. `max_episode_frames` counts emulator
    frames (108,000 = 30 minutes at 60 Hz, ALE's default; the Nature evaluation used 18,000 = 5 minutes).
    Rewards are the real, unclipped game points; `info` carries `lives` and `life_lost`, and a lost
    life does not end the episode. With a `seed`, the env is reset once here so that a plain
    `reset()` afterwards is reproducible.
    """
    # Imported here, not at the top: frame_skipping imports `lost_a_life` from this module.
    from dqn_tutorial.frame_skipping import FrameSkip

    env_id = ale_env_id(game)
    _check_whole("frame_skip", frame_skip, 1)
    _check_whole("noop_max", noop_max, 0)
    _check_whole("history_length", history_length, 1)
    _check_whole("max_episode_frames", max_episode_frames, 1)
    if seed is not None:
        _check_whole("seed", seed, 0)
    if isinstance(sticky_action_probability, bool) or not (
        isinstance(sticky_action_probability, (int, float)) and 0.0 <= sticky_action_probability <= 1.0
    ):
        raise UserError(f"sticky_action_probability must be between 0 and 1, got {sticky_action_probability!r}")
    if render_mode not in RENDER_MODES:
        raise UserError(f"render_mode must be one of {RENDER_MODES}, got {render_mode!r}")

    env = gym.make(
        env_id,
        obs_type="grayscale",  # ALE's luminance (the paper's Y channel) = to_grayscale of the RGB screen
        frameskip=1,  # the emulator steps one frame at a time; FrameSkip repeats actions
        repeat_action_probability=float(sticky_action_probability),
        full_action_space=False,  # Breakout: NOOP, FIRE, RIGHT, LEFT
        max_num_frames_per_episode=int(max_episode_frames),
        render_mode=render_mode,
    )
    env = NoopReset(env, noop_max=noop_max)
    env = FrameSkip(env, skip=frame_skip, max_last_two=max_last_two)
    if fire_reset and "FIRE" in env.unwrapped.get_action_meanings():
        env = FireReset(env)
    env = Resize84(env)
    env = FrameStack(env, history_length=history_length)
    if seed is not None:
        env.reset(seed=int(seed))
        env.action_space.seed(int(seed))
    return env


def emulator_state(env: gym.Env) -> dict:
    """The emulator's whole state, so a resumed run continues the same game exactly (Chapter 12).

    ALE's state with its random generator (`cloneState(include_rng=True)`: RAM, CPU and TIA registers,
    frame counters, the sticky-action generator), as bytes in a uint8 array, and the env's numpy
    generator (NoopReset draws its no-op counts from it). Plain data and arrays only, so a checkpoint
    holding it loads with weights_only=True once the arrays are tensors (environment.env_state).
    """
    atari = env.unwrapped
    serialized = atari.ale.cloneState(include_rng=True).serialize()
    return {"ale": np.frombuffer(serialized, dtype=np.uint8).copy(), "np_random": atari.np_random.bit_generator.state}


def load_emulator_state(env: gym.Env, state: dict) -> None:
    """Put an emulator back in the state `emulator_state` returned (same game, any seed)."""
    atari = env.unwrapped
    atari.ale.restoreState(ale_py.ALEState(np.asarray(state["ale"], dtype=np.uint8).tobytes()))
    atari.np_random.bit_generator.state = state["np_random"]


def random_agent_returns(env: gym.Env, episodes: int, seed: int) -> list[float]:
    """Scores of `episodes` whole games of `play_random_game`: the papers' "random" baseline.

    The env is reset once with `seed` and the actions are drawn from `np.random.default_rng(seed)`,
    so one seed fixes the whole series. A game ends only when the env says terminated or truncated
    (all lives gone, or the frame limit), and the scores are the env's raw rewards, so
    `make_atari_env` gives real game points.
    """
    _check_whole("episodes", episodes, 1)
    _check_whole("seed", seed, 0)
    rng = np.random.default_rng(seed)
    env.reset(seed=int(seed))  # seeds the emulator's generators; each game then starts with a plain reset
    return [play_random_game(env, rng)[0] for _ in range(episodes)]


def lost_a_life(previous_info: dict, info: dict) -> bool:
    """True when the `lives` counter fell between two consecutive `info` dicts (Chapter 1, Exercise 1.1).

    Why: the 2015 agent treats a lost life as the end of an episode for learning, and `FireReset`
    presses FIRE after one; FrameSkip's `skip_step` asks this on every emulator frame. Only a fall
    counts: the jump back to 5 lives at a reset is a new game, not a lost life.
    """
    return bool(info["lives"] < previous_info["lives"])


def play_random_game(env: gym.Env, rng: np.random.Generator) -> tuple[float, int]:
    """One whole game with uniformly random actions from `rng`: (score, agent steps) (Chapter 1, Exercise 1.2).

    Why: a random player is the floor the papers compare every agent with (Breakout: 1.2 in 2013,
    1.7 in 2015). Starts with a plain `env.reset()` (seed the env beforehand for a reproducible game)
    and plays until terminated or truncated, one `int(rng.integers(env.action_space.n))` per step.
    The score is the sum of the env's rewards (real game points with `make_atari_env`); the steps
    are calls to `env.step`, i.e. agent steps, not emulator frames.
    """
    env.reset()
    score = 0.0
    steps = 0
    done = False
    while not done:
        action = int(rng.integers(env.action_space.n))
        _, reward, terminated, truncated, _ = env.step(action)
        score += reward
        steps += 1
        done = terminated or truncated
    return float(score), steps


def summarize_scores(scores: list[float]) -> tuple[float, float, float]:
    """(mean, standard deviation, standard error of the mean) of at least two game scores (Chapter 1, Exercise 1.3).

    Why: every evaluation reports mean +- std (`evaluation.EvaluationResult`), as the papers do. The
    standard deviation is the sample one (divide by n - 1): it describes how much single games vary.
    The standard error std / sqrt(n) says how precisely the mean is known, which is what matters
    when an average is compared with a paper's figure.
    """
    values = np.asarray(scores, dtype=np.float64)
    if values.ndim != 1 or len(values) < 2:
        raise UserError(f"summarize_scores needs a flat list of at least 2 scores, got {len(np.atleast_1d(values))}")
    n = len(values)
    mean = values.mean()
    std = np.sqrt(((values - mean) ** 2).sum() / (n - 1))
    return float(mean), float(std), float(std / np.sqrt(n))
