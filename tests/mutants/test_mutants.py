"""Every mutant (a realistic wrong answer in tests/mutants/NN_chapter/NAME.py) must be rejected by its grader.

One subprocess per chapter grades the solutions and all of the chapter's mutants at once
(`pytest tests/graders/test_NN_chapter.py --impl=mutants:NN_chapter`): each grader test runs on the
solutions and on every mutant listing it in CAUGHT_BY. Chapters run in parallel. Then, per mutant:
its file is well formed, the grader passes the solutions, and every CAUGHT_BY test *failed* (not
passed, not skipped, not an error while loading the mutant).
"""

from __future__ import annotations

import ast
import importlib
import os
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from dqn_tutorial.errors import UserError
from grading import GRADER_FILE, MutantInfo, chapter_mutants, grade_in_subprocess, read_mutant

REPOSITORY = Path(__file__).resolve().parents[2]
MUTANTS = REPOSITORY / "tests" / "mutants"
GRADERS = REPOSITORY / "tests" / "graders"
SOLUTIONS = REPOSITORY / "solutions"
CHAPTER_TIME_LIMIT = 1200  # seconds for one chapter's subprocess (all its mutants)


def discover() -> list[Path]:
    return sorted(
        path
        for folder in sorted(MUTANTS.iterdir())
        if folder.is_dir() and GRADER_FILE.match(f"test_{folder.name}")
        for path in folder.glob("*.py")
        if not path.name.startswith("_")
    )


MUTANT_FILES = discover()


def top_level_names(path: Path, prefix: str = "") -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name.startswith(prefix)
    }


def grader_path(chapter: str) -> Path:
    return GRADERS / f"test_{chapter}.py"


def run_graders(chapter: str, impl: str, report: Path) -> dict:
    """Run one chapter's grader in a subprocess; {(test, impl): {"outcome", "phase", "message"}} or {"error"}."""
    results = grade_in_subprocess(chapter, impl, report, timeout=CHAPTER_TIME_LIMIT)
    return results if "error" in results else results["rows"]


@pytest.fixture(scope="session")
def chapter_results(request, tmp_path_factory):
    """chapter -> results of its multi-mutant run; all selected chapters start at once, in parallel."""
    chapters = sorted(
        {
            item.callspec.params["mutant_file"].parent.name
            for item in request.session.items
            if hasattr(item, "callspec") and "mutant_file" in item.callspec.params
        }
    )
    folder = tmp_path_factory.mktemp("grading-reports")
    workers = max(1, min(4, os.cpu_count() or 1, len(chapters)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures: dict[str, Future] = {
            chapter: pool.submit(run_graders, chapter, f"mutants:{chapter}", folder / f"{chapter}.jsonl")
            for chapter in chapters
        }
        yield lambda chapter: futures[chapter].result()


def check_mutant_file(mutant_file: Path) -> MutantInfo:
    """The file's own conventions: docstring, CAUGHT_BY naming real grader tests, definitions that exist."""
    try:
        mutant = read_mutant(mutant_file)
    except UserError as error:
        pytest.fail(str(error), pytrace=False)
    where = f"tests/mutants/{mutant.chapter}/{mutant.name}.py"
    if len(mutant.docstring.split()) < 5:
        pytest.fail(f"{where}: start with a docstring describing the realistic mistake", pytrace=False)
    if not grader_path(mutant.chapter).is_file():
        pytest.fail(f"{where}: no grader tests/graders/test_{mutant.chapter}.py", pytrace=False)
    unknown = set(mutant.caught_by) - top_level_names(grader_path(mutant.chapter), "test_")
    if unknown:
        pytest.fail(f"{where}: CAUGHT_BY names {sorted(unknown)}, not tests of test_{mutant.chapter}.py", pytrace=False)
    solution = SOLUTIONS / mutant.chapter / "exercises.py"
    missing = set(mutant.defines) - top_level_names(solution)
    if not mutant.defines or missing:
        pytest.fail(
            f"{where}: must define functions of {solution.relative_to(REPOSITORY)} "
            f"(defines {list(mutant.defines)}; not in the solutions: {sorted(missing)})",
            pytrace=False,
        )
    return mutant


@pytest.mark.parametrize("mutant_file", MUTANT_FILES, ids=[f"{p.parent.name}/{p.stem}" for p in MUTANT_FILES])
def test_mutant_is_rejected(mutant_file, chapter_results):
    mutant = check_mutant_file(mutant_file)
    results = chapter_results(mutant.chapter)
    if "error" in results:
        pytest.fail(f"grading {mutant.chapter} failed to run: {results['error']}", pytrace=False)
    broken = [
        f"{test}: {row['outcome']}: {row['message']}"
        for (test, impl), row in sorted(results.items())
        if impl == "solutions" and row["outcome"] != "passed"
    ]
    if broken:
        pytest.fail("the grader does not pass the solutions (fix that first):\n  " + "\n  ".join(broken), pytrace=False)
    problems = []
    for test in mutant.caught_by:
        row = results.get((test, mutant.implementation))
        if row is None:
            problems.append(f"{test} was not run on this mutant")
        elif row["outcome"] == "passed":
            problems.append(f"{test} PASSED: the mutant survived, the grader misses this mistake")
        elif row["outcome"] != "failed":
            problems.append(f"{test} was {row['outcome']} instead of failing: {row['message']}")
        elif row["phase"] != "call":
            problems.append(
                f"{test} failed while loading the mutant ({row['phase']}), not on its behaviour: {row['message']}"
            )
        elif "raised NameError" in row["message"]:
            problems.append(
                f"{test} failed on a NameError inside the mutant (is the mutant itself broken?): {row['message']}"
            )
    if problems:
        pytest.fail(f"mutant {mutant.chapter}/{mutant.name}:\n  " + "\n  ".join(problems), pytrace=False)


def test_every_exercise_has_a_mutant():
    """Each grader test is the CAUGHT_BY of at least one mutant (a grader nobody tried to fool proves little)."""
    problems = []
    for grader in sorted(GRADERS.glob("test_*.py")):
        chapter = grader.stem[len("test_") :]
        tests = top_level_names(grader, "test_")
        caught = {
            test
            for mutant in (chapter_mutants(chapter) if (MUTANTS / chapter).is_dir() else [])
            for test in mutant.caught_by
        }
        if tests - caught:
            problems.append(f"{grader.name}: no mutant in tests/mutants/{chapter}/ lists {sorted(tests - caught)}")
    assert not problems, "\n".join(problems)


def test_single_mutant_option(tmp_path):
    """`--impl=mutant:NN_chapter/NAME` (the harness applies one mutant to the solutions) rejects it too."""
    if not MUTANT_FILES:
        pytest.skip("no mutants yet")
    mutant = read_mutant(MUTANT_FILES[0])
    results = run_graders(mutant.chapter, mutant.implementation, tmp_path / "report.jsonl")
    assert "error" not in results, results.get("error")
    outcomes = {test: row["outcome"] for (test, _), row in results.items()}
    assert all(outcomes[test] == "failed" for test in mutant.caught_by), outcomes


def test_solutions_cannot_be_imported_while_grading():
    """The conftest blocks `import solutions`, even with the repository root put on sys.path by hand."""
    sys.path.insert(0, str(REPOSITORY))
    try:
        for name in ("solutions", "solutions.06_exploration.exercises"):
            with pytest.raises(ImportError, match="cannot be imported while grading"):
                importlib.import_module(name)
    finally:
        sys.path.remove(str(REPOSITORY))
