"""Loads a chapter's exercises: the learner's (chapters/) or the answers (solutions/).

One switch serves the notebooks, the graders and the book build: the environment variable
DQN_TUTORIAL_IMPL = "chapters" (default: your own code) or "solutions" (the book build and
`pytest --impl=solutions`). Modules are loaded from their file path under a private name, so the
learner's code never finds the solutions on sys.path by accident.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

from dqn_tutorial.errors import UserError

REPOSITORY = Path(__file__).resolve().parent.parent
ENV_VARIABLE = "DQN_TUTORIAL_IMPL"
IMPLEMENTATIONS = ("chapters", "solutions")


def current_implementation() -> str:
    value = os.environ.get(ENV_VARIABLE, "chapters")
    if value not in IMPLEMENTATIONS:
        raise UserError(f"{ENV_VARIABLE}={value!r}: set it to 'chapters' (your code) or 'solutions'")
    return value


def chapter_directory(chapter: str, implementation: str | None = None) -> Path:
    """chapter is the folder name, e.g. '05_replay_memory'."""
    return REPOSITORY / (implementation or current_implementation()) / chapter


def load_module_from_path(path: Path, module_name: str) -> ModuleType:
    if not path.is_file():
        raise UserError(f"no exercise file at {path}")
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses and pickling look modules up by name
    spec.loader.exec_module(module)
    return module


def load_exercises(chapter: str, implementation: str | None = None) -> ModuleType:
    """The `exercises.py` of a chapter, from chapters/ or solutions/ according to the switch."""
    implementation = implementation or current_implementation()
    path = chapter_directory(chapter, implementation) / "exercises.py"
    return load_module_from_path(path, f"{implementation}_{chapter}_exercises")
