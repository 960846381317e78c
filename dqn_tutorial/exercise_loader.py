"""Loads a chapter's exercises: the learner's (chapters/) or the answers (solutions/).

One switch serves the notebooks, the graders and the book build: the environment variable
DQN_TUTORIAL_IMPL = "chapters" (default: your own code) or "solutions" (the book build and
`pytest --impl=solutions`). Modules are loaded from their file path under a private name, so the
learner's code never finds the solutions on sys.path by accident.

A third value, "mutant:NN_name/MUTANT", is for testing the graders: it loads the solutions and then
replaces the functions that tests/mutants/NN_name/MUTANT.py defines (a deliberately wrong answer, which
the graders must reject). Other chapters load their solutions unchanged.
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
MUTANT_PREFIX = "mutant:"
MUTANTS_DIRECTORY = REPOSITORY / "tests" / "mutants"


def parse_mutant(value: str) -> tuple[str, str]:
    """'mutant:06_exploration/no_clamp' -> ('06_exploration', 'no_clamp'), checking that the file exists."""
    chapter, _, name = value[len(MUTANT_PREFIX):].partition("/")
    if not chapter or not name or "/" in name:
        raise UserError(f"{ENV_VARIABLE}={value!r}: write it as mutant:NN_chapter/NAME")
    if not (MUTANTS_DIRECTORY / chapter / f"{name}.py").is_file():
        raise UserError(f"{ENV_VARIABLE}={value!r}: no mutant file tests/mutants/{chapter}/{name}.py")
    return chapter, name


def check_implementation(value: str) -> str:
    if value.startswith(MUTANT_PREFIX):
        parse_mutant(value)
    elif value not in IMPLEMENTATIONS:
        raise UserError(
            f"{ENV_VARIABLE}={value!r}: set it to 'chapters' (your code), 'solutions' or 'mutant:NN_chapter/NAME'")
    return value


def current_implementation() -> str:
    return check_implementation(os.environ.get(ENV_VARIABLE, "chapters"))


def chapter_directory(chapter: str, implementation: str | None = None) -> Path:
    """chapter is the folder name, e.g. '05_replay_memory'. Mutants live on top of the solutions."""
    implementation = implementation or current_implementation()
    if implementation.startswith(MUTANT_PREFIX):
        implementation = "solutions"
    return REPOSITORY / implementation / chapter


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
    implementation = check_implementation(implementation or current_implementation())
    path = chapter_directory(chapter, implementation) / "exercises.py"
    if not implementation.startswith(MUTANT_PREFIX):
        return load_module_from_path(path, f"{implementation}_{chapter}_exercises")
    module = load_module_from_path(path, f"solutions_{chapter}_exercises")
    mutant_chapter, name = parse_mutant(implementation)
    if mutant_chapter == chapter:
        apply_mutant(module, MUTANTS_DIRECTORY / chapter / f"{name}.py")
    return module


def apply_mutant(module: ModuleType, mutant_path: Path) -> list[str]:
    """Replace, in `module`, every function and class that the mutant file defines; returns their names.

    The mutant file runs in a namespace pre-filled with the module's own names (its imports and helpers),
    and its definitions are set into the module, so the module's other functions call the wrong version.
    """
    mutant = ModuleType(f"{module.__name__}__mutant_{mutant_path.stem}")
    mutant.__file__ = str(mutant_path)
    mutant.__dict__.update({key: value for key, value in vars(module).items() if not key.startswith("__")})
    code = compile(mutant_path.read_text(), str(mutant_path), "exec")
    exec(code, mutant.__dict__)
    replaced = []
    for key, value in vars(mutant).items():
        if isinstance(value, type) or (callable(value) and hasattr(value, "__code__")):
            if getattr(value, "__module__", None) == mutant.__name__:
                setattr(module, key, value)
                replaced.append(key)
    if not replaced:
        raise UserError(f"mutant {mutant_path} defines no function or class")
    return replaced
