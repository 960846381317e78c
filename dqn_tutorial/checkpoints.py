"""Checkpoints written atomically (Chapter 12): a crash mid-write never destroys the last good one."""

from __future__ import annotations

import os
import pickle
import zipfile
from pathlib import Path
from typing import Any

import torch

from dqn_tutorial.errors import UserError


def atomic_save(obj: Any, path: Path) -> None:
    """torch.save to a temporary file beside `path`, fsync, then rename over it (atomic on POSIX)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as handle:
        torch.save(obj, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def load_checkpoint(path: Path, map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """Load a checkpoint or a run directory's latest one; a clear error if missing or damaged."""
    path = resolve_checkpoint_path(path)
    try:
        checkpoint = torch.load(path, map_location=map_location, weights_only=False)
    except (pickle.UnpicklingError, zipfile.BadZipFile, RuntimeError, EOFError, ValueError) as error:
        raise UserError(f"checkpoint {path} is damaged or not a checkpoint ({type(error).__name__}); "
                        f"use another one from its checkpoints/ folder") from None
    if not isinstance(checkpoint, dict) or "online" not in checkpoint or "config" not in checkpoint:
        raise UserError(f"{path} is not a dqn-tutorial checkpoint (no network weights or config in it)")
    return checkpoint


def resolve_checkpoint_path(path: Path) -> Path:
    """A file is taken as is; a run directory means its checkpoints/latest.pt."""
    path = Path(path)
    if path.is_dir():
        candidate = path / "checkpoints" / "latest.pt"
        if not candidate.is_file():
            raise UserError(f"run directory {path} has no checkpoint yet ({candidate} is missing)")
        return candidate
    if not path.is_file():
        raise UserError(f"no checkpoint at {path}: give a .pt file or a run directory")
    return path
