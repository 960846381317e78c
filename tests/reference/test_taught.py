"""The code the chapters teach is the code the agent runs (dqn_tutorial/taught.py).

Three checks, none of which trusts the table it checks:
- every exercise function of solutions/ is a row of TAUGHT (or a chapter-only analysis function), with
  the reference function of the same name and signature;
- a spy: a copy of solutions/ whose every taught function records its calls is installed with
  `use_implementation`, then a short Nature run, a short 2013 run and the random baseline are played.
  Every taught function must have been called by the agent itself (nothing here calls them);
- `dqn-tutorial train --impl solutions` ends bit for bit where the reference run ends (weights, optimizer,
  replay memory, log rows); with the stubs of chapters/ every function reports "not done yet".
"""

from __future__ import annotations

import ast
import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from dqn_tutorial.implementations import load_exercises
from dqn_tutorial.taught import CHAPTER_ONLY, TAUGHT

REPOSITORY = Path(__file__).resolve().parents[2]
SOLUTIONS = REPOSITORY / "solutions"
TINY = [
    "--total-steps",
    "400",
    "--learning-starts",
    "100",
    "--replay-capacity",
    "1000",
    "--epsilon-decay-steps",
    "200",
    "--target-sync-every",
    "100",
    "--log-every",
    "100",
    "--eval-every",
    "400",
    "--eval-episodes",
    "2",
    "--device",
    "cpu",
    "--no-progress",
]


def exercise_functions(path: Path) -> list[str]:
    """Top-level functions and classes whose docstring starts with 'Exercise N.M'."""
    tree = ast.parse(path.read_text())
    return [
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and (ast.get_docstring(node) or "").startswith("Exercise")
    ]


def test_every_exercise_function_is_taught_or_chapter_only():
    taught = {(row.chapter, row.name) for row in TAUGHT}
    for path in sorted(SOLUTIONS.glob("*/exercises.py")):
        chapter = path.parent.name
        for name in exercise_functions(path):
            assert (chapter, name) in taught or name in CHAPTER_ONLY, (
                f"{chapter}/exercises.py: exercise function {name} is neither run by the agent (taught.TAUGHT) "
                f"nor listed as chapter-only (taught.CHAPTER_ONLY)"
            )


def parameters(function) -> list[tuple[str, object, object]]:
    target = function.__init__ if inspect.isclass(function) else function
    return [(p.name, p.kind, p.default) for p in inspect.signature(target).parameters.values()]


@pytest.mark.parametrize("row", TAUGHT, ids=lambda row: row.name)
def test_the_exercise_and_the_reference_share_name_and_signature(row):
    import importlib

    reference = getattr(importlib.import_module(f"dqn_tutorial.{row.module}"), row.name)
    for which in ("solutions", "chapters"):
        theirs = getattr(load_exercises(row.chapter, which), row.name, None)
        assert theirs is not None, f"{which}/{row.chapter}/exercises.py has no {row.name}"
        assert parameters(theirs) == parameters(reference), (
            f"{row.name}: {which}/{row.chapter} has {inspect.signature(theirs)}, dqn_tutorial.{row.module} "
            f"has {inspect.signature(reference)}"
        )


SPY = """

# ---- appended by tests/reference/test_taught.py: record every call of the taught functions ----
def _spied(_name, _function):
    import functools
    import inspect

    if inspect.isclass(_function):
        class _Spied(_function):
            def __init__(self, *args, **kwargs):
                _record(_name)
                super().__init__(*args, **kwargs)
        _Spied.__name__ = _Spied.__qualname__ = _function.__name__
        _Spied.__doc__ = _function.__doc__
        return _Spied

    @functools.wraps(_function)
    def _call(*args, **kwargs):
        _record(_name)
        return _function(*args, **kwargs)
    return _call


def _record(_name):
    import os
    with open(os.environ["SPY_FILE"], "a") as _out:
        _out.write(_name + "\\n")


for _name in {names!r}:
    globals()[_name] = _spied(_name, globals()[_name])
"""

PLAY = """
import torch
torch.set_num_threads(1)
from dqn_tutorial.taught import use_implementation
lines = use_implementation("chapters")
print("\\n".join(lines))
from dqn_tutorial.atari import make_atari_env, random_agent_returns
from dqn_tutorial.config import get_preset
from dqn_tutorial.training import train
args = dict(total_steps=400, learning_starts=100, replay_capacity=1000, epsilon_decay_steps=200,
            target_sync_every=100, log_every=100, eval_every=400, eval_episodes=2, device="cpu")
train(get_preset("nature2015").replace(**args), "{run}/nature", progress=False)
train(get_preset("dqn2013").replace(**args), "{run}/dqn2013", progress=False)
random_agent_returns(make_atari_env("Breakout"), episodes=1, seed=0)
"""


def test_the_agent_calls_every_taught_function(tmp_path):
    root = tmp_path / "repository"
    shutil.copytree(SOLUTIONS, root / "chapters")  # the answers, as a learner who has done every exercise
    (root / "solutions").mkdir()
    by_chapter: dict[str, list[str]] = {}
    for row in TAUGHT:
        by_chapter.setdefault(row.chapter, []).append(row.name)
    for chapter, names in by_chapter.items():
        path = root / "chapters" / chapter / "exercises.py"
        path.write_text(path.read_text() + SPY.format(names=names))
    spy_file = tmp_path / "calls.txt"
    env = {**os.environ, "DQN_TUTORIAL_ROOT": str(root), "SPY_FILE": str(spy_file), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", PLAY.format(run=tmp_path / "runs")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "not done" not in done.stdout, done.stdout
    called = set(spy_file.read_text().split()) if spy_file.exists() else set()
    missing = [f"{row.chapter}/{row.name} (should run in {row.runs_in})" for row in TAUGHT if row.name not in called]
    assert not missing, "the agent never called these taught functions:\n  " + "\n  ".join(missing)


def run_cli(*args: str, cwd: Path) -> None:
    env = {**os.environ, "DQN_TUTORIAL_ROOT": str(REPOSITORY), "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "dqn_tutorial", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def table(path: Path, drop=("wall_seconds", "steps_per_second")) -> list[dict]:
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    return [{k: v for k, v in zip(header, line.split(",")) if k not in drop} for line in lines[1:]]


@pytest.mark.parametrize("preset", ["nature2015", "dqn2013"])
def test_training_with_the_solutions_is_bit_identical_to_the_reference(tmp_path, preset):
    runs = {}
    for which in ("reference", "solutions"):
        runs[which] = tmp_path / which
        run_cli("train", "--preset", preset, *TINY, "--impl", which, "--run-dir", str(runs[which]), cwd=tmp_path)
    ours, theirs = (torch.load(runs[w] / "checkpoints" / "latest.pt", weights_only=True) for w in runs)
    for name, tensor in ours["online"].items():
        assert torch.equal(tensor, theirs["online"][name]), f"{preset}: online weights {name} differ"
    assert ours["updates"] == theirs["updates"] > 0 and ours["step"] == theirs["step"] == 400
    for key, value in ours["optimizer"]["state"].items():
        for field, tensor in value.items():
            if torch.is_tensor(tensor):
                assert torch.equal(tensor, theirs["optimizer"]["state"][key][field]), f"optimizer {key}.{field}"
    replay = [
        torch.load(
            runs[w]
            / "checkpoints"
            / torch.load(runs[w] / "checkpoints" / "latest.pt", weights_only=True)["replay_file"],
            weights_only=True,
        )
        for w in runs
    ]
    for field, tensor in replay[0].items():
        if torch.is_tensor(tensor):
            assert torch.equal(tensor, replay[1][field]), f"replay memory {field} differs"
    assert table(runs["reference"] / "metrics.csv") == table(runs["solutions"] / "metrics.csv")
    assert table(runs["reference"] / "evaluations.csv") == table(runs["solutions"] / "evaluations.csv")


def test_the_stubs_report_every_exercise_not_done(tmp_path):
    script = "from dqn_tutorial.taught import use_implementation; print('\\n'.join(use_implementation('chapters')))"
    env = {**os.environ, "DQN_TUTORIAL_ROOT": str(REPOSITORY)}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert len(lines) == len(TAUGHT) and all("not done yet" in line for line in lines), done.stdout
