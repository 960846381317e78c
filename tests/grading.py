"""Helpers for the graders in tests/graders: call the learner's code safely, compare it with the reference.

A grader judges behaviour, never source text: it calls the learner's function on fresh inputs made
from fixed seeds and compares the result with `dqn_tutorial` (the reference package). Every failure
message says what was expected, what came back (type, shape, dtype, the first differing values), on
which input, and gives a hint; it never shows the solution. Four outcomes:

- passed;
- failed: wrong result, an exception, or too slow (every call has a time limit, so an infinite loop
  fails with a clear message instead of hanging the run);
- not attempted: the function still raises the stub's NotImplementedError (reported as a skip whose
  reason starts with "not attempted", so a fresh clone passes);
- skipped for another reason (rare).

It also holds the harness's side of the `--impl` switch: which code is graded ('chapters', 'solutions',
or 'mutant:NN_chapter/NAME', the solutions with one deliberately wrong answer from tests/mutants
applied, or 'cheat:NN_chapter/NAME', one attempt to fool the harness from tests/cheats), and the
reading of mutant files. Each grader test runs in a child process (tests/sandbox.py): `call` and
`fail` tell the sandbox's guard what runs and what failed, as it happens. The reference package
`dqn_tutorial` knows nothing of this module, of pytest or of mutants: `dqn_tutorial.implementations`
only loads chapters/ or solutions/.

This is a plain module in tests/ (pytest puts tests/ on sys.path: `pythonpath` in pyproject.toml), so
graders write `from grading import ...`. How to write a grader: .agents/GRADING.md.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.abc
import inspect
import math
import os
import re
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import numpy as np
import pytest
import torch
from _pytest.outcomes import OutcomeException

from dqn_tutorial.errors import UserError
from dqn_tutorial.implementations import ENV_VARIABLE, IMPLEMENTATIONS, load_exercises, repository_root

TESTS = Path(__file__).resolve().parent
REPOSITORY = TESTS.parent  # the graders grade the repository they live in
MUTANTS_DIRECTORY = TESTS / "mutants"
MUTANT_PREFIX = "mutant:"
CHEATS_DIRECTORY = TESTS / "cheats"  # attempts to fool the harness, which it must catch (tests/cheats)
CHEAT_PREFIX = "cheat:"

NOT_ATTEMPTED = "not attempted"
DEFAULT_CALL_TIME_LIMIT = 10.0  # seconds for one call of a learner's function
DEFAULT_TEST_TIME_LIMIT = 120.0  # seconds for a whole grader test (a backstop; set by the exercise marker)
LOAD_TIME_LIMIT = 30.0  # seconds to import a chapter's exercises.py
GRADER_FILE = re.compile(r"^test_(\d\d)_(\w+)$")
EXERCISE_NUMBER = re.compile(r"^(\d+)\.(\d+)$")


# ----------------------------------------------------------------------------------------------
# Marking a test as the grader of one exercise
# ----------------------------------------------------------------------------------------------


def exercise(number: str, title: str, *, time_limit: float = DEFAULT_TEST_TIME_LIMIT) -> pytest.MarkDecorator:
    """`@exercise("6.1", "Linear epsilon schedule")` on `test_linear_epsilon`: the id and readable name.

    The same as `@pytest.mark.exercise("6.1", "Linear epsilon schedule")`. `time_limit` (seconds) bounds
    the whole test, on top of the per-call limit of `call`.
    """
    return pytest.mark.exercise(number, title, time_limit=time_limit)


def chapter_of_grader(path: Path | str) -> str:
    """tests/graders/test_06_exploration.py -> '06_exploration'."""
    match = GRADER_FILE.match(Path(path).stem)
    if not match:
        raise UserError(f"grader file {Path(path).name} must be named test_NN_chapter.py, e.g. test_06_exploration.py")
    return f"{match.group(1)}_{match.group(2)}"


# ----------------------------------------------------------------------------------------------
# Outcomes
# ----------------------------------------------------------------------------------------------


def not_attempted(reason: str) -> None:
    """Report the exercise as not attempted (a skip whose reason starts with 'not attempted')."""
    pytest.skip(f"{NOT_ATTEMPTED}: {reason}")


def fail(
    problem: str,
    *,
    inputs: str | None = None,
    expected: str | None = None,
    got: str | None = None,
    details: str | None = None,
    hint: str | None = None,
) -> None:
    """Fail the test with a readable message and no traceback (so no source code is printed).

    problem: one line, e.g. "linear_epsilon: 3 of 9 values differ from the reference".
    inputs: the input that exposed it, described briefly. expected / got: short descriptions.
    details: extra lines (already formatted). hint: what to look at.
    """
    lines = [problem]
    for label, text in (("input", inputs), ("expected", expected), ("got", got)):
        if text is not None:
            lines.append(f"  {label + ':':<10}{_indent(text, 12)}")
    if details:
        lines.append(_indent(details, 2, first=True))
    if hint:
        lines.append(f"  {'hint:':<10}{_indent(hint, 12)}")
    message = "\n".join(lines)
    if _guard is not None:  # in the sandbox's child: the parent hears of it at once, whatever happens next
        _guard.declare_failure(message)
    pytest.fail(message, pytrace=False)


def _indent(text: str, width: int, first: bool = False) -> str:
    pad = " " * width
    out = str(text).replace("\n", "\n" + pad)
    return pad + out if first else out


# ----------------------------------------------------------------------------------------------
# Time limits (SIGALRM); nested limits are supported: the earliest deadline fires
# ----------------------------------------------------------------------------------------------


class GradingTimeout(BaseException):
    """Raised inside the learner's code when a time limit passes (a BaseException, so a bare
    `except Exception` in the learner's code cannot swallow it)."""

    def __init__(self, limit: "_Limit"):
        super().__init__(f"time limit of {limit.seconds:g} s passed ({limit.what})")
        self.limit = limit


@dataclass(eq=False)
class _Limit:
    seconds: float
    what: str
    deadline: float = 0.0


_active_limits: list[_Limit] = []


def _alarms_available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _on_alarm(signum, frame) -> None:
    now = time.monotonic()
    for limit in reversed(_active_limits):  # the innermost expired limit first
        if limit.deadline <= now + 1e-3:
            # fire again every second until the limit's block is left, in case the code swallows it
            signal.setitimer(signal.ITIMER_REAL, 1.0)
            raise GradingTimeout(limit)
    _rearm()  # woke up early (clock rounding): wait for the rest


def _rearm() -> None:
    if not _active_limits:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return
    remaining = min(limit.deadline for limit in _active_limits) - time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, max(remaining, 1e-3))


@contextlib.contextmanager
def time_limit(seconds: float, what: str = "the code") -> Iterator[_Limit]:
    """Raise GradingTimeout (whose `.limit` is the yielded object) if the block runs longer than `seconds`.

    Uses SIGALRM, so it needs the main thread of a Unix process (pytest's case); elsewhere it does nothing.
    """
    limit = _Limit(float(seconds), what, time.monotonic() + float(seconds))
    if not _alarms_available():
        yield limit
        return
    previous_handler = signal.getsignal(signal.SIGALRM) if not _active_limits else None
    if not _active_limits:
        signal.signal(signal.SIGALRM, _on_alarm)
    _active_limits.append(limit)
    _rearm()
    try:
        yield limit
    finally:
        _active_limits.remove(limit)
        _rearm()
        if not _active_limits:
            signal.signal(signal.SIGALRM, previous_handler or signal.SIG_DFL)


# ----------------------------------------------------------------------------------------------
# Which code is graded: chapters, solutions, or the solutions with one mutant applied
# ----------------------------------------------------------------------------------------------

_graded_implementation: str | None = None  # set once per run by tests/conftest.py (from --impl)
_guard = None  # the sandbox's watch over one test (tests/sandbox.py): set only while a grader test runs


def parse_mutant(value: str) -> tuple[str, str]:
    """'mutant:06_exploration/no_clamp' -> ('06_exploration', 'no_clamp'), checking that the file exists
    (the same for 'cheat:NN_chapter/NAME', a file of tests/cheats)."""
    prefix, folder, kind = (
        (CHEAT_PREFIX, CHEATS_DIRECTORY, "cheat")
        if value.startswith(CHEAT_PREFIX)
        else (MUTANT_PREFIX, MUTANTS_DIRECTORY, "mutant")
    )
    chapter, _, name = value[len(prefix) :].partition("/")
    if not chapter or not name or "/" in name:
        raise UserError(f"{value!r}: write it as {prefix}NN_chapter/NAME")
    if not (folder / chapter / f"{name}.py").is_file():
        raise UserError(f"{value!r}: no {kind} file tests/{folder.name}/{chapter}/{name}.py")
    return chapter, name


def is_variant(implementation: str) -> bool:
    """A mutant or a cheat: one file of tests/mutants or tests/cheats applied to the solutions."""
    return implementation.startswith((MUTANT_PREFIX, CHEAT_PREFIX))


def variant_path(implementation: str) -> Path:
    """tests/mutants/NN_chapter/NAME.py for 'mutant:NN_chapter/NAME' (tests/cheats/... for 'cheat:...')."""
    chapter, name = parse_mutant(implementation)
    folder = CHEATS_DIRECTORY if implementation.startswith(CHEAT_PREFIX) else MUTANTS_DIRECTORY
    return folder / chapter / f"{name}.py"


def check_implementation(value: str) -> str:
    """`value` if it names gradable code ('chapters', 'solutions', 'mutant:NN_chapter/NAME',
    'cheat:NN_chapter/NAME'); else UserError."""
    if is_variant(value):
        parse_mutant(value)
    elif value not in IMPLEMENTATIONS:
        raise UserError(f"{value!r}: choose 'chapters' (your code), 'solutions' or 'mutant:NN_chapter/NAME'")
    return value


def base_implementation(implementation: str) -> str:
    """The folder the code comes from: a mutant (or a cheat) lives on top of the solutions."""
    return "solutions" if is_variant(implementation) else implementation


def set_graded_implementation(implementation: str) -> None:
    """The code this run grades. DQN_TUTORIAL_IMPL (read by `dqn_tutorial.implementations`, the
    notebooks, and inherited by subprocesses) is set to the folder it comes from."""
    global _graded_implementation
    _graded_implementation = check_implementation(implementation)
    os.environ[ENV_VARIABLE] = base_implementation(implementation)


def graded_implementation() -> str:
    """What this run grades: as set by the harness, else DQN_TUTORIAL_IMPL (default 'chapters')."""
    return _graded_implementation or check_implementation(os.environ.get(ENV_VARIABLE, "chapters"))


def load_implementation(chapter: str, implementation: str | None = None) -> ModuleType:
    """A chapter's exercises module: chapters/ or solutions/ (via dqn_tutorial.implementations) or, for
    'mutant:NN_chapter/NAME', the solutions with the mutant applied if it belongs to this chapter."""
    implementation = check_implementation(implementation or graded_implementation())
    module = load_exercises(chapter, base_implementation(implementation))
    if is_variant(implementation):
        mutant_chapter, _ = parse_mutant(implementation)
        if mutant_chapter == chapter:
            apply_mutant(module, variant_path(implementation))
    return module


# ----------------------------------------------------------------------------------------------
# Loading a chapter and calling the learner's functions
# ----------------------------------------------------------------------------------------------


def exercise_file(chapter: str, implementation: str | None = None) -> str:
    """'chapters/06_exploration/exercises.py' (relative, for messages; a mutant is named too)."""
    implementation = implementation or graded_implementation()
    where = f"{base_implementation(implementation)}/{chapter}/exercises.py"
    if is_variant(implementation):
        kind = "cheat" if implementation.startswith(CHEAT_PREFIX) else "mutant"
        where += f" with the {kind} {variant_path(implementation).relative_to(REPOSITORY)}"
    return where


def load_for_grading(chapter: str, implementation: str | None = None) -> ModuleType:
    """Load a chapter's exercises (learner's, solutions or a mutant); a broken file fails the test clearly."""
    implementation = implementation or graded_implementation()
    where = exercise_file(chapter, implementation)
    script = where.split(" with ")[0]
    problem = None  # reported after the `except` blocks, so no chained traceback is printed
    guard = _guard
    if guard is not None:
        guard.loading(where, LOAD_TIME_LIMIT)
    try:
        with time_limit(LOAD_TIME_LIMIT, f"importing {where}") as limit:
            module = load_implementation(chapter, implementation)
        if guard is not None:
            guard.loaded()
        return module
    except GradingTimeout as timeout:
        if timeout.limit is not limit:
            raise
        problem = dict(
            problem=f"importing {where} took more than {LOAD_TIME_LIMIT:g} s",
            hint="code at the top level of the file (outside any function) runs on import: "
            "is there a loop or a long computation there?",
        )
    except UserError as error:
        problem = dict(problem=str(error))
    except SyntaxError as error:
        problem = dict(
            problem=f"{where} does not compile: {error.msg} (line {error.lineno})",
            hint=f"run `python {script}` to see the error",
        )
    except MemoryError:
        problem = dict(problem=_memory_problem(f"importing {where}"))
    except (Exception, SystemExit, KeyboardInterrupt) as error:  # noqa: BLE001 - reported, not raised
        problem = dict(
            problem=f"importing {where} raised {type(error).__name__}: {_short(str(error))}",
            details=_where_raised(error),
            hint=f"run `python {script}` to see the full error",
        )
    fail(**problem)
    raise AssertionError("unreachable")


def _memory_problem(what: str) -> str:
    if _guard is not None:
        return _guard.memory_message(what)
    return f"{what} ran out of memory"


def _is_memory_error(error: BaseException) -> bool:
    """MemoryError, or torch's allocator failing ("can't allocate memory")."""
    text = str(error)
    return isinstance(error, MemoryError) or (
        isinstance(error, RuntimeError) and ("can't allocate memory" in text or "not enough memory" in text)
    )


def call(
    module: ModuleType,
    name: str,
    *args: Any,
    time_limit: float = DEFAULT_CALL_TIME_LIMIT,
    inputs: str | None = None,
    **kwargs: Any,
) -> Any:
    """Call `module.name(*args, **kwargs)` as the learner's code, and return what it returns.

    - NotImplementedError (the stub) -> the test is reported as not attempted;
    - any other exception -> a failure naming the exception, the input and the line of exercises.py;
    - running past `time_limit` seconds -> a failure (an infinite loop does not hang the run).
    `inputs` describes the input in the messages; by default the arguments are described one by one.
    (If an exercise has a parameter called `inputs` or `time_limit`, pass it positionally.)
    """
    function = getattr(module, name, None)
    if function is None or not callable(function):
        fail(
            f"{Path(getattr(module, '__file__', 'exercises.py')).name} has no function `{name}`",
            hint="keep the name and the parameters of the stub; write your code between its markers",
        )
    description = inputs if inputs is not None else describe_call(function, args, kwargs)
    outcome = None  # reported after the `except` blocks, so no chained traceback is printed
    guard = _guard
    armed = guard.enter(name, function, time_limit) if guard is not None else None
    try:
        with _time_limit(time_limit, f"{name}()") as limit:
            result = function(*args, **kwargs)
        if time.monotonic() <= limit.deadline:
            return result
        outcome = ("timeout", None, None)  # it swallowed the timeout and went on
    except NotImplementedError as error:
        outcome = ("stub", str(error) or f"{name} still raises NotImplementedError", None)
    except GradingTimeout as timeout:
        if timeout.limit is not limit:
            raise
        outcome = ("timeout", None, None)
    except OutcomeException as error:  # pytest.skip/fail/exit raised by the learner's code itself
        outcome = (
            "outcome",
            f"{name} raised pytest's {type(error).__name__}: graders do not accept code that "
            "decides the test's outcome itself",
            None,
        )
    except (Exception, SystemExit, KeyboardInterrupt, MemoryError) as error:  # noqa: BLE001 - become failures
        if isinstance(error, KeyboardInterrupt) and not (guard is not None and guard.in_child):
            raise  # Ctrl-C in a run without the sandbox: stop the run
        if _is_memory_error(error):
            outcome = ("memory", _memory_problem(name), None)
        else:
            outcome = (
                "error",
                f"{type(error).__name__}: {_short(str(error))}",
                _where_raised(error, getattr(module, "__file__", None)),
            )
    finally:
        if guard is not None:
            guard.leave(armed)
    kind, message, where = outcome
    if kind == "stub":
        not_attempted(message)
    if kind == "timeout":
        fail(
            f"{name} did not return within {time_limit:g} s",
            inputs=description,
            hint="look for a loop that never ends (a `while` whose condition never changes), "
            "or a Python loop over something that should be one array operation",
        )
    if kind == "outcome":
        if guard is not None:
            guard.cheat(message)
        fail(message, inputs=description)
    if kind == "memory":
        fail(
            message,
            inputs=description,
            hint="look for an array or a list that grows without bound, or a size "
            "computed wrong (an array of shape (n, n) where (n,) was meant)",
        )
    fail(f"{name} raised {message}", inputs=description, details=where)
    raise AssertionError("unreachable")


_time_limit = time_limit  # `call` has a parameter of the same name


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _where_raised(error: BaseException, module_file: str | None = None) -> str | None:
    """'raised at exercises.py line 23, in linear_epsilon' (line numbers only: no source is shown).

    The line named is the last one in the graded code (the exercises file, or a mutant's file); if the
    error happened deeper (in torch, in dqn_tutorial), that place is added.
    """
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return None
    graded = [f for f in frames if _is_graded_file(f.filename, module_file)]
    deepest = frames[-1]
    if not graded:
        return f"raised at {Path(deepest.filename).name} line {deepest.lineno}, in {deepest.name}"
    own = graded[-1]
    text = f"raised at {Path(own.filename).name} line {own.lineno}, in {own.name}"
    if deepest is not own:
        text += f" (deepest: {Path(deepest.filename).name} line {deepest.lineno}, in {deepest.name})"
    return text


def _is_graded_file(filename: str, module_file: str | None) -> bool:
    path = Path(filename).resolve()
    if module_file and path == Path(module_file).resolve():
        return True
    try:
        root = repository_root()
    except UserError:
        root = REPOSITORY
    roots = [root / "chapters", root / "solutions", MUTANTS_DIRECTORY]
    return any(folder in path.parents for folder in roots)


# ----------------------------------------------------------------------------------------------
# Describing values and inputs briefly
# ----------------------------------------------------------------------------------------------


def describe(value: Any, with_values: bool = True) -> str:
    """A short description: 'int 3', 'float 0.1', 'ndarray int64 shape (32,) [0 1 3 ...]', 'tensor ...'."""
    if value is None:
        return "None"
    if isinstance(value, bool):
        return f"bool {value}"
    if isinstance(value, int):
        return f"int {value}"
    if isinstance(value, float):
        return f"float {format_number(value)}"
    if isinstance(value, np.generic):
        return f"numpy.{type(value).__name__} {format_number(value.item())}"
    if isinstance(value, np.ndarray):
        text = f"ndarray {value.dtype} shape {tuple(value.shape)}"
        return text + (f" {_preview(value)}" if with_values else "")
    if isinstance(value, torch.Tensor):
        text = f"tensor {value.dtype} shape {tuple(value.shape)}"
        if value.device.type != "cpu":
            text += f" on {value.device}"
        if value.requires_grad:
            text += " requires_grad=True"
        return text + (f" {_preview(value.detach().cpu().numpy())}" if with_values else "")
    if isinstance(value, (tuple, list)):
        inner = ", ".join(describe(item, with_values) for item in value[:4])
        more = ", ..." if len(value) > 4 else ""
        return f"{type(value).__name__} of {len(value)}: ({inner}{more})"
    if isinstance(value, np.random.Generator):
        return "numpy Generator"
    if isinstance(value, torch.nn.Module):
        return f"network {type(value).__name__}"
    return f"{type(value).__name__} {_short(repr(value), 60)}"


def format_number(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return f"{float(value):.10g}"


def _preview(array: np.ndarray, count: int = 6) -> str:
    flat = array.reshape(-1)
    shown = " ".join(format_number(x) for x in flat[:count])
    return f"[{shown}{' ...' if flat.size > count else ''}]"


def describe_call(function: Any, args: tuple, kwargs: dict) -> str:
    """'step=5, start=1.0, end=0.1, duration=10' using the function's own parameter names."""
    try:
        bound = inspect.signature(function).bind_partial(*args, **kwargs)
        items = list(bound.arguments.items())
    except (TypeError, ValueError):
        items = [(f"arg{i}", a) for i, a in enumerate(args)] + list(kwargs.items())
    return ", ".join(f"{key}={_brief(value)}" for key, value in items)


def _brief(value: Any) -> str:
    if isinstance(value, (bool, int, float, np.generic)):
        return format_number(value) if not isinstance(value, bool) else str(value)
    return describe(value, with_values=False)


# ----------------------------------------------------------------------------------------------
# Comparing with the reference
# ----------------------------------------------------------------------------------------------


def assert_matches(
    actual: Any,
    expected: Any,
    *,
    what: str,
    inputs: str,
    hint: str | None = None,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    check_dtype: bool | str = True,
    exact_type: bool = False,
    check_grad: bool = True,
) -> None:
    """Fail unless `actual` matches `expected` (the reference's answer): type, shape, dtype, values.

    Handles numpy arrays, torch tensors, Python and numpy scalars, None, and tuples/lists of these
    (element by element). Floats are compared with |actual - expected| <= atol + rtol * |expected|;
    integers and booleans exactly.
    what: the thing being checked, e.g. "linear_epsilon" or "the actions returned by epsilon_greedy".
    check_dtype: True (the same dtype), "kind" (both integer, both floating, ...), or False.
    exact_type: for scalars, demand exactly the expected Python type (e.g. int, not numpy.int64).
    check_grad: for tensors, demand requires_grad as in the reference (a TD target that still carries a
    gradient, or a loss cut off from the network, fails).
    """
    _Comparison(what, inputs, hint, atol, rtol, check_dtype, exact_type, check_grad).compare(actual, expected, what)


@dataclass
class _Comparison:
    what: str
    inputs: str
    hint: str | None
    atol: float
    rtol: float
    check_dtype: bool | str
    exact_type: bool
    check_grad: bool

    def fail(self, label: str, problem: str, expected: str, got: str, details: str | None = None) -> None:
        fail(f"{label}: {problem}", inputs=self.inputs, expected=expected, got=got, details=details, hint=self.hint)

    def compare(self, actual: Any, expected: Any, label: str) -> None:
        if isinstance(expected, (tuple, list)):
            self.compare_sequence(actual, expected, label)
        elif isinstance(expected, torch.Tensor):
            self.compare_tensor(actual, expected, label)
        elif isinstance(expected, np.ndarray):
            self.compare_array(actual, expected, label)
        elif expected is None:
            if actual is not None:
                self.fail(label, "should be None", "None", describe(actual))
        elif isinstance(expected, (bool, np.bool_, int, float, np.integer, np.floating)):
            self.compare_scalar(actual, expected, label)
        elif actual != expected:
            self.fail(label, "differs from the reference", describe(expected), describe(actual))

    def compare_sequence(self, actual: Any, expected: Any, label: str) -> None:
        kind = type(expected).__name__
        if not isinstance(actual, (tuple, list)) or (self.exact_type and type(actual) is not type(expected)):
            self.fail(
                label,
                f"wrong type (a {kind} of {len(expected)} was expected)",
                describe(expected, False),
                describe(actual, False),
            )
        if len(actual) != len(expected):
            self.fail(
                label,
                f"wrong length: {len(actual)} items instead of {len(expected)}",
                describe(expected, False),
                describe(actual, False),
            )
        for index, (item, reference) in enumerate(zip(actual, expected)):
            self.compare(item, reference, f"{label}[{index}]")

    def compare_scalar(self, actual: Any, expected: Any, label: str) -> None:
        integer = isinstance(expected, (int, np.integer)) and not isinstance(expected, (bool, np.bool_))
        boolean = isinstance(expected, (bool, np.bool_))
        if self.exact_type:
            ok = type(actual) is type(expected)
        elif boolean:
            ok = isinstance(actual, (bool, np.bool_))
        elif integer:
            ok = isinstance(actual, (int, np.integer)) and not isinstance(actual, (bool, np.bool_))
        else:
            ok = isinstance(actual, (int, float, np.integer, np.floating)) and not isinstance(actual, (bool, np.bool_))
        if not ok:
            needed = (
                type(expected).__name__ if (self.exact_type or boolean) else ("an integer" if integer else "a number")
            )
            advice = ""
            if isinstance(actual, torch.Tensor):
                advice = " (a tensor: convert it with `.item()`)"
            elif isinstance(actual, np.ndarray) or isinstance(actual, np.generic):
                advice = f" (convert it with `{type(expected).__name__}(...)`)"
            self.fail(label, f"wrong type: {needed} was expected{advice}", describe(expected), describe(actual))
        if integer or boolean:
            same = actual == expected
        else:
            same = _close(float(actual), float(expected), self.atol, self.rtol)
        if not same:
            self.fail(label, "differs from the reference", describe(expected), describe(actual))

    def compare_tensor(self, actual: Any, expected: torch.Tensor, label: str) -> None:
        if not isinstance(actual, torch.Tensor):
            advice = " (use torch.as_tensor(...) or torch.from_numpy(...))" if isinstance(actual, np.ndarray) else ""
            self.fail(
                label,
                f"wrong type: a torch tensor was expected{advice}",
                describe(expected, False),
                describe(actual, False),
            )
        self.check_shape(actual, expected, label)
        if self.check_dtype is True and actual.dtype != expected.dtype:
            self.fail(
                label,
                f"wrong dtype: {actual.dtype} instead of {expected.dtype}",
                describe(expected, False),
                describe(actual, False),
            )
        if self.check_dtype == "kind" and _tensor_kind(actual) != _tensor_kind(expected):
            self.fail(
                label,
                f"wrong kind of dtype: {actual.dtype} ({_tensor_kind(actual)}) instead of {_tensor_kind(expected)}",
                describe(expected, False),
                describe(actual, False),
            )
        if self.check_grad and actual.requires_grad != expected.requires_grad:
            problem = (
                "still carries a gradient (requires_grad=True): detach it, or compute it inside torch.no_grad()"
                if actual.requires_grad
                else "is cut off from the computation graph (requires_grad=False): do not detach it, "
                "and do not compute it inside torch.no_grad()"
            )
            self.fail(label, problem, describe(expected, False), describe(actual, False))
        self.compare_values(actual.detach().cpu().numpy(), expected.detach().cpu().numpy(), label, actual, expected)

    def compare_array(self, actual: Any, expected: np.ndarray, label: str) -> None:
        if not isinstance(actual, np.ndarray):
            advice = ""
            if isinstance(actual, torch.Tensor):
                advice = " (a tensor: convert it with `.cpu().numpy()`)"
            elif isinstance(actual, (list, tuple)):
                advice = " (a list: convert it with np.asarray(...))"
            self.fail(
                label,
                f"wrong type: a numpy array was expected{advice}",
                describe(expected, False),
                describe(actual, False),
            )
        self.check_shape(actual, expected, label)
        if self.check_dtype is True and actual.dtype != expected.dtype:
            self.fail(
                label,
                f"wrong dtype: {actual.dtype} instead of {expected.dtype}",
                describe(expected, False),
                describe(actual, False),
            )
        if self.check_dtype == "kind" and _array_kind(actual) != _array_kind(expected):
            self.fail(
                label,
                f"wrong kind of dtype: {actual.dtype} ({_array_kind(actual)}) instead of {_array_kind(expected)}",
                describe(expected, False),
                describe(actual, False),
            )
        self.compare_values(actual, expected, label, actual, expected)

    def check_shape(self, actual: Any, expected: Any, label: str) -> None:
        if tuple(actual.shape) != tuple(expected.shape):
            self.fail(
                label,
                f"wrong shape: {tuple(actual.shape)} instead of {tuple(expected.shape)}",
                describe(expected, False),
                describe(actual, False),
            )

    def compare_values(
        self, actual: np.ndarray, expected: np.ndarray, label: str, shown_actual: Any, shown_expected: Any
    ) -> None:
        if expected.dtype.kind in "fc" or actual.dtype.kind in "fc":
            a, e = actual.astype(np.float64), expected.astype(np.float64)
            ok = np.isclose(a, e, atol=self.atol, rtol=self.rtol, equal_nan=True)
        else:
            ok = actual == expected
        ok = np.asarray(ok, dtype=bool)
        if ok.all():
            return
        bad = np.argwhere(~ok) if ok.ndim else np.zeros((1, 0), dtype=int)
        lines = ["first differences (index: got vs expected):"]
        for index in bad[:5]:
            key = tuple(int(i) for i in index)
            lines.append(f"  {list(key)}: {format_number(actual[key])} vs {format_number(expected[key])}")
        if len(bad) > 5:
            lines.append(f"  ... {len(bad) - 5} more")
        problem = f"{len(bad)} of {expected.size} values differ from the reference"
        if expected.dtype.kind in "fc":
            problem += f" (tolerance {self.atol:g} + {self.rtol:g} x |expected|)"
        self.fail(label, problem, describe(shown_expected, False), describe(shown_actual, False), "\n".join(lines))


def _close(actual: float, expected: float, atol: float, rtol: float) -> bool:
    if math.isnan(expected) or math.isnan(actual):
        return math.isnan(expected) and math.isnan(actual)
    return abs(actual - expected) <= atol + rtol * abs(expected)


def _array_kind(array: np.ndarray) -> str:
    kinds = {"b": "boolean", "i": "integer", "u": "integer", "f": "floating", "c": "complex"}
    return kinds.get(array.dtype.kind, "other")


def _tensor_kind(tensor: torch.Tensor) -> str:
    if tensor.dtype == torch.bool:
        return "boolean"
    if tensor.is_floating_point():
        return "floating"
    if tensor.is_complex():
        return "complex"
    return "integer"


def assert_type(
    actual: Any, expected_type: type | tuple[type, ...], *, what: str, inputs: str, hint: str | None = None
) -> None:
    """Fail unless isinstance(actual, expected_type) (bool is not accepted as an int)."""
    types = expected_type if isinstance(expected_type, tuple) else (expected_type,)
    if isinstance(actual, types) and not (isinstance(actual, bool) and bool not in types):
        return
    names = " or ".join(t.__name__ for t in types)
    fail(f"{what}: wrong type: {names} was expected", inputs=inputs, expected=names, got=describe(actual), hint=hint)


def assert_between(
    value: float,
    low: float,
    high: float,
    *,
    what: str,
    inputs: str,
    hint: str | None = None,
    expected: str | None = None,
) -> None:
    """Fail unless low <= value <= high (for statistics: a frequency within a few standard errors)."""
    if not (low <= value <= high):
        fail(
            f"{what}: {format_number(value)} is outside [{format_number(low)}, {format_number(high)}]",
            inputs=inputs,
            expected=expected or f"between {format_number(low)} and {format_number(high)}",
            got=format_number(value),
            hint=hint,
        )


def frequency_bounds(probability: float, draws: int, sigmas: float = 5.0) -> tuple[float, float]:
    """The range a frequency of `draws` independent trials stays in with overwhelming probability.

    probability +- sigmas standard errors (5 sigmas: a correct answer fails about once in 3 million runs;
    with fixed seeds it either always passes or always fails).
    """
    error = sigmas * math.sqrt(probability * (1 - probability) / draws)
    return probability - error, probability + error


# ----------------------------------------------------------------------------------------------
# The learner's code never sees the solutions
# ----------------------------------------------------------------------------------------------


class _BlockSolutions(importlib.abc.MetaPathFinder):
    """Makes `import solutions...` fail while grading, whatever sys.path holds (python -m pytest adds the cwd)."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname == "solutions" or fullname.startswith("solutions."):
            raise ModuleNotFoundError(
                f"No module named {fullname!r} (the solutions cannot be imported while grading)", name=fullname
            )
        return None


def block_solutions_import() -> None:
    """Install the import blocker (idempotent); the graders load solutions by file path, never by import."""
    if not any(isinstance(finder, _BlockSolutions) for finder in sys.meta_path):
        sys.meta_path.insert(0, _BlockSolutions())
    for name in [n for n in sys.modules if n == "solutions" or n.startswith("solutions.")]:
        del sys.modules[name]


# ----------------------------------------------------------------------------------------------
# Mutants: deliberately wrong answers the graders must reject (tests/mutants/NN_chapter/NAME.py)
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MutantInfo:
    chapter: str
    name: str
    path: Path
    docstring: str
    caught_by: tuple[str, ...]  # the grader tests that must fail
    defines: tuple[str, ...]  # the functions and classes it replaces in the solution module
    message: str | None = None  # MESSAGE = "...": a fragment of the failure message (required for cheats)

    @property
    def is_cheat(self) -> bool:
        return self.path.parent.parent.name == CHEATS_DIRECTORY.name

    @property
    def implementation(self) -> str:
        return f"{CHEAT_PREFIX if self.is_cheat else MUTANT_PREFIX}{self.chapter}/{self.name}"


def read_mutant(path: Path) -> MutantInfo:
    """Read a mutant file without running it; a malformed one raises UserError saying what is wrong."""
    path = Path(path)
    try:
        tree = ast.parse(path.read_text(), str(path))
    except SyntaxError as error:
        raise UserError(f"{path}: does not compile: {error.msg} (line {error.lineno})") from None
    docstring = ast.get_docstring(tree) or ""
    caught_by = message = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "CAUGHT_BY" for t in node.targets):
            try:
                caught_by = ast.literal_eval(node.value)
            except ValueError:
                raise UserError(f"{path}: CAUGHT_BY must be a literal list of test names") from None
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "MESSAGE" for t in node.targets):
            try:
                message = ast.literal_eval(node.value)
            except ValueError:
                message = None
            if not isinstance(message, str) or not message:
                raise UserError(f"{path}: MESSAGE must be a literal, non-empty string")
    if caught_by is None:
        raise UserError(f'{path}: no CAUGHT_BY = ["test_..."] (the grader tests that must fail)')
    if (
        not isinstance(caught_by, (list, tuple))
        or not caught_by
        or not all(isinstance(name, str) and name.startswith("test_") for name in caught_by)
    ):
        raise UserError(f"{path}: CAUGHT_BY must be a non-empty list of test function names, got {caught_by!r}")
    defines = tuple(
        node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    )
    return MutantInfo(path.parent.name, path.stem, path, docstring, tuple(caught_by), defines, message)


def chapter_mutants(chapter: str, folder: Path = MUTANTS_DIRECTORY) -> list[MutantInfo]:
    """Every mutant of a chapter, sorted by name (files starting with '_' or 'test_' are ignored);
    `folder=CHEATS_DIRECTORY`: every cheat of the chapter."""
    return [
        read_mutant(path)
        for path in sorted((folder / chapter).glob("*.py"))
        if not path.name.startswith(("_", "test_"))
    ]


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


def real_breakout_stacks(seed: int, steps: int, every: int) -> np.ndarray:
    """Real (4, 84, 84) uint8 stacks from a random game of Breakout: one every `every` agent steps.

    Graders feed these to learner code so that it is judged on what the agent really sees.
    """
    from dqn_tutorial.atari import make_atari_env

    env = make_atari_env("Breakout", seed=seed)
    observation, _ = env.reset()
    rng = np.random.default_rng(seed)
    stacks = []
    for step in range(steps):
        observation, _, terminated, truncated, _ = env.step(int(rng.integers(env.action_space.n)))
        if step % every == every - 1:
            stacks.append(np.array(observation))
        if terminated or truncated:
            observation, _ = env.reset()
    env.close()
    return np.stack(stacks)


def grade_in_subprocess(
    chapter: str, impl: str, report: Path, timeout: float, select: str | None = None, env: dict | None = None
) -> dict:
    """Grade one chapter in a fresh pytest process (`--impl=impl`, `-k select`), so that a mutant or a
    cheat that crashes or hangs takes only that run down (tests/mutants, tests/cheats).

    Returns {"rows": {(test, impl): row of the --grading-report}, "elapsed": seconds}, or {"error": why}."""
    import json
    import subprocess

    command = [sys.executable, "-m", "pytest", f"tests/graders/test_{chapter}.py", f"--impl={impl}"]
    command += ["-k", select] if select else []
    command += ["-q", "-p", "no:cacheprovider", f"--grading-report={report}"]
    environment = {key: value for key, value in os.environ.items() if key != "PYTEST_ADDOPTS"}
    environment.update(env or {})
    # Chapters run side by side: one math thread each, or their thread pools fight over the cores.
    environment.setdefault("OMP_NUM_THREADS", "1")
    shown = " ".join(command[2:])
    start = time.monotonic()
    try:
        done = subprocess.run(command, cwd=REPOSITORY, env=environment, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"`{shown}` ran longer than {timeout:.0f} s: something in it hung"}
    elapsed = time.monotonic() - start
    if not report.is_file() or done.returncode not in (0, 1):
        tail = (done.stdout + done.stderr)[-3000:]
        return {"error": f"`{shown}` exited with {done.returncode} (no report?):\n{tail}"}
    rows = {}
    for line in report.read_text().splitlines():
        row = json.loads(line)
        rows[(row["test"], row["impl"])] = row
    return {"rows": rows, "elapsed": elapsed}
