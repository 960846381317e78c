"""Checkpoints (Chapter 12): written atomically, checked for disk space, loaded without running code.

A crash mid-write never destroys the last good checkpoint: every file is written to `NAME.tmp`, synced
to disk and then renamed over `NAME` (a rename is atomic on POSIX). A checkpoint with its replay memory
is two files, and two renames are not one atomic step, so `latest.pt` is the pointer that publishes a
set: the replay memory is written first, to a file of its own (`replay_step_N_ID.pt`), and `latest.pt`,
written last, names it and carries the same ID. Whatever moment a run is killed at, `latest.pt` names
a complete replay file that belongs to it.

Files are loaded with `torch.load(weights_only=True)`: only tensors and plain data (dicts, lists,
numbers, strings) are unpickled. A full pickle can run any code while it loads, and a checkpoint is a
file users download and share.
"""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path
from typing import Any

import torch

from dqn_tutorial.errors import UserError

TEMPORARY_SUFFIX = ".tmp"  # atomic_save writes NAME.pt.tmp before renaming it to NAME.pt
REPLAY_PREFIX = "replay_step_"  # replay memory files: replay_step_{step:09d}_{id}.pt
FILE_OVERHEAD_BYTES = 1 << 20  # generous room for a file's pickled structure beside its tensors


def atomic_save(obj: Any, path: Path) -> None:
    """torch.save to a temporary file beside `path`, fsync, then rename over it (atomic on POSIX).

    If the write fails (a full disk, an interrupt), the temporary file is removed and `path` keeps its
    previous content. A write error the user can act on (no space, no permission) is a UserError.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + TEMPORARY_SUFFIX)
    try:
        with open(temporary, "wb") as handle:
            torch.save(obj, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        cause = _os_error_in(error)
        if cause is None:
            raise
        free = _free_bytes(path.parent)
        raise UserError(
            f"could not write {path}: {cause.strerror or cause} ({_gb(free)} free there); "
            f"the previous checkpoint is intact: free some space and resume"
        ) from None
    _sync_directory(path.parent)


def _os_error_in(error: BaseException) -> OSError | None:
    """The OSError behind a failed write: torch.save wraps the one its file raised in a RuntimeError."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, OSError):
            return error
        error, seen = error.__cause__ or error.__context__, seen + 1
    return None


def _sync_directory(folder: Path) -> None:
    """Make the renames in `folder` durable too (a power cut could otherwise undo them)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems cannot sync a directory; the rename itself is still atomic
    finally:
        os.close(descriptor)


def _free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def _gb(count: int) -> str:
    return f"{count / 1e9:.3f} GB"


def bytes_to_write(obj: Any) -> int:
    """About how many bytes torch.save writes for `obj`: its tensors' storages plus some room.

    torch.save writes every storage a tensor views once, whole, so storages are counted by address.
    """
    storages: dict[int, int] = {}

    def visit(value: Any) -> None:
        if isinstance(value, torch.Tensor):
            storage = value.untyped_storage()
            storages[storage.data_ptr()] = storage.nbytes()
        elif isinstance(value, dict):
            for item in value.values():
                visit(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                visit(item)

    visit(obj)
    return sum(storages.values()) + FILE_OVERHEAD_BYTES


def ensure_disk_space(folder: Path, needed: int, what: str = "the checkpoint") -> None:
    """Stop with a clear error before a write that cannot fit, instead of failing halfway through it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    free = _free_bytes(folder)
    if needed > free:
        raise UserError(
            f"not enough disk space for {what}: it needs {_gb(needed)} in {folder} but only "
            f"{_gb(free)} is free, so nothing was written (earlier checkpoints are intact); free some "
            f"space (older step_*.pt files there can go) and resume, or train with a smaller replay "
            f"memory (--replay-capacity) or without saving it (--no-save-replay)"
        )


def remove_temporary_files(folder: Path) -> list[Path]:
    """Remove the `*.pt.tmp` files a killed write left in a run's checkpoints/ folder (only those)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    removed = []
    for path in folder.glob("*.pt" + TEMPORARY_SUFFIX):
        if path.is_file():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def replay_file_name(step: int, checkpoint_id: str) -> str:
    return f"{REPLAY_PREFIX}{step:09d}_{checkpoint_id}.pt"


def remove_other_replay_files(folder: Path, keep: str | None) -> None:
    """Remove the replay memory files that `latest.pt` does not name (older sets, or unfinished ones).

    Only our own names are touched: replay_step_*.pt and the older single replay.pt.
    """
    folder = Path(folder)
    for path in [*folder.glob(REPLAY_PREFIX + "*.pt"), folder / "replay.pt"]:
        if path.name != keep and path.is_file():
            path.unlink(missing_ok=True)


def safe_load(path: Path, what: str, map_location: str | torch.device = "cpu", mmap: bool = False) -> Any:
    """torch.load with weights_only=True; damaged or unsafe files end as a one-line UserError."""
    try:
        return torch.load(path, map_location=map_location, weights_only=True, mmap=mmap)
    except pickle.UnpicklingError as error:
        if "weights only" in str(error).lower():
            raise UserError(
                f"refused to load {what} {path}: it holds objects other than tensors and plain "
                f"data, and loading those could run code; use a checkpoint written by "
                f"dqn-tutorial"
            ) from None
        raise UserError(f"{what} {path} is damaged or not a checkpoint (UnpicklingError)") from None
    except Exception as error:  # noqa: BLE001  (garbage makes the unpickler fail in many ways: IndexError, ...)
        raise UserError(
            f"{what} {path} is damaged or not a checkpoint ({type(error).__name__}); "
            f"use another one from its checkpoints/ folder"
        ) from None


def load_checkpoint(path: Path, map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """Load a checkpoint or a run directory's latest one; a clear error if missing, damaged or unsafe."""
    path = resolve_checkpoint_path(path)
    checkpoint = safe_load(path, "checkpoint", map_location)
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
