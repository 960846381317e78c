"""Record one game played by a network to a GIF or MP4 (Chapter 12)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import torch

from dqn_tutorial.config import Config
from dqn_tutorial.environment import make_env
from dqn_tutorial.errors import UserError
from dqn_tutorial.exploration import epsilon_greedy, q_values


def play_and_capture(
    network: torch.nn.Module,
    config: Config,
    seed: int,
    epsilon: float,
    device: str | torch.device = "cpu",
    max_agent_steps: int | None = None,
) -> tuple[list[np.ndarray], float]:
    """RGB frames of one game (one per agent step) and its real score.

    Actions from `epsilon_greedy(q_values(network, ...), epsilon, rng)` (Chapter 6), the network on its
    own device (`device` is not needed for that).
    """
    if not _is_probability(epsilon):
        raise UserError(f"epsilon must be between 0 and 1, got {epsilon!r}: fix --epsilon")
    if max_agent_steps is not None and max_agent_steps < 1:
        raise UserError(f"max_agent_steps must be 1 or more, got {max_agent_steps}: fix --max-steps")
    check_can_render(config)
    env = make_env(config, seed=seed, evaluation=True, render_mode="rgb_array")
    rng = np.random.default_rng(seed)
    observation, _ = env.reset(seed=seed)
    frames, total, done, steps = [env.render()], 0.0, False, 0
    network.eval()
    while not done and (max_agent_steps is None or steps < max_agent_steps):
        action = epsilon_greedy(q_values(network, observation[None]), epsilon, rng)[0]
        observation, reward, terminated, truncated, _ = env.step(int(action))
        frames.append(env.render())
        total += float(reward)
        steps += 1
        done = terminated or truncated
    env.close()
    return frames, total


def _is_probability(value) -> bool:
    try:
        return 0.0 <= float(value) <= 1.0  # False for nan
    except (TypeError, ValueError):
        return False


VIDEO_FORMATS = (".gif", ".mp4")


def check_video_path(path: Path) -> None:
    """The format comes from the extension: checked before a game is played, not after."""
    if Path(path).suffix.lower() not in VIDEO_FORMATS:
        raise UserError(
            f"unsupported video format {Path(path).suffix or '(no extension)'!r} for --output {path}: "
            f"end it with .gif or .mp4"
        )


def check_can_render(config: Config) -> None:
    """Atari games render through ALE; gymnasium's classic-control games (CartPole) need pygame."""
    if not config.is_atari and importlib.util.find_spec("pygame") is None:
        raise UserError(
            f"recording {config.env_id} needs pygame, which is not installed: "
            f"pip install pygame (Atari runs record without it)"
        )


def write_video(frames: list[np.ndarray], path: Path, fps: int = 15) -> Path:
    """GIF (plays everywhere, the book uses it) or MP4, chosen by the file extension; never overwrites."""
    path = Path(path)
    check_video_path(path)
    if not frames:
        raise UserError("no frames to write")
    if path.exists():
        raise UserError(f"{path} already exists: choose another --output (nothing was overwritten)")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".gif":
        from PIL import Image

        images = [Image.fromarray(frame) for frame in frames]
        images[0].save(path, save_all=True, append_images=images[1:], duration=int(1000 / fps), loop=0)
    elif path.suffix.lower() == ".mp4":
        import cv2

        height, width = frames[0].shape[:2]
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
        for frame in frames:
            writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
        writer.release()
    return path
