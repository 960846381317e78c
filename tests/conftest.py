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
  `--impl=cheats:NN_chapter` (used by tests/cheats) does the same with the attempts to fool the harness
  in tests/cheats/NN_chapter/ (the solutions last, to show that no cheat leaks into the next test).
- `import solutions` fails during the whole run, and every grader test has a time limit.
- Each grader test runs in a forked child process with limits, watched for cheats (tests/sandbox.py):
  the `ex` fixture hands the test a placeholder, and the child loads the exercises file itself.
"""

from __future__ import annotations

import json
import os
import sys
from collections import defaultdict
from pathlib import Path

# torch.cuda.is_available() in the pytest process must not stop the forked children from using CUDA
os.environ.setdefault("PYTORCH_NVML_BASED_CUDA_CHECK", "1")

import pytest  # noqa: E402

import grading  # noqa: E402 - tests/grading.py (tests/ is on sys.path: `pythonpath` in pyproject.toml)
import sandbox  # noqa: E402 - tests/sandbox.py: runs each grader test in a child process
from dqn_tutorial.errors import UserError  # noqa: E402
from dqn_tutorial.implementations import ENV_VARIABLE, ROOT_VARIABLE  # noqa: E402
from grading import CHEATS_DIRECTORY, MUTANTS_DIRECTORY, REPOSITORY, check_implementation  # noqa: E402

GRADERS = Path(__file__).resolve().parent / "graders"
MUTANTS_MODE = "mutants:"
CHEATS_MODE = "cheats:"
_PHASES: dict[str, str] = {}  # nodeid -> "setup" when the learner's file failed to load in the child


def pytest_addoption(parser):
    group = parser.getgroup("dqn-tutorial grading")
    group.addoption(
        "--impl",
        default=None,
        metavar="WHICH",
        help="code to grade: chapters (your code, the default), solutions, mutant:NN_chapter/NAME, "
        "mutants:NN_chapter (the solutions and all mutants of a chapter; used by tests/mutants), or "
        "cheats:NN_chapter (the same with tests/cheats)",
    )
    group.addoption(
        "--grading-report",
        default=None,
        metavar="PATH",
        help="write one JSON line per grader test (test, impl, outcome, message) to PATH",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "exercise(number, title, time_limit=120): the exercise a grader test judges, e.g. "
        "exercise('6.1', 'Linear epsilon schedule'); use grading.exercise (tests/grading.py)",
    )
    config.dqn_mutants_chapter = None
    config.dqn_variants_folder = MUTANTS_DIRECTORY
    impl = config.getoption("--impl")
    if impl is not None:
        for mode, folder in ((MUTANTS_MODE, MUTANTS_DIRECTORY), (CHEATS_MODE, CHEATS_DIRECTORY)):
            if impl.startswith(mode):
                chapter = impl[len(mode) :]
                if not (folder / chapter).is_dir():
                    raise pytest.UsageError(f"--impl={impl}: no folder tests/{folder.name}/{chapter}")
                config.dqn_mutants_chapter, config.dqn_variants_folder = chapter, folder
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
    config.dqn_isolation = sandbox.isolation_available(config)
    config.pluginmanager.register(GradingReport(config), "dqn-tutorial-grading-report")


def _is_grader(item) -> bool:
    return GRADERS in Path(item.path).resolve().parents


def pytest_generate_tests(metafunc):
    """--impl=mutants:NN_chapter: each grader test runs on the solutions, then on every mutant that
    names it in CAUGHT_BY (a mutant only has to break the tests it lists). --impl=cheats:NN_chapter:
    every cheat naming it, then the solutions."""
    chapter = metafunc.config.dqn_mutants_chapter
    if not chapter or "ex" not in metafunc.fixturenames:
        return
    if GRADERS not in Path(metafunc.definition.path).resolve().parents:
        return
    if grading.chapter_of_grader(metafunc.definition.path) != chapter:
        return
    folder = metafunc.config.dqn_variants_folder
    try:
        mutants = grading.chapter_mutants(chapter, folder)
    except UserError as error:
        raise pytest.UsageError(str(error)) from None
    chosen = [m for m in mutants if metafunc.function.__name__ in m.caught_by]
    values, ids = ["solutions"] + [m.implementation for m in chosen], ["solutions"] + [m.name for m in chosen]
    if folder == CHEATS_DIRECTORY:
        values, ids = values[1:] + values[:1], ids[1:] + ids[:1]
    metafunc.parametrize("ex", values, ids=ids, indirect=True)


class DeferredExercises:
    """What the `ex` fixture gives in the pytest process: the sandbox's child loads the real module."""

    def __init__(self, chapter: str, implementation: str):
        self.chapter, self.implementation = chapter, implementation

    def load(self):
        return grading.load_for_grading(self.chapter, self.implementation)

    def __getattr__(self, name):
        raise AttributeError(
            f"the exercises of {self.chapter} are loaded in the grader's child process only "
            f"(tests/sandbox.py): `{name}` is not available in the pytest process"
        )

    def __repr__(self) -> str:
        return f"<exercises of {self.chapter} ({self.implementation}), loaded in the child process>"


@pytest.fixture
def ex(request):
    """The exercises module of this grader's chapter: fresh for every test (so no state leaks between tests).

    With the sandbox (the default), a placeholder: the test's child process loads the module, so that
    the learner's top-level code runs there too. Without it, the module itself, loaded here."""
    chapter = grading.chapter_of_grader(request.path)
    implementation = getattr(request, "param", None) or grading.graded_implementation()
    if request.config.dqn_isolation:
        return DeferredExercises(chapter, implementation)
    watch = sandbox.InProcess(implementation, request.module)
    request.node.dqn_in_process = watch
    with watch:
        return grading.load_for_grading(chapter, implementation)


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
            problems.append(f'{where}: decorate it with @exercise("N.M", "Title") from grading')
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


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run a grader test's body in the sandbox's child process (tests/sandbox.py) and report its outcome
    as this test's; without the sandbox, run it here under a time limit for the whole test (`call` also
    limits each call of the learner's code)."""
    item = pyfuncitem
    marker = item.get_closest_marker("exercise")
    if marker is None or not _is_grader(item):
        return None
    seconds = float(marker.kwargs.get("time_limit", grading.DEFAULT_TEST_TIME_LIMIT))
    testargs = {arg: item.funcargs[arg] for arg in item._fixtureinfo.argnames}
    exercises = testargs.get("ex")
    if isinstance(exercises, DeferredExercises) and sandbox.isolation_available(item.config):

        def body(module):
            item.obj(**{**testargs, "ex": module})

        body.test_name = item.name
        outcome = sandbox.run_test(
            item.name,
            exercises.load,
            body,
            time_limit=seconds,
            implementation=exercises.implementation,
            grader_module=item.module,
        )
        if outcome.output:
            sys.stdout.write(outcome.output)  # captured by pytest: shown with a failure
        if outcome.phase != "call":
            _PHASES[item.nodeid] = outcome.phase
        if outcome.kind == "passed":
            return True
        if outcome.kind == "skipped":
            pytest.skip(outcome.message)
        pytest.fail(outcome.message, pytrace=False)
    _run_in_process(item, testargs, seconds)
    return True


def _run_in_process(item, testargs: dict, seconds: float) -> None:
    """The test in the pytest process (no fork, or --pdb, or DQN_TUTORIAL_GRADING_ISOLATION=0)."""
    exercises = testargs.get("ex")
    implementation = getattr(exercises, "implementation", None) or grading.graded_implementation()
    watch = getattr(item, "dqn_in_process", None) or sandbox.InProcess(implementation, item.module)
    error, timed_out = None, False
    with watch:
        try:
            if isinstance(exercises, DeferredExercises):
                testargs["ex"] = exercises.load()
            with grading.time_limit(seconds, item.name) as limit:
                try:
                    item.obj(**testargs)
                except grading.GradingTimeout as timeout:
                    if timeout.limit is not limit:
                        raise
                    timed_out = True
        except KeyboardInterrupt:
            raise
        except BaseException as caught:  # noqa: BLE001 - re-raised below, after the cheat checks
            error = caught
    cheats = watch.cheats()
    if cheats:
        pytest.fail(sandbox.cheat_message(cheats), pytrace=False)
    if error is not None:
        raise error
    if timed_out:
        grading.fail(
            f"{item.name} took longer than {seconds:g} s in total",
            hint="your code is very slow somewhere: a Python loop over array elements?",
        )


class GradingReport:
    """Collects each grader test's outcome; prints the per-chapter table; writes --grading-report."""

    def __init__(self, config):
        self.config = config
        self.exercises = {}  # nodeid -> (chapter, number, title, test name, implementation)
        self.outcomes = {}  # nodeid -> (outcome, phase, message)

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        for item in items:
            marker = item.get_closest_marker("exercise")
            if marker is None or not _is_grader(item) or len(marker.args) != 2:
                continue
            implementation = getattr(item, "callspec", None) and item.callspec.params.get("ex")
            implementation = implementation or grading.graded_implementation()
            self.exercises[item.nodeid] = (
                grading.chapter_of_grader(item.path),
                str(marker.args[0]),
                str(marker.args[1]),
                item.originalname,
                implementation,
            )

    def pytest_runtest_logreport(self, report):
        if report.nodeid not in self.exercises:
            return
        previous = self.outcomes.get(report.nodeid)
        if previous and previous[0] == "failed":
            return
        phase = _PHASES.get(report.nodeid, report.when) if report.when == "call" else report.when
        if report.failed:
            self.outcomes[report.nodeid] = ("failed", phase, _message(report))
        elif report.skipped:
            message = _message(report)
            outcome = "not attempted" if message.startswith(grading.NOT_ATTEMPTED) else "skipped"
            self.outcomes[report.nodeid] = (outcome, phase, message)
        elif report.when == "call":
            self.outcomes[report.nodeid] = ("passed", report.when, "")

    def pytest_sessionfinish(self, session):
        path = self.config.getoption("--grading-report")
        if not path:
            return
        with open(path, "w") as out:
            for nodeid, (chapter, number, title, test, implementation) in self.exercises.items():
                outcome, phase, message = self.outcomes.get(nodeid, ("not run", "", ""))
                out.write(
                    json.dumps(
                        {
                            "chapter": chapter,
                            "exercise": number,
                            "title": title,
                            "test": test,
                            "impl": implementation,
                            "outcome": outcome,
                            "phase": phase,
                            "message": message,
                        }
                    )
                    + "\n"
                )

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
        text = text[len("Skipped: ") :] if text.startswith("Skipped: ") else text
    else:
        text = getattr(longrepr, "reprcrash", None) and longrepr.reprcrash.message or str(longrepr)
        text = text[len("Failed: ") :] if text.startswith("Failed: ") else text
    return " ".join(str(text).split())
