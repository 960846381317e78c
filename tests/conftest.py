"""Grading machinery shared by every test under tests/ (how to write a grader: .agents/GRADING.md).

- `--impl=chapters|solutions|mutant:NN_chapter/NAME` chooses the code graded (default: DQN_TUTORIAL_IMPL,
  else the learner's chapters/). chapters/solutions are loaded by `dqn_tutorial.implementations`;
  a mutant is applied to the solutions by tests/grading.py (the reference package knows no mutants).
  DQN_TUTORIAL_IMPL is set to chapters or solutions for the notebooks and subprocesses, and
  DQN_TUTORIAL_ROOT to this repository: the graders grade the repository they live in.
  `--impl=mutants:NN_chapter` (plural, used by tests/mutants) grades the solutions and every mutant of
  that chapter in one run: each grader test is repeated once per implementation.
- The `ex` fixture: the exercises module of the grader's chapter (from the file name test_NN_name.py).
- Every grader test carries `@exercise("N.M", "Title")`; the run ends with a table per chapter:
  passed, failed, not attempted. `-k chNN` selects one chapter (make grade CH=NN).
- `import solutions` fails during the whole run, and every grader test has a time limit.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from pathlib import Path

import pytest

import grading  # tests/grading.py (tests/ is on sys.path: `pythonpath` in pyproject.toml)
from dqn_tutorial.errors import UserError
from dqn_tutorial.implementations import ENV_VARIABLE, ROOT_VARIABLE
from grading import MUTANTS_DIRECTORY, REPOSITORY, check_implementation

GRADERS = Path(__file__).resolve().parent / "graders"
MUTANTS_MODE = "mutants:"


def pytest_addoption(parser):
    group = parser.getgroup("dqn-tutorial grading")
    group.addoption(
        "--impl", default=None, metavar="WHICH",
        help="code to grade: chapters (your code, the default), solutions, mutant:NN_chapter/NAME, or "
             "mutants:NN_chapter (the solutions and all mutants of a chapter; used by tests/mutants)")
    group.addoption(
        "--grading-report", default=None, metavar="PATH",
        help="write one JSON line per grader test (test, impl, outcome, message) to PATH")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "exercise(number, title, time_limit=120): the exercise a grader test judges, e.g. "
                   "exercise('6.1', 'Linear epsilon schedule'); use grading.exercise (tests/grading.py)")
    config.dqn_mutants_chapter = None
    impl = config.getoption("--impl")
    if impl is not None:
        if impl.startswith(MUTANTS_MODE):
            chapter = impl[len(MUTANTS_MODE):]
            if not (MUTANTS_DIRECTORY / chapter).is_dir():
                raise pytest.UsageError(f"--impl={impl}: no folder tests/mutants/{chapter}")
            config.dqn_mutants_chapter = chapter
            impl = "solutions"
        where = "--impl"
    else:
        impl, where = os.environ.get(ENV_VARIABLE, "chapters"), ENV_VARIABLE
    try:
        check_implementation(impl)
    except UserError as error:
        raise pytest.UsageError(f"{where}={error}") from None
    os.environ[ROOT_VARIABLE] = str(REPOSITORY)
    grading.set_graded_implementation(impl)  # also sets DQN_TUTORIAL_IMPL (chapters or solutions)
    grading.block_solutions_import()
    config.pluginmanager.register(GradingReport(config), "dqn-tutorial-grading-report")


def _is_grader(item) -> bool:
    return GRADERS in Path(item.path).resolve().parents


def pytest_generate_tests(metafunc):
    """--impl=mutants:NN_chapter: each grader test runs on the solutions, then on every mutant that
    names it in CAUGHT_BY (a mutant only has to break the tests it lists)."""
    chapter = metafunc.config.dqn_mutants_chapter
    if not chapter or "ex" not in metafunc.fixturenames:
        return
    if GRADERS not in Path(metafunc.definition.path).resolve().parents:
        return
    if grading.chapter_of_grader(metafunc.definition.path) != chapter:
        return
    try:
        mutants = grading.chapter_mutants(chapter)
    except UserError as error:
        raise pytest.UsageError(str(error)) from None
    chosen = [m for m in mutants if metafunc.function.__name__ in m.caught_by]
    metafunc.parametrize("ex", ["solutions"] + [m.implementation for m in chosen],
                         ids=["solutions"] + [m.name for m in chosen], indirect=True)


@pytest.fixture
def ex(request):
    """The exercises module of this grader's chapter: fresh for every test (so no state leaks between tests)."""
    chapter = grading.chapter_of_grader(request.path)
    return grading.load_for_grading(chapter, getattr(request, "param", None))


def pytest_collection_modifyitems(session, config, items):
    problems = []
    for item in items:
        if not _is_grader(item):
            continue
        try:
            chapter = grading.chapter_of_grader(item.path)
        except UserError as error:
            problems.append(str(error))
            continue
        marker = item.get_closest_marker("exercise")
        where = f"{item.path.name}::{item.name}"
        if marker is None or len(marker.args) != 2:
            problems.append(f"{where}: decorate it with @exercise(\"N.M\", \"Title\") from grading")
            continue
        number, title = marker.args
        match = grading.EXERCISE_NUMBER.match(str(number))
        if not match or int(match.group(1)) != int(chapter[:2]):
            problems.append(f"{where}: exercise number {number!r} must be '{int(chapter[:2])}.M' (chapter.number)")
        if "ex" not in item.fixturenames:
            problems.append(f"{where}: take the `ex` fixture (the chapter's exercises module) as an argument")
        item.extra_keyword_matches.add(f"ch{chapter[:2]}")
    if problems:
        raise pytest.UsageError("grader tests break the conventions of .agents/GRADING.md:\n  " + "\n  ".join(problems))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A backstop time limit for the whole grader test (`call` also limits each call of the learner's code)."""
    marker = item.get_closest_marker("exercise")
    if marker is None or not _is_grader(item):
        return (yield)
    seconds = float(marker.kwargs.get("time_limit", grading.DEFAULT_TEST_TIME_LIMIT))
    with grading.time_limit(seconds, item.name) as limit:
        try:
            result = yield
        except grading.GradingTimeout as timeout:
            if timeout.limit is not limit:
                raise
        else:
            if time.monotonic() <= limit.deadline:
                return result
    # reported outside the `except`, so that no chained traceback is printed
    grading.fail(f"{item.name} took longer than {seconds:g} s in total",
                 hint="your code is very slow somewhere: a Python loop over array elements?")


class GradingReport:
    """Collects each grader test's outcome; prints the per-chapter table; writes --grading-report."""

    def __init__(self, config):
        self.config = config
        self.exercises = {}                 # nodeid -> (chapter, number, title, test name, implementation)
        self.outcomes = {}                  # nodeid -> (outcome, phase, message)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        for item in items:
            marker = item.get_closest_marker("exercise")
            if marker is None or not _is_grader(item) or len(marker.args) != 2:
                continue
            implementation = getattr(item, "callspec", None) and item.callspec.params.get("ex")
            implementation = implementation or grading.graded_implementation()
            self.exercises[item.nodeid] = (grading.chapter_of_grader(item.path), str(marker.args[0]),
                                           str(marker.args[1]), item.originalname, implementation)

    def pytest_runtest_logreport(self, report):
        if report.nodeid not in self.exercises:
            return
        previous = self.outcomes.get(report.nodeid)
        if previous and previous[0] == "failed":
            return
        if report.failed:
            self.outcomes[report.nodeid] = ("failed", report.when, _message(report))
        elif report.skipped:
            message = _message(report)
            outcome = "not attempted" if message.startswith(grading.NOT_ATTEMPTED) else "skipped"
            self.outcomes[report.nodeid] = (outcome, report.when, message)
        elif report.when == "call":
            self.outcomes[report.nodeid] = ("passed", report.when, "")

    def pytest_sessionfinish(self, session):
        path = self.config.getoption("--grading-report")
        if not path:
            return
        with open(path, "w") as out:
            for nodeid, (chapter, number, title, test, implementation) in self.exercises.items():
                outcome, phase, message = self.outcomes.get(nodeid, ("not run", "", ""))
                out.write(json.dumps({"chapter": chapter, "exercise": number, "title": title, "test": test,
                                      "impl": implementation, "outcome": outcome, "phase": phase,
                                      "message": message}) + "\n")

    def pytest_terminal_summary(self, terminalreporter):
        if not self.outcomes or self.config.dqn_mutants_chapter:
            return
        # one status per exercise: failed > not attempted > skipped > passed (over its parametrized runs)
        rank = {"failed": 3, "not attempted": 2, "skipped": 1, "passed": 0}
        status = {}
        for nodeid, (outcome, _, _) in self.outcomes.items():
            chapter, number, title, test, _ = self.exercises[nodeid]
            key = (chapter, number, title, test)
            if rank[outcome] >= rank.get(status.get(key), -1):
                status[key] = outcome
        counts = defaultdict(lambda: defaultdict(int))
        for (chapter, *_), outcome in status.items():
            counts[chapter][outcome] += 1
        columns = ["passed", "failed", "not attempted"] + (["skipped"] if "skipped" in status.values() else [])
        write = terminalreporter.write_line
        graded = grading.graded_implementation()
        graded = {"chapters": "your code in chapters/", "solutions": "the answers in solutions/"}.get(graded, graded)
        terminalreporter.write_sep("=", f"exercises: {graded}")
        width = max(len("chapter"), *(len(c) for c in counts))
        write(f"{'chapter':<{width}}  " + "  ".join(f"{c:>13}" for c in columns))
        for chapter in sorted(counts):
            write(f"{chapter:<{width}}  " + "  ".join(f"{counts[chapter][c]:>13}" for c in columns))
        if len(counts) > 1:
            write(f"{'total':<{width}}  " + "  ".join(f"{sum(n[c] for n in counts.values()):>13}" for c in columns))
        # list what is left: every failure, and the exercises not attempted in chapters already begun
        begun = {chapter for chapter, n in counts.items() if n["passed"] or n["failed"]}
        for (chapter, number, title, test), outcome in sorted(status.items(), key=lambda kv: _order(kv[0][1])):
            if outcome == "failed" or (outcome != "passed" and chapter in begun):
                write(f"  {number:<6}{title} ({test}): {outcome}")


def _order(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split(".") if part.isdigit())


def _message(report) -> str:
    """The skip reason or the failure message, on one line."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        text = str(longrepr[2])
        text = text[len("Skipped: "):] if text.startswith("Skipped: ") else text
    else:
        text = getattr(longrepr, "reprcrash", None) and longrepr.reprcrash.message or str(longrepr)
        text = text[len("Failed: "):] if text.startswith("Failed: ") else text
    return " ".join(str(text).split())
