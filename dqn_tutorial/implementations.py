"""Loads a chapter's exercises: the learner's (chapters/) or the answers (solutions/).

One switch serves the notebooks, the graders and the book build: the environment variable
DQN_TUTORIAL_IMPL = "chapters" (default: your own code) or "solutions" (the book build and
`pytest --impl=solutions`). Modules are loaded from their file path under a private name, so the
learner's code never finds the solutions on sys.path by accident.

The folders chapters/ and solutions/ are not part of the installed package: they live in the tutorial's
repository, found (see `repository_root`) from DQN_TUTORIAL_ROOT, else from the current folder, else next
to the package (an editable install).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

from dqn_tutorial.errors import UserError

ENV_VARIABLE = "DQN_TUTORIAL_IMPL"
ROOT_VARIABLE = "DQN_TUTORIAL_ROOT"
IMPLEMENTATIONS = ("chapters", "solutions")


def check_implementation(value: str) -> str:
    """`value` if it is 'chapters' or 'solutions'; otherwise a one-line UserError."""
    if value not in IMPLEMENTATIONS:
        raise UserError(f"{ENV_VARIABLE}={value!r}: set it to 'chapters' (your code) or 'solutions' (the answers)")
    return value


def current_implementation() -> str:
    """The value of DQN_TUTORIAL_IMPL (default 'chapters'), checked."""
    return check_implementation(os.environ.get(ENV_VARIABLE, "chapters"))


def _holds_exercises(folder: Path) -> bool:
    return (folder / "chapters").is_dir() and (folder / "solutions").is_dir()


def repository_root() -> Path:
    """The tutorial's repository folder, the one holding chapters/ and solutions/ (and book/).

    In order: DQN_TUTORIAL_ROOT if set; else the current folder or the nearest folder above it that holds
    both chapters/ and solutions/; else the folder above the package (an editable install). Otherwise a
    one-line UserError saying what to do.
    """
    value = os.environ.get(ROOT_VARIABLE)
    if value:
        root = Path(value).expanduser().resolve()
        if not ((root / "chapters").is_dir() or (root / "solutions").is_dir()):
            raise UserError(
                f"{ROOT_VARIABLE}={value!r}: no chapters/ or solutions/ folder there; "
                f"set it to the tutorial repository's folder"
            )
        return root
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if _holds_exercises(folder):
            return folder
    beside_package = Path(__file__).resolve().parent.parent
    if _holds_exercises(beside_package):
        return beside_package
    raise UserError(
        f"cannot find the tutorial's chapters/ and solutions/ folders from {here}: run from inside "
        f"the repository, or set {ROOT_VARIABLE} to its folder"
    )


def exercises_root(which: str | None = None) -> Path:
    """The folder chapters/ or solutions/ (default: the one DQN_TUTORIAL_IMPL names)."""
    which = check_implementation(which or current_implementation())
    folder = repository_root() / which
    if not folder.is_dir():
        raise UserError(
            f"no {which}/ folder in {folder.parent}: set {ROOT_VARIABLE} to the tutorial repository's folder"
        )
    return folder


def _load_module_from_path(path: Path, module_name: str) -> ModuleType:
    if not path.is_file():
        raise UserError(f"no exercise file at {path}")
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses and pickling look modules up by name
    spec.loader.exec_module(module)
    return module


def load_exercises(chapter: str, implementation: str | None = None) -> ModuleType:
    """The `exercises.py` of a chapter (the folder name, e.g. '05_replay_memory'), from chapters/ or
    solutions/ according to `implementation` or, by default, DQN_TUTORIAL_IMPL."""
    implementation = check_implementation(implementation or current_implementation())
    path = exercises_root(implementation) / chapter / "exercises.py"
    return _load_module_from_path(path, f"{implementation}_{chapter}_exercises")
