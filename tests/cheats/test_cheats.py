"""Every cheat (an attempt to fool the harness, tests/cheats/NN_chapter/NAME.py) fails its test, with its message.

A cheat is written like a mutant (tests/mutants): a docstring saying what it tries, `CAUGHT_BY` (the
grader tests it targets), the functions it puts in place of the solutions', plus `MESSAGE`, a fragment
of the failure message the harness must give. One subprocess per chapter grades the chapter's cheats
(`pytest tests/graders/test_NN_chapter.py --impl=cheats:NN_chapter -k <their tests>`): each targeted
test runs on every cheat naming it, then on the solutions. Chapters run in parallel. Per cheat:

- its file is well formed (docstring, CAUGHT_BY naming tests of the grader, MESSAGE);
- every CAUGHT_BY test failed (never passed, never "not attempted"), with MESSAGE in its message;
- the run ended with a report naming every test it ran (a cheat that ends the process, hangs it or
  exhausts its memory would leave tests out), and the solutions still passed after the cheats (nothing
  a cheat does leaks into the next test);
- the chapter's run took less than CHAPTER_TIME_LIMIT seconds.
"""

from __future__ import annotations

import os
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

import sandbox
from dqn_tutorial.errors import UserError
from grading import CHEATS_DIRECTORY, GRADER_FILE, MutantInfo, chapter_mutants, grade_in_subprocess, read_mutant

REPOSITORY = Path(__file__).resolve().parents[2]
GRADERS = REPOSITORY / "tests" / "graders"
CHAPTER_TIME_LIMIT = 150  # seconds for one chapter's subprocess: two cheats wait out a 10 s call limit

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the sandbox forks a child per test on Linux only (tests/sandbox.py)"
)


def discover() -> list[Path]:
    return sorted(
        path
        for folder in sorted(CHEATS_DIRECTORY.iterdir())
        if folder.is_dir() and GRADER_FILE.match(f"test_{folder.name}")
        for path in folder.glob("*.py")
        if not path.name.startswith(("_", "test_"))
    )


CHEAT_FILES = discover()


def run_chapter(chapter: str, report: Path, isolation: str = "1", select: str | None = None) -> dict:
    """Grade one chapter's cheats in a subprocess: {"rows": {(test, impl): row}, "elapsed": s} or {"error"}.

    isolation: DQN_TUTORIAL_GRADING_ISOLATION ("0": in the pytest process); select: pytest's -k."""
    tests = sorted({test for cheat in chapter_mutants(chapter, CHEATS_DIRECTORY) for test in cheat.caught_by})
    return grade_in_subprocess(
        chapter,
        f"cheats:{chapter}",
        report,
        timeout=2 * CHAPTER_TIME_LIMIT,
        select=select or " or ".join(tests),
        env={sandbox.ISOLATION_VARIABLE: isolation},  # the cheats that end or hang the process need the child
    )


@pytest.fixture(scope="session")
def chapter_results(request, tmp_path_factory):
    """chapter -> results of its run; all selected chapters start at once, in parallel."""
    chapters = sorted(
        {
            item.callspec.params["cheat_file"].parent.name
            for item in request.session.items
            if hasattr(item, "callspec") and "cheat_file" in item.callspec.params
        }
    )
    folder = tmp_path_factory.mktemp("cheat-reports")
    workers = max(1, min(4, os.cpu_count() or 1, len(chapters)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures: dict[str, Future] = {
            chapter: pool.submit(run_chapter, chapter, folder / f"{chapter}.jsonl") for chapter in chapters
        }
        yield lambda chapter: futures[chapter].result()


def check_cheat_file(cheat_file: Path) -> MutantInfo:
    try:
        cheat = read_mutant(cheat_file)
    except UserError as error:
        pytest.fail(str(error), pytrace=False)
    where = f"tests/cheats/{cheat.chapter}/{cheat.name}.py"
    if len(cheat.docstring.split()) < 5:
        pytest.fail(f"{where}: start with a docstring describing the cheat", pytrace=False)
    if not cheat.message:
        pytest.fail(
            f'{where}: say what the harness must answer: MESSAGE = "a fragment of the failure message"', pytrace=False
        )
    grader = GRADERS / f"test_{cheat.chapter}.py"
    if not grader.is_file():
        pytest.fail(f"{where}: no grader tests/graders/test_{cheat.chapter}.py", pytrace=False)
    unknown = [test for test in cheat.caught_by if f"def {test}(" not in grader.read_text()]
    if unknown:
        pytest.fail(f"{where}: CAUGHT_BY names {unknown}, not tests of {grader.name}", pytrace=False)
    if not cheat.defines:
        pytest.fail(f"{where}: define the function(s) the cheat puts in place of the solutions'", pytrace=False)
    return cheat


@pytest.mark.parametrize("cheat_file", CHEAT_FILES, ids=[f"{p.parent.name}/{p.stem}" for p in CHEAT_FILES])
def test_cheat_is_caught(cheat_file, chapter_results):
    cheat = check_cheat_file(cheat_file)
    results = chapter_results(cheat.chapter)
    if "error" in results:
        pytest.fail(f"grading the cheats of {cheat.chapter} failed to run: {results['error']}", pytrace=False)
    rows = results["rows"]
    problems = []
    for test in cheat.caught_by:
        row = rows.get((test, cheat.implementation))
        if row is None:
            problems.append(f"{test} was not run on this cheat")
        elif row["outcome"] == "passed":
            problems.append(f"{test} PASSED: the cheat was credited")
        elif row["outcome"] != "failed":
            problems.append(f"{test} was {row['outcome']} instead of failing: {row['message']}")
        elif cheat.message not in row["message"]:
            problems.append(f"{test} failed, but its message does not say {cheat.message!r}: {row['message']}")
    unreported = [f"{test}[{impl}]" for (test, impl), row in sorted(rows.items()) if row["outcome"] == "not run"]
    if unreported:
        problems.append(f"the run ended without an outcome for {unreported}: a cheat stopped the run")
    broken = [
        f"{test}: {row['outcome']}: {row['message']}"
        for (test, impl), row in sorted(rows.items())
        if impl == "solutions" and row["outcome"] != "passed"
    ]
    if broken:
        problems.append(
            "the solutions, graded after the cheats, did not pass (did a cheat leak into the next "
            "test?):\n    " + "\n    ".join(broken)
        )
    if results["elapsed"] > CHAPTER_TIME_LIMIT:
        problems.append(
            f"grading the cheats of {cheat.chapter} took {results['elapsed']:.0f} s (more than {CHAPTER_TIME_LIMIT} s)"
        )
    if problems:
        pytest.fail(f"cheat {cheat.chapter}/{cheat.name}:\n  " + "\n  ".join(problems), pytrace=False)


def test_isolation_is_on_by_default():
    """On Linux every grader test runs in a child process (see tests/sandbox.py)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("outside Linux, grader tests run in the pytest process unless DQN_TUTORIAL_GRADING_ISOLATION=1")
    assert sandbox.isolation_available() or os.environ.get(sandbox.ISOLATION_VARIABLE) == "0"


def test_in_process_fallback_catches_what_it_can(tmp_path):
    """Without the child (DQN_TUTORIAL_GRADING_ISOLATION=0, --pdb, outside Linux), the audit hook, the
    tripwires and the identity checks still catch the cheats that leave the process running, and what a
    cheat replaced is put back, so that the solutions graded next still pass."""
    caught = ["reads_solutions_open", "calls_reference_alias", "replaces_reference", "patches_pytest_fail"]
    results = run_chapter(
        "07_dqn_2013",
        tmp_path / "report.jsonl",
        isolation="0",
        select="test_clip_rewards and (" + " or ".join(caught + ["solutions"]) + ")",
    )
    assert "error" not in results, results.get("error")
    rows = {impl.rpartition("/")[2]: row for (_, impl), row in results["rows"].items()}
    for name in caught:
        cheat = read_mutant(CHEATS_DIRECTORY / "07_dqn_2013" / f"{name}.py")
        assert rows[name]["outcome"] == "failed" and cheat.message in rows[name]["message"], (name, rows[name])
    assert rows["solutions"]["outcome"] == "passed", rows["solutions"]
