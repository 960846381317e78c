"""dqn_tutorial.implementations: finding chapters/ and solutions/, the DQN_TUTORIAL_IMPL switch, and a
reference package that works without the test tools (no pytest, no grading, no mutants)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dqn_tutorial import implementations
from dqn_tutorial.errors import UserError
from dqn_tutorial.implementations import ENV_VARIABLE, ROOT_VARIABLE

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def clean_env(monkeypatch):
    """No DQN_TUTORIAL_ROOT / DQN_TUTORIAL_IMPL (the grading harness sets them for the whole run)."""
    monkeypatch.delenv(ROOT_VARIABLE, raising=False)
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    return monkeypatch


def fake_repository(folder: Path) -> Path:
    for which in ("chapters", "solutions"):
        (folder / which / "99_demo").mkdir(parents=True)
        (folder / which / "99_demo" / "exercises.py").write_text(f"WHICH = {which!r}\n")
    return folder


def test_root_from_the_environment_variable(clean_env, tmp_path):
    root = fake_repository(tmp_path / "elsewhere")
    clean_env.setenv(ROOT_VARIABLE, str(root))
    assert implementations.repository_root() == root.resolve()
    assert implementations.exercises_root("solutions") == root.resolve() / "solutions"


def test_root_from_the_current_folder_and_above(clean_env, tmp_path):
    root = fake_repository(tmp_path / "clone")
    clean_env.chdir(root / "chapters" / "99_demo")  # where Jupyter runs a chapter's notebook
    assert implementations.repository_root() == root.resolve()
    module = implementations.load_exercises("99_demo")
    assert module.WHICH == "chapters"
    assert module.__name__ == "chapters_99_demo_exercises"  # a private name, loaded from its file path
    assert implementations.load_exercises("99_demo", "solutions").WHICH == "solutions"


def test_root_beside_the_package_or_a_clear_error(clean_env, tmp_path):
    clean_env.chdir(tmp_path)
    package_parent = Path(implementations.__file__).resolve().parent.parent
    if (package_parent / "chapters").is_dir() and (package_parent / "solutions").is_dir():
        assert implementations.repository_root() == package_parent  # an editable install
    clean_env.setattr(implementations, "__file__", str(tmp_path / "site-packages" / "dqn_tutorial" / "x.py"))
    with pytest.raises(UserError, match=f"run from inside the repository, or set {ROOT_VARIABLE}") as error:
        implementations.repository_root()
    assert "\n" not in str(error.value)


def test_bad_values_give_one_line_errors(clean_env, tmp_path):
    clean_env.setenv(ENV_VARIABLE, "mutant:06_exploration/anything")  # the graders' business, not the package's
    with pytest.raises(UserError, match="'chapters' .* or 'solutions'"):
        implementations.current_implementation()
    clean_env.setenv(ENV_VARIABLE, "solutions")
    clean_env.setenv(ROOT_VARIABLE, str(tmp_path))
    with pytest.raises(UserError, match=f"{ROOT_VARIABLE}=.*no chapters/ or solutions/ folder"):
        implementations.load_exercises("06_exploration")
    clean_env.setenv(ROOT_VARIABLE, str(fake_repository(tmp_path / "clone")))
    with pytest.raises(UserError, match="no exercise file"):
        implementations.load_exercises("42_nothing")


def test_the_package_never_imports_the_test_tools(tmp_path):
    """Every module of dqn_tutorial imports without pytest or tests/grading.py (pip install . without [dev])."""
    code = (
        "import pkgutil, importlib, sys, dqn_tutorial\n"
        "for info in pkgutil.walk_packages(dqn_tutorial.__path__, 'dqn_tutorial.'):\n"
        "    if not info.name.endswith('__main__'):\n"
        "        importlib.import_module(info.name)\n"
        "bad = sorted(name for name in sys.modules if name.split('.')[0] in ('pytest', '_pytest', 'grading'))\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
