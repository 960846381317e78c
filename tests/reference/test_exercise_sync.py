"""Stubs (chapters/NN/exercises.py) and answers (solutions/NN/exercises.py) stay in sync.

Answers are marked `### BEGIN SOLUTION` ... `### END SOLUTION`; the stub has, at the same place and
indentation, `### YOUR CODE HERE` ... `### END YOUR CODE` holding a hint comment and
`raise NotImplementedError("Exercise N.M: ...")`. Once each marked region's content is removed, the two
files must be identical (so whatever a learner writes inside the regions never breaks this test).
Conventions: .agents/GRADING.md.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
STUB_MARKERS = ("### YOUR CODE HERE", "### END YOUR CODE")
STUB_RAISE = re.compile(r"""^\s*raise NotImplementedError\(\s*["']Exercise (\d+)\.(\d+)\b""")
CHAPTER = re.compile(r"^(\d\d)_\w+$")


@dataclass
class Region:
    first_line: int  # 1-based line number of the opening marker
    lines: list[str]  # the content between the markers


def chapters_in_both_trees() -> list[str]:
    found = []
    for folder in sorted((REPOSITORY / "chapters").glob("*")):
        if (
            CHAPTER.match(folder.name)
            and (folder / "exercises.py").is_file()
            and (REPOSITORY / "solutions" / folder.name / "exercises.py").is_file()
        ):
            found.append(folder.name)
    return found


CHAPTERS = chapters_in_both_trees()


def split_regions(path: Path, markers: tuple[str, str], foreign: tuple[str, str]) -> tuple[list[str], list[Region]]:
    """(the file with each region's content replaced by one placeholder line, the regions)."""
    begin, end = markers
    where = path.relative_to(REPOSITORY)
    skeleton, regions, current, indent = [], [], None, ""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        stripped = line.strip()
        if stripped in foreign:
            pytest.fail(
                f"{where}:{number}: `{stripped}` belongs in the other tree; use {begin!r} / {end!r} here", pytrace=False
            )
        if stripped == begin:
            if current is not None:
                pytest.fail(
                    f"{where}:{number}: {begin!r} inside another region (line {current.first_line})", pytrace=False
                )
            indent = line[: len(line) - len(line.lstrip())]
            current = Region(number, [])
            skeleton.append(f"{indent}<exercise region>")
        elif stripped == end:
            if current is None:
                pytest.fail(f"{where}:{number}: {end!r} without {begin!r} before it", pytrace=False)
            if line[: len(line) - len(line.lstrip())] != indent:
                pytest.fail(
                    f"{where}:{number}: {end!r} must have the indentation of its {begin!r} (line {current.first_line})",
                    pytrace=False,
                )
            regions.append(current)
            current = None
        elif current is not None:
            current.lines.append(line)
        else:
            skeleton.append(line)
    if current is not None:
        pytest.fail(f"{where}:{current.first_line}: {begin!r} is never closed by {end!r}", pytrace=False)
    return skeleton, regions


def read_pair(chapter: str):
    stub = REPOSITORY / "chapters" / chapter / "exercises.py"
    solution = REPOSITORY / "solutions" / chapter / "exercises.py"
    return (
        stub,
        *split_regions(stub, STUB_MARKERS, SOLUTION_MARKERS),
        solution,
        *split_regions(solution, SOLUTION_MARKERS, STUB_MARKERS),
    )


def enclosing_functions(path: Path) -> list[tuple[int, int, str]]:
    """(first line, last line, name) of every function in the file, innermost last."""
    tree = ast.parse(path.read_text())
    return sorted(
        (
            (node.lineno, node.end_lineno, node.name)
            for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        ),
        key=lambda f: (f[0], -f[1]),
    )


def function_at(functions, line: int) -> str | None:
    names = [name for first, last, name in functions if first <= line <= last]
    return names[-1] if names else None


def grader_exercises(chapter: str) -> dict[str, str]:
    """{test function name: exercise number} from the @exercise("N.M", ...) decorators of the grader."""
    grader = REPOSITORY / "tests" / "graders" / f"test_{chapter}.py"
    found = {}
    if not grader.is_file():
        return found
    for node in ast.parse(grader.read_text()).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and getattr(decorator.func, "id", getattr(decorator.func, "attr", None)) == "exercise"
                and decorator.args
                and isinstance(decorator.args[0], ast.Constant)
            ):
                found[node.name] = str(decorator.args[0].value)
    return found


def is_code(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#") and stripped not in ("pass", "...")


@pytest.mark.skipif(not CHAPTERS, reason="no chapter has both chapters/NN/exercises.py and solutions/NN/exercises.py")
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_stub_and_solution_match_outside_the_regions(chapter):
    stub, stub_skeleton, stub_regions, solution, solution_skeleton, solution_regions = read_pair(chapter)
    if not solution_regions:
        pytest.fail(f"solutions/{chapter}/exercises.py has no {SOLUTION_MARKERS[0]!r} region", pytrace=False)
    if stub_skeleton != solution_skeleton:
        diff = "\n".join(
            difflib.unified_diff(
                solution_skeleton,
                stub_skeleton,
                f"solutions/{chapter}/exercises.py",
                f"chapters/{chapter}/exercises.py",
                n=1,
                lineterm="",
            )
        )
        pytest.fail(
            "the stub and the solution differ outside the exercise regions (each region is shown as "
            f"<exercise region>; the files must be identical apart from them):\n{diff}",
            pytrace=False,
        )


@pytest.mark.skipif(not CHAPTERS, reason="no chapter has both chapters/NN/exercises.py and solutions/NN/exercises.py")
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_stub_regions_raise_not_implemented(chapter):
    """Every stub region raises NotImplementedError("Exercise N.M: ...") (so an untouched exercise is graded
    'not attempted'), with a hint comment, and N.M is the number its grader test gives. A region that a
    learner has filled in (code, no raise) is accepted; an empty one is not."""
    stub, _, stub_regions, solution, _, solution_regions = read_pair(chapter)
    functions = enclosing_functions(stub)
    graders = grader_exercises(chapter)
    problems = []
    for region in stub_regions:
        where = f"chapters/{chapter}/exercises.py:{region.first_line}"
        function = function_at(functions, region.first_line)
        raises = [STUB_RAISE.match(line) for line in region.lines if STUB_RAISE.match(line)]
        if not raises:
            if not any(is_code(line) for line in region.lines):
                problems.append(f'{where}: the region must end with raise NotImplementedError("Exercise N.M: ...")')
            continue  # filled in by the learner
        number = f"{int(raises[0].group(1))}.{int(raises[0].group(2))}"
        if int(raises[0].group(1)) != int(chapter[:2]):
            problems.append(f"{where}: Exercise {number} in chapter {chapter}: number it {int(chapter[:2])}.M")
        if not any(line.strip().startswith("#") for line in region.lines):
            problems.append(f"{where}: add a hint comment above the raise")
        if function is None:
            problems.append(f"{where}: a region must be inside a function")
        elif graders.get(f"test_{function}") not in (None, number):
            problems.append(
                f"{where}: {function} raises 'Exercise {number}' but tests/graders/test_{chapter}.py "
                f"grades test_{function} as exercise {graders[f'test_{function}']}"
            )
    solution_functions = enclosing_functions(solution)
    for region in solution_regions:
        function = function_at(solution_functions, region.first_line)
        if function and f"test_{function}" not in graders:
            problems.append(
                f"solutions/{chapter}/exercises.py:{region.first_line}: no grader test "
                f"test_{function} with @exercise(...) in tests/graders/test_{chapter}.py"
            )
    assert not problems, "\n".join(problems)
