"""Runs each grader test in a child process with limits, and watches the learner's code for cheats.

Why: the learner's code runs inside the grader. Without isolation it could end the run (`os._exit`),
hang it (ignore the alarm, swallow the timeout), exhaust the machine's memory, drown the report in
output, or change the verdict (replace `pytest.fail`, read the expected values, call the reference).

How (tests/conftest.py calls `run_test` for every grader test):

- The parent (pytest) sets up the test's fixtures as usual (module fixtures are computed once), then
  forks. The child loads the learner's exercises file and runs the test body. It shows the parent what
  it runs (which call of the learner's code, until when: `grading.call` writes it in memory shared
  with the parent) and writes to a pipe each failure the grader declares (`grading.fail`), each cheat
  detected, then the outcome. The child's output goes to a second pipe. The parent reads both,
  enforces the limits, and decides: it reports the child's outcome to pytest as the test's own, so the
  table and --grading-report work as before.
- Limits (the child is killed, and the test fails with a message saying why): a call running
  `CALL_GRACE` s past its time limit (code that ignores SIGALRM or catches the grader's timeout), the
  test running past its time limit, more than `MEMORY_LIMIT_GB` GB of memory on top of the grader's
  (RLIMIT_AS where no GPU is in use, and the resident size watched from the parent), more than
  `OUTPUT_LIMIT` bytes printed (the first `OUTPUT_SHOWN` are shown), CPU time (RLIMIT_CPU). A child
  that ends without an outcome (os._exit, a crash) fails with a message naming what it was running.
- Cheats, detected in the child and reported at once, so that undoing them later does not help (each
  fails the test, even if the values are right): an audit hook (`sys.addaudithook`: it cannot be
  removed) sees the learner's code open files under solutions/ or tests/, import `solutions`, look at
  the grader's frames (sys._getframe, inspect.currentframe/stack, a traceback's tb_frame), search
  the grader's objects (gc), start programs, trace (sys.settrace), use ctypes or /proc/self/mem, or
  change the code or the class of the reference; while `call` runs the learner's `NAME`, every
  reference function `dqn_tutorial.*.NAME` is a tripwire (its `__code__` swapped for one that
  reports the use), so calling the reference, under any alias, is caught; and the identity of every
  attribute of `dqn_tutorial.*`, `grading`, the grader module, pytest's outcomes and the numpy,
  torch, builtins functions the graders compare with is recorded before the learner's code is loaded
  and compared after calls (every 50 ms at most) and at the end (replacing `pytest.fail` or a
  reference function).
- The verdict is the parent's: a test passes only if the child reported "passed" (with the run's
  secret token), no cheat and no declared failure.

Cost: about 40 ms per test (fork, exit, the pages the child copies). Library modules a child imports
are then imported by the parent, so that the next children inherit them (some torch operations on
the meta device import ~800 modules, sympy and torch._dynamo: ~1 s, paid twice per run, not per test).
DQN_TUTORIAL_SANDBOX_LOG=FILE logs the harness's own costs per test.

On Linux this is the default. `DQN_TUTORIAL_GRADING_ISOLATION=0` (or `--pdb`), and other platforms
unless the variable is 1 (macOS: the system libraries torch uses are not safe in a forked child;
Windows has no fork), run grader tests in the pytest process: time limits by SIGALRM, the tripwires,
the audit hook and the identity checks (replaced functions are put back), but no process limits, and
code that ends or hangs the process ends or hangs the run. How graders are written does not change:
.agents/GRADING.md.
"""

from __future__ import annotations

import ctypes
import faulthandler
import gc
import importlib
import importlib.util
import inspect
import json
import math
import mmap
import operator
import os
import secrets
import select
import signal
import struct
import sys
import sysconfig
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import grading
from grading import REPOSITORY

try:
    import resource  # Unix: RLIMIT_CPU, RLIMIT_AS
except ImportError:  # Windows: no limits (and no fork)
    resource = None

ISOLATION_VARIABLE = "DQN_TUTORIAL_GRADING_ISOLATION"  # "0": run grader tests in the pytest process
MEMORY_LIMIT_GB = 4.0  # memory the learner's code may add on top of what the grader holds
OUTPUT_LIMIT = 1_000_000  # bytes the code may print during one test
OUTPUT_SHOWN = 20_000  # bytes of that output shown with the result
CALL_GRACE = 2.0  # seconds a call may run past its time limit before the child is killed
TEST_GRACE = 5.0  # the same for the whole test
CPU_MARGIN = 10.0  # RLIMIT_CPU: the test's time limit plus this
POLL = 0.05  # seconds between two checks of the child's memory
SNAPSHOT_EVERY = 0.05  # seconds between two identity checks after calls (and one at the end)
REFERENCE_EVENT = "dqn_tutorial.grading.reference_called"
# What the child is running, in memory shared with the parent (a pipe message per call would cost too
# much: a grader may call a function 30,000 times): deadline (time.monotonic), limit, calls, name.
_BOARD = struct.Struct("ddq400s")
NOT_ACCEPTED = "graders do not accept code that changes the grader or the reference"
NO_PEEKING = "graders do not accept code that looks into the grader"

_CHILD_FAILED = 70  # exit status of a child whose harness code itself broke


# ----------------------------------------------------------------------------------------------
# Which mode
# ----------------------------------------------------------------------------------------------


def isolation_available(config=None) -> bool:
    """Fork per test: on Linux by default (DQN_TUTORIAL_GRADING_ISOLATION=0 turns it off, as pytest's --pdb
    does); elsewhere only with DQN_TUTORIAL_GRADING_ISOLATION=1 (macOS: system libraries that torch uses
    are not safe to use in a forked child; Windows has no fork)."""
    default = "1" if sys.platform.startswith("linux") else "0"
    if not hasattr(os, "fork") or os.environ.get(ISOLATION_VARIABLE, default) == "0":
        return False
    if config is not None and (config.getoption("usepdb", False) or config.getoption("trace", False)):
        return False
    try:
        import torch

        if torch.cuda.is_initialized():  # a forked child cannot use CUDA set up by its parent
            return False
    except ImportError:
        pass
    return True


@dataclass
class Outcome:
    kind: str  # passed, failed, skipped
    message: str = ""
    phase: str = "call"  # "setup" when the learner's file could not be loaded
    output: str = ""  # what the code printed (the start of it)


# ----------------------------------------------------------------------------------------------
# The learner's code: which frames are its own, which files it must not read
# ----------------------------------------------------------------------------------------------


def learner_files(implementation: str) -> tuple[str, ...]:
    """Path prefixes of the graded code: chapters/ (the learner's), or the one mutant or cheat file
    applied to the solutions (the solutions themselves are trusted)."""
    if implementation.startswith((grading.MUTANT_PREFIX, grading.CHEAT_PREFIX)):
        return (str(grading.variant_path(implementation)),)
    if grading.base_implementation(implementation) == "chapters":
        try:
            root = grading.repository_root()
        except Exception:  # noqa: BLE001 - fall back on this repository
            root = REPOSITORY
        return (str(root / "chapters") + os.sep, str(REPOSITORY / "chapters") + os.sep)
    return ()


@lru_cache(maxsize=None)
def _protected_roots() -> tuple[str, ...]:
    roots = {REPOSITORY / "solutions", REPOSITORY / "tests"}
    try:
        root = grading.repository_root()
        roots |= {root / "solutions", root / "tests"}
    except Exception:  # noqa: BLE001
        pass
    return tuple(sorted(os.path.realpath(str(folder)) + os.sep for folder in roots))


def _relative(path: str) -> str:
    """solutions/07_dqn_2013/exercises.py (a compiled __pycache__/exercises.cpython-311.pyc is named by its source)."""
    where = Path(path)
    if where.parent.name == "__pycache__" and where.suffix == ".pyc":
        where = where.parent.parent / (where.name.split(".")[0] + ".py")
    try:
        return str(where.relative_to(os.path.realpath(str(REPOSITORY))))
    except ValueError:
        return str(where)


def _helper_files() -> frozenset[str]:
    """Standard-library files that reach frames for their caller: inspect.currentframe/stack,
    traceback.extract_stack/print_stack/walk_stack."""
    return frozenset({inspect.__file__, traceback.__file__})


# ----------------------------------------------------------------------------------------------
# The guard: what the harness (grading.call, grading.fail) tells the sandbox, and the checks
# ----------------------------------------------------------------------------------------------


class Guard:
    """The child's side of a grader test. `send(kind, **fields)` reports to the parent at once."""

    def __init__(
        self,
        send: Callable[..., None],
        implementation: str,
        grader_module: ModuleType | None,
        memory_limit_gb: float | None,
        in_child: bool = True,
        snapshot: Snapshot | None = None,
    ):
        self.send = send
        self.in_child = in_child  # a forked child: a KeyboardInterrupt there is the learner's, not Ctrl-C
        self.implementation = implementation
        self.learner_prefixes = learner_files(implementation)
        self.activity = "your code"
        self.phase = "call"
        self.memory_limit_gb = memory_limit_gb
        self.reported: set[str] = set()
        self.snapshot = snapshot or Snapshot(grader_module, self.learner_prefixes)
        self.board: mmap.mmap | None = None  # shared with the parent (fork mode)
        self.calls = 0
        self.next_check = time.monotonic() + SNAPSHOT_EVERY  # short tests: the check at the end suffices
        self._reference_cache: dict[str, list] = {}
        self._wires: dict[int, Any] = {}  # id(function) -> its tripwire code

    # what the parent hears -----------------------------------------------------------------------
    def cheat(self, message: str) -> None:
        if message not in self.reported:
            self.reported.add(message)
            self.send("cheat", message=message)

    def declare_failure(self, message: str) -> None:
        self.send("failed", message=message, phase=self.phase)

    def post(self, name: str, seconds: float) -> None:
        """Tell the parent what runs now and until when (seconds=0: nothing of the learner's)."""
        if self.board is not None:
            deadline = time.monotonic() + seconds if seconds else 0.0
            _BOARD.pack_into(self.board, 0, deadline, seconds, self.calls, name.encode("utf-8", "replace")[:400])

    def loading(self, where: str, seconds: float) -> None:
        self.activity, self.phase = f"importing {where}", "setup"
        self.post(self.activity, seconds)

    def loaded(self) -> None:
        self.post("", 0)
        self.activity, self.phase = "your code", "call"

    # one call of the learner's function ----------------------------------------------------------
    def enter(self, name: str, function: Any, seconds: float) -> list:
        self.activity = name
        self.calls += 1
        self.post(name, seconds)
        references = self.references(name)
        for label, reference in references:
            if _is_reference(function, reference):
                self.cheat(f"{name} uses the reference implementation ({label}): write your own")
        return _arm_tripwires(references, name, self._wires)

    def leave(self, armed: list) -> None:
        _disarm_tripwires(armed)
        self.post("", 0)
        now = time.monotonic()
        if now >= self.next_check:  # not after every call: some graders make 30,000 calls
            self.next_check = now + SNAPSHOT_EVERY
            changed = self.snapshot.changed(quick=True)
            if changed:
                self.cheat(f"your code replaced {changed}: {NOT_ACCEPTED}")
        self.activity = "your code"

    def finish(self) -> None:
        changed = self.snapshot.changed(quick=False)
        if changed:
            self.cheat(f"your code replaced {changed}: {NOT_ACCEPTED}")

    def references(self, name: str) -> list[tuple[str, Any]]:
        """Every reference function (or class) of the package named `name`, as ('dqn_tutorial.m.name', f)."""
        if name not in self._reference_cache:
            found = []
            for module_name, module in sorted(sys.modules.items()):
                if not (module_name == "dqn_tutorial" or module_name.startswith("dqn_tutorial.")):
                    continue
                value = vars(module).get(name) if isinstance(module, ModuleType) else None
                if value is not None and getattr(value, "__module__", None) == module_name and callable(value):
                    found.append((f"{module_name}.{name}", value))
            self._reference_cache[name] = found
        return self._reference_cache[name]

    def memory_message(self, what: str) -> str:
        limit = f"{self.memory_limit_gb:g} GB" if self.memory_limit_gb else "the memory available"
        return f"{what} used more than {limit} of memory (the grader's limit)"


def _is_reference(function: Any, reference: Any) -> bool:
    if function is reference or getattr(function, "__wrapped__", None) is reference:
        return True
    if isinstance(function, type) and isinstance(reference, type):
        return issubclass(function, reference)
    code = getattr(function, "__code__", None)
    return code is not None and code is getattr(reference, "__code__", None)


def _tripwire_code(function: Any, label: str, name: str):
    """A code object for `function` that reports its use (an audit event) and raises."""
    code = function.__code__
    if not code.co_name.isidentifier():
        return None
    free = code.co_freevars
    message = f"{label} cannot be used while your {name} is graded: write your own"
    lines = ["def _make():"] + [f"    {var} = None" for var in free]
    lines.append(f"    def {code.co_name}(*args, **kwargs):")
    if free:
        lines.append(f"        ({', '.join(free)},)")
    lines += [
        "        import sys as _sys",
        f"        _sys.audit({REFERENCE_EVENT!r}, {label!r})",
        f"        raise RuntimeError({message!r})",
        f"    return {code.co_name}",
    ]
    namespace: dict = {}
    exec(compile("\n".join(lines), "<reference tripwire>", "exec"), namespace)  # noqa: S102
    wire = namespace["_make"]().__code__
    return wire if wire.co_freevars == free else None


def _arm_tripwires(references: list[tuple[str, Any]], name: str, cache: dict) -> list:
    armed = []
    for label, reference in references:
        targets = []
        if isinstance(reference, type):
            targets = [
                (f"{label}.{key}", value) for key, value in vars(reference).items() if hasattr(value, "__code__")
            ]
        else:
            inner = reference
            while hasattr(inner, "__wrapped__"):
                targets.append((label, inner))
                inner = inner.__wrapped__
            targets.append((label, inner))
        for target_label, function in targets:
            if not hasattr(function, "__code__"):
                continue
            key = (id(function), name)
            if key not in cache:
                cache[key] = _tripwire_code(function, target_label, name)
            wire = cache[key]
            if wire is None:
                continue
            original = function.__code__
            function.__code__ = wire
            armed.append((function, original))
    return armed


def _disarm_tripwires(armed: list) -> None:
    for function, original in reversed(armed):
        function.__code__ = original


# ----------------------------------------------------------------------------------------------
# Identities of the grader's, the reference's and the libraries' functions
# ----------------------------------------------------------------------------------------------

_API_MODULES = (
    "pytest",
    "_pytest.outcomes",
    "builtins",
    "numpy",
    "numpy.random",
    "numpy.testing",
    "math",
    "hashlib",
    "copy",
    "inspect",
    "signal",
    "os",
    "json",
    "torch.nn.functional",
    "torch.testing",
)
_BIG_API_MODULES = ("torch",)  # checked at the end of the test only (many names)
_API_CLASSES = ("torch.Tensor", "torch.nn.Module", "torch.nn.Parameter")
_MISSING = object()


def _read_namespace(get: Callable[[Any], Any], keys: tuple) -> tuple:
    return tuple(map(get, keys))


def _is_api(value: Any) -> bool:
    return callable(value) or isinstance(value, ModuleType)


class Snapshot:
    """Identities recorded before the learner's code is loaded; `changed()` names the first one replaced."""

    def __init__(self, grader_module: ModuleType | None, learner_prefixes: tuple[str, ...] = ()):
        self.learner_prefixes = learner_prefixes
        quick: list[tuple[Any, str, Any, str, bool]] = []  # (holder, key, value, label, is_dict)
        slow: list[tuple[Any, str, Any, str, bool]] = []
        self.quick, self.slow = quick, slow
        full = [
            (name, module)
            for name, module in sorted(sys.modules.items())
            if isinstance(module, ModuleType) and (name == "dqn_tutorial" or name.startswith("dqn_tutorial."))
        ]
        tests = str(grading.TESTS) + os.sep
        for name, module in sorted(sys.modules.items()):  # the graders' helpers: network_grading, checks...
            filename = getattr(module, "__file__", None) if isinstance(module, ModuleType) else None
            if (
                isinstance(filename, str)
                and filename.startswith(tests)
                and module not in (grading, sys.modules.get(__name__), grader_module)
                and not name.endswith("conftest")
            ):
                full.append((name, module))
        if grader_module is not None:
            full.append((f"the grader {Path(getattr(grader_module, '__file__', '?')).name}", grader_module))
        for name, module in full:
            self._record_module(module, name, everything=True, into=self.quick)
        for name in ("grading", "sandbox"):  # their functions and classes (their state changes as they run)
            if isinstance(sys.modules.get(name), ModuleType):
                self._record_module(sys.modules[name], name, everything=False, into=self.quick)
        for name in _API_MODULES:
            if isinstance(sys.modules.get(name), ModuleType):
                self._record_module(sys.modules[name], name, everything=False, into=self.quick)
        for name in _BIG_API_MODULES:
            if isinstance(sys.modules.get(name), ModuleType):
                self._record_module(sys.modules[name], name, everything=False, into=self.slow)
        for dotted in _API_CLASSES:
            module_name, _, class_name = dotted.rpartition(".")
            cls = getattr(sys.modules.get(module_name), class_name, None)
            if isinstance(cls, type):
                self._record_class(cls, dotted, self.slow)
        self.quick_groups, self.slow_groups = self._group(quick), self._group(slow)

    @staticmethod
    def _group(entries: list) -> list[tuple[Callable[[], tuple], tuple, tuple]]:
        """[(read, values, labels)]: one group per namespace (and one per attribute name, for the
        functions' __code__ and __defaults__), each read and compared in one pass."""
        namespaces: dict[int, tuple[Any, list, list, list]] = {}
        attributes: dict[str, tuple[list, list, list]] = {}
        for holder, key, value, label, is_dict in entries:
            if is_dict:
                group = namespaces.setdefault(id(holder), (holder, [], [], []))
                group[1].append(key), group[2].append(value), group[3].append(label)
            else:
                holders, values, labels = attributes.setdefault(key, ([], [], []))
                holders.append(holder), values.append(value), labels.append(label)
        groups = []
        for holder, keys, values, labels in namespaces.values():
            groups.append((partial(_read_namespace, holder.get, tuple(keys)), tuple(values), tuple(labels)))
        for key, (holders, values, labels) in attributes.items():
            groups.append(
                (partial(_read_namespace, operator.attrgetter(key), tuple(holders)), tuple(values), tuple(labels))
            )
        return groups

    def _record_module(self, module: ModuleType, label: str, everything: bool, into: list) -> None:
        namespace = vars(module)
        own = getattr(module, "__name__", "")
        for key, value in list(namespace.items()):
            if key.startswith("__") and key.endswith("__"):
                continue
            if not everything and not _is_api(value):
                continue
            into.append((namespace, key, value, f"{label}.{key}", True))
            if everything and getattr(value, "__module__", None) == own:
                if hasattr(value, "__code__"):
                    into.append((value, "__code__", value.__code__, f"{label}.{key}.__code__", False))
                    into.append((value, "__defaults__", value.__defaults__, f"{label}.{key}.__defaults__", False))
                elif isinstance(value, type):
                    self._record_class(value, f"{label}.{key}", self.slow)  # classes: at the end only

    @staticmethod
    def _record_class(cls: type, label: str, into: list) -> None:
        for key, value in list(vars(cls).items()):
            if key in ("__dict__", "__weakref__", "__doc__", "__annotations__", "__parameters__"):
                continue
            into.append((vars(cls), key, value, f"{label}.{key}", True))
            if hasattr(value, "__code__"):
                into.append((value, "__code__", value.__code__, f"{label}.{key}.__code__", False))

    def changed(self, quick: bool = True, groups: list | None = None) -> str | None:
        """The first identity replaced: of the quick groups, or all (quick=False), or of `groups`."""
        if groups is None:
            groups = self.quick_groups if quick else self.quick_groups + self.slow_groups
        for read, values, labels in groups:
            current = read()
            if all(map(operator.is_, current, values)):
                continue
            for now, value, label in zip(current, values, labels):
                if now is not value and not self._wraps(now, value):
                    return label
        return None

    def restore(self) -> None:
        """Put back every module attribute and function code replaced (the pytest process, without a child)."""
        for holder, key, value, _, is_dict in self.quick + self.slow:
            try:
                current = holder.get(key, _MISSING) if is_dict else getattr(holder, key, _MISSING)
                if current is value or self._wraps(current, value):
                    continue
                if is_dict and isinstance(holder, dict):
                    holder[key] = value
                elif not is_dict:
                    setattr(holder, key, value)
            except (AttributeError, TypeError, ValueError):
                pass

    def _wraps(self, current: Any, original: Any) -> bool:
        """torch wraps some of its functions lazily (torch._dynamo, the optimizers' profiling hook): a
        replacement that wraps the original (functools.wraps) and is not the learner's code is fine."""
        code = getattr(current, "__code__", None)
        if code is not None and self.learner_prefixes and code.co_filename.startswith(self.learner_prefixes):
            return False
        wrapped = current
        for _ in range(8):
            wrapped = getattr(wrapped, "__wrapped__", None)
            if wrapped is None:
                return False
            if wrapped is original:
                return True
        return False


# ----------------------------------------------------------------------------------------------
# The audit hook (installed in the child before the learner's code is loaded; it cannot be removed)
# ----------------------------------------------------------------------------------------------

_FRAME_ATTRIBUTES = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame", "f_back"})
_WATCHED = frozenset(
    {
        "open",
        "import",
        "sys._getframe",
        "sys._current_frames",
        "sys.settrace",
        "sys.setprofile",
        "gc.get_objects",
        "gc.get_referrers",
        "gc.get_referents",
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.fork",
        "os.forkpty",
        "pty.spawn",
        "object.__setattr__",
        REFERENCE_EVENT,
    }
)


def install_audit_hook(get_guard: Callable[[], Guard | None]) -> None:
    """Report, through `get_guard().cheat`, what the learner's code must not do (see the module docstring).

    In the child, `get_guard` returns the test's guard (fixed before the learner's code is loaded); in the
    pytest process (no fork), `grading._guard`, the guard of the test running, if any."""
    protected = _protected_roots()
    helpers = _helper_files()
    getframe = sys._getframe
    realpath, fspath, getcwd, join = os.path.realpath, os.fspath, os.getcwd, os.path.join
    get_ident = threading.get_ident
    busy: set[int] = set()
    learner: tuple[str, ...] = ()
    guard: Guard | None = None

    def is_learner(filename: str) -> bool:
        return bool(learner) and filename.startswith(learner)

    def learner_on_stack(frame) -> bool:
        depth = 0
        while frame is not None and depth < 300:
            if is_learner(frame.f_code.co_filename):
                return True
            frame, depth = frame.f_back, depth + 1
        return False

    def learner_calls(frame, skip: frozenset = frozenset()) -> bool:
        """The code that did it is the learner's (standard helpers in `skip` and generated code `<...>`
        are looked through)."""
        while frame is not None:
            filename = frame.f_code.co_filename
            if filename in skip or filename.startswith("<"):
                frame = frame.f_back
                continue
            return is_learner(filename)
        return False

    def what() -> str:
        return guard.activity

    def cheat(message: str) -> None:
        guard.cheat(message)

    def hook(event: str, args: tuple) -> None:
        nonlocal learner, guard
        if event == "object.__getattr__":
            if len(args) < 2 or args[1] not in _FRAME_ATTRIBUTES:
                return
        elif event not in _WATCHED and not event.startswith("ctypes."):
            return
        thread = get_ident()
        if thread in busy:
            return
        guard = get_guard()
        learner = guard.learner_prefixes if guard is not None else ()
        if not learner and event != REFERENCE_EVENT:
            return
        busy.add(thread)
        try:
            caller = getframe(1)
            if event == "open":
                path = args[0] if args else None
                if isinstance(path, int) or path is None:
                    return
                try:
                    path = fspath(path)
                    if isinstance(path, bytes):
                        path = path.decode(errors="replace")
                    full = realpath(join(getcwd(), path))
                except (TypeError, ValueError, OSError):
                    return
                if full.startswith("/proc/") and full.endswith("/mem"):
                    if learner_on_stack(caller):
                        cheat(f"{what()} reads the grading process's memory ({path}): {NO_PEEKING}")
                    return
                own_files = tuple(realpath(prefix) for prefix in learner if prefix.endswith(".py"))
                if full.startswith(protected) and full not in own_files and learner_on_stack(caller):
                    relative = _relative(full)
                    if relative.startswith("solutions"):
                        cheat(f"{what()} reads {relative}, the solutions: write your own")
                    else:
                        cheat(f"{what()} reads {relative}, a file of the grader: {NO_PEEKING}")
            elif event == "import":
                module = args[0] if args else ""
                if (
                    isinstance(module, str)
                    and (module == "solutions" or module.startswith("solutions."))
                    and learner_on_stack(caller)
                ):
                    cheat(f"{what()} imports {module}, the solutions: write your own")
            elif event == REFERENCE_EVENT:
                if guard is not None:
                    cheat(f"{what()} uses the reference implementation ({args[0]}): write your own")
            elif event in ("sys._getframe", "sys._current_frames"):
                if learner_calls(caller, helpers):
                    cheat(
                        f"{what()} looks at the grader's frames ({event}: inspect.currentframe, inspect.stack, "
                        f"traceback.extract_stack...): {NO_PEEKING}"
                    )
            elif event == "object.__getattr__":
                if learner_calls(caller):
                    cheat(f"{what()} looks at the grader's frames (.{args[1]}): {NO_PEEKING}")
            elif event.startswith("gc."):
                if learner_calls(caller):
                    cheat(f"{what()} searches the grader's objects ({event}): {NO_PEEKING}")
            elif event in ("sys.settrace", "sys.setprofile"):
                if learner_calls(caller):
                    cheat(f"{what()} traces the grader ({event}): {NO_PEEKING}")
            elif event.startswith("ctypes."):
                if learner_calls(caller):
                    cheat(f"{what()} uses ctypes ({event}), which can reach the grader's memory: {NO_PEEKING}")
            elif event == "object.__setattr__":
                target, name = (args[0], args[1]) if len(args) >= 2 else (None, None)
                if name in ("__code__", "__defaults__", "__kwdefaults__") or isinstance(target, type):
                    origin = (
                        getattr(getattr(target, "__code__", None), "co_filename", None)
                        or getattr(sys.modules.get(getattr(target, "__module__", "") or ""), "__file__", None)
                        or ""
                    )
                    if not is_learner(str(origin)) and learner_calls(caller):
                        label = getattr(target, "__qualname__", type(target).__name__)
                        cheat(
                            f"{what()} changes {getattr(target, '__module__', '?')}.{label} (sets {name}): "
                            f"{NOT_ACCEPTED}"
                        )
            else:  # subprocess.Popen, os.system, os.exec, os.posix_spawn, os.spawn, os.fork, pty.spawn
                if learner_on_stack(caller):
                    cheat(f"{what()} starts another process ({event}): graders do not run code that starts programs")
        except Exception:  # noqa: BLE001 - the hook must never break the code it watches
            pass
        finally:
            busy.discard(thread)

    sys.addaudithook(hook)


# ----------------------------------------------------------------------------------------------
# The parent: fork, watch, decide
# ----------------------------------------------------------------------------------------------


@dataclass
class _Watch:
    """What the parent knows of the child while it runs."""

    token: str
    test_name: str
    test_limit: float
    memory_limit_gb: float
    board: mmap.mmap | None = None
    started: float = field(default_factory=time.monotonic)
    activity: str = "your code"
    cheats: list[str] = field(default_factory=list)
    declared: list[tuple[str, str]] = field(default_factory=list)  # (message, phase)
    outcome: dict | None = None
    killed: str | None = None
    output: bytearray = field(default_factory=bytearray)
    output_total: int = 0
    report_buffer: bytes = b""
    calls: int = 0
    imported: list[str] = field(default_factory=list)

    def on_report(self, data: bytes) -> None:
        self.report_buffer += data
        *lines, self.report_buffer = self.report_buffer.split(b"\n")
        for line in lines:
            self.on_line(line)

    def on_line(self, line: bytes) -> None:
        token, _, payload = line.partition(b" ")
        try:
            if token.decode() != self.token:
                raise ValueError("bad token")
            message = json.loads(payload)
            kind = message["kind"]
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            self.read_board()
            self.cheats.append(f"{self.activity} wrote to the grader's report channel: {NOT_ACCEPTED}")
            return
        if kind == "cheat":
            self.cheats.append(str(message["message"]))
        elif kind == "failed":
            self.declared.append((str(message["message"]), str(message.get("phase", "call"))))
        elif kind == "imported":
            self.imported = [str(name) for name in message.get("names", [])]
        elif kind == "outcome":
            self.outcome = {
                "kind": message.get("outcome"),
                "message": message.get("message", ""),
                "phase": message.get("phase", "call"),
            }

    def on_output(self, data: bytes) -> None:
        self.output_total += len(data)
        room = OUTPUT_SHOWN - len(self.output)
        if room > 0:
            self.output += data[:room]

    def output_text(self) -> str:
        text = self.output.decode("utf-8", errors="replace")
        if self.output_total > len(self.output):
            text += f"\n[... {self.output_total - len(self.output):,} more bytes of output not shown]\n"
        return text

    def read_board(self) -> tuple[float, float, str]:
        """(deadline, limit, name) of what the child runs now; also keeps `activity` and `calls` up to date."""
        if self.board is None:
            return 0.0, 0.0, ""
        deadline, limit, self.calls, raw = _BOARD.unpack_from(self.board, 0)
        name = raw.rstrip(b"\0").decode("utf-8", "replace")
        self.activity = name or "your code"
        return deadline, limit, name

    def deadline_passed(self, now: float) -> str | None:
        deadline, limit, name = self.read_board()
        if deadline and now > deadline + CALL_GRACE:
            return (
                f"{name} did not return within {limit:g} s, and was still running {CALL_GRACE:g} s later: a long "
                "computation in one piece, or code that ignores the grader's alarm (signal.SIGALRM) or catches "
                "its timeout (`except BaseException`)"
            )
        if now > self.started + self.test_limit + TEST_GRACE:
            return (
                f"{self.test_name} took longer than {self.test_limit:g} s in total (stopped by the grader): "
                f"{self.activity} was running"
            )
        return None

    def decide(self, status: int | None) -> Outcome:
        output = self.output_text()
        if self.cheats:
            return Outcome("failed", cheat_message(self.cheats), output=output)
        if self.declared:
            message, phase = self.declared[0]
            return Outcome("failed", message, phase=phase, output=output)
        if self.killed:
            return Outcome("failed", self.killed, output=output)
        if self.outcome is not None:
            return Outcome(
                str(self.outcome.get("kind", "failed")),
                str(self.outcome.get("message", "")),
                str(self.outcome.get("phase", "call")),
                output,
            )
        return Outcome("failed", self.abnormal_end(status), output=output)

    def abnormal_end(self, status: int | None) -> str:
        who = self.activity
        if status is not None and os.WIFSIGNALED(status):
            number = os.WTERMSIG(status)
            if number == getattr(signal, "SIGXCPU", None):
                return f"{who} used more than {self.test_limit + CPU_MARGIN:g} s of CPU time (the grader's limit)"
            if number == signal.SIGKILL:
                return f"{who} was killed (SIGKILL) while the grader ran it: did it use all the memory of the machine?"
            name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else str(number)
            return f"{who} crashed the grading process (signal {name})"
        code = os.WEXITSTATUS(status) if status is not None and os.WIFEXITED(status) else None
        if code == _CHILD_FAILED:
            return f"the grading process failed while running {who} (see the output below)"
        advice = (
            "nothing at the top level of the file may end the program"
            if who.startswith("importing ")
            else "return a result instead"
        )
        return (
            f"{who} ended the grading process (os._exit / sys.exit, exit status {code}) before the grader could "
            f"judge it: {advice}"
        )


def cheat_message(cheats: list[str]) -> str:
    """The failure message for the cheats detected: the first one, then up to three more."""
    lines = [cheats[0]] + [f"  also: {other}" for other in cheats[1:4]]
    lines.append("  (a grader never credits such code, even when its values are right)")
    return "\n".join(lines)


def _process_memory(pid: int) -> int | None:
    """Resident bytes of a process (Linux), or None where unknown."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _address_space(peak: bool = False) -> int | None:
    """This process's virtual memory size (its peak if `peak`), in bytes (Linux), or None."""
    try:
        if peak:
            with open("/proc/self/status") as status:
                return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmPeak"))
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def _gpu_possible() -> bool:
    """A GPU build of torch on a machine with a GPU: its driver reserves huge address ranges (no RLIMIT_AS)."""
    try:
        import torch

        gpu_build = torch.version.cuda is not None or getattr(torch.version, "hip", None) is not None
    except ImportError:
        return False
    return gpu_build and any(os.path.exists(node) for node in ("/dev/nvidiactl", "/dev/kfd", "/dev/dxg"))


def run_test(
    test_name: str,
    load: Callable[[], ModuleType],
    body: Callable[[ModuleType], None],
    *,
    time_limit: float,
    implementation: str,
    grader_module: ModuleType | None,
) -> Outcome:
    """Run one grader test in a forked child; the outcome as the parent decides it (see the module docstring).

    load(): the learner's exercises module (called in the child: its top-level code runs there);
    body(module): the test function with its fixtures, `ex` being that module.
    """
    _prepare_parent()
    token = secrets.token_hex(16)
    board = mmap.mmap(-1, _BOARD.size)  # anonymous and shared: the child writes, the parent reads
    watch = _Watch(token, test_name, float(time_limit), MEMORY_LIMIT_GB, board)
    report_r, report_w = os.pipe()
    output_r, output_w = os.pipe()
    baseline = _process_memory(os.getpid())
    snapshot = _parent_snapshot(grader_module, learner_files(implementation))
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    gc.freeze()  # the child's garbage collector leaves the parent's objects alone: fewer pages copied
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # Python 3.12+: fork in a process with threads
            fork_started = time.perf_counter()
            pid = os.fork()
            fork_time = time.perf_counter() - fork_started
    finally:
        if pid != 0:
            gc.unfreeze()
    if pid == 0:  # the child: never returns
        status = _CHILD_FAILED
        try:
            os.close(report_r)
            os.close(output_r)
            status = _child(
                token, report_w, output_w, board, load, body, time_limit, implementation, grader_module, snapshot
            )
        except BaseException:  # noqa: BLE001 - whatever happens, the child ends here
            try:
                traceback.print_exc()
                sys.stderr.flush()
            except BaseException:  # noqa: BLE001
                pass
        finally:
            os._exit(status)
    os.close(report_w)
    os.close(output_w)
    memory_limit = baseline + int(MEMORY_LIMIT_GB * 2**30) if baseline is not None else None
    try:
        status = _watch_child(pid, watch, report_r, output_r, memory_limit)
    except BaseException:  # KeyboardInterrupt (Ctrl-C): stop the child, then let pytest stop the run
        _kill(pid)
        raise
    finally:
        watch.read_board()
        board.close()
        for fd in (report_r, output_r):
            try:
                os.close(fd)
            except OSError:
                pass
    if watch.imported:
        _debug(
            f"[imported] {test_name}: {len(watch.imported)} modules, "
            f"{' '.join(sorted({name.split('.')[0] for name in watch.imported}))[:300]}"
        )
    _import_like_the_child(watch.imported)
    if resource is not None:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        _debug(
            f"[parent] {test_name}: wall {time.monotonic() - watch.started:.2f} s, children's cpu so far "
            f"{usage.ru_utime + usage.ru_stime:.2f} s, calls {watch.calls}, fork {fork_time * 1e3:.1f} ms, "
            f"resident {(baseline or 0) / 2**30:.2f} GB"
        )
    return watch.decide(status)


def _debug(line: str) -> None:
    """DQN_TUTORIAL_SANDBOX_LOG=FILE: the harness's own costs, one line per test and process (for its developers)."""
    path = os.environ.get("DQN_TUTORIAL_SANDBOX_LOG")
    if path:
        with open(path, "a") as log:
            log.write(line + "\n")


@lru_cache(maxsize=None)
def _library_folders() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    folders = {paths[key] for key in ("purelib", "platlib", "stdlib", "platstdlib") if paths.get(key)}
    return tuple(sorted(os.path.realpath(folder) + os.sep for folder in folders))


def _is_library_file(filename: Any) -> bool:
    """A file of the standard library or an installed package (not chapters/, solutions/, tests/)."""
    if not isinstance(filename, str):
        return False
    path = os.path.realpath(filename)
    return path.startswith(_library_folders()) and not path.startswith(_protected_roots())


def _imported_libraries(before: set[str]) -> list[str]:
    """Modules of libraries the child imported (torch.testing's lazy imports...), for the parent to import."""
    names = []
    for name in sorted(set(sys.modules) - before):
        module = sys.modules.get(name)
        if isinstance(module, ModuleType) and (
            name in sys.builtin_module_names or _is_library_file(getattr(module, "__file__", None))
        ):
            names.append(name)
    return names[:3000]


def _import_like_the_child(names: list[str]) -> None:
    """Import in the pytest process the library modules a child imported, so that the next children
    inherit them instead of importing them again (torch.testing.assert_close imports sympy: 0.5 s per test).
    Only modules found in the standard library or the installed packages are imported, never the
    learner's files."""
    for name in sorted(set(names)):
        if name in sys.modules or not all(part.isidentifier() for part in name.split(".")):
            continue
        parent = name.rpartition(".")[0]
        if parent and parent not in sys.modules:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                spec = importlib.util.find_spec(name)
                if spec is None or not (spec.origin in ("built-in", "frozen") or _is_library_file(spec.origin)):
                    continue
                importlib.import_module(name)
        except BaseException:  # noqa: BLE001 - a library that does not import here is imported by the child
            continue


_parent_ready = False
_snapshots: dict = {}


def _parent_snapshot(grader_module: ModuleType | None, learner_prefixes: tuple[str, ...]) -> Snapshot:
    """The identities as they are now, recorded in the parent (cheaper than in the child, whose every
    write copies a page): the last one, if nothing changed since (checking is cheaper than recording)."""
    key = (id(grader_module), learner_prefixes)
    cached = _snapshots.get(key)
    if cached is not None and cached[0] is grader_module and cached[1].changed(quick=False) is None:
        return cached[1]
    snapshot = Snapshot(grader_module, learner_prefixes)
    _snapshots[key] = (grader_module, snapshot)
    return snapshot


def _prepare_parent() -> None:
    """In the parent, before the first fork: import every reference module (so that the tripwires find
    every function)."""
    global _parent_ready
    if _parent_ready:
        return
    _parent_ready = True
    _prctl()

    try:
        from dqn_tutorial.taught import TAUGHT

        for row in TAUGHT:
            importlib.import_module(f"dqn_tutorial.{row.module}")
        importlib.import_module("dqn_tutorial.implementations")
    except Exception:  # noqa: BLE001 - a broken reference is reported by its own tests
        pass


def _kill(pid: int) -> None:
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            kill()
        except (OSError, ProcessLookupError):
            pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _watch_child(pid: int, watch: _Watch, report_r: int, output_r: int, memory_limit: int | None) -> int | None:
    """Read the child's pipes until it ends, and kill it if it breaks a limit: its exit status (None if killed)."""
    readers = {report_r: watch.on_report, output_r: watch.on_output}
    for fd in readers:
        os.set_blocking(fd, False)
    try:  # readable when the child has ended (Linux 5.3+): its end is seen at once, not at the next poll
        exited = os.pidfd_open(pid)
    except (AttributeError, OSError):
        exited = None
    try:
        status = None
        next_memory_check = 0.0
        while status is None:
            now = time.monotonic()
            reason = watch.deadline_passed(now)
            if reason is None and watch.output_total > OUTPUT_LIMIT:
                reason = (
                    f"{watch.activity} printed more than {OUTPUT_LIMIT / 1e6:g} MB (the grader's limit); the "
                    "start of it is shown below"
                )
            if reason is None and memory_limit is not None and now >= next_memory_check:
                next_memory_check = now + POLL
                resident = _process_memory(pid)
                if resident is not None and resident > memory_limit:
                    reason = f"{watch.activity} used more than {MEMORY_LIMIT_GB:g} GB of memory (the grader's limit)"
            if reason is not None:
                watch.killed = reason
                _kill(pid)
                _drain(readers)
                return None
            waiting = list(readers) + ([exited] if exited is not None else [])
            try:
                ready, _, _ = select.select(waiting, [], [], POLL) if waiting else ([], [], [])
            except InterruptedError:
                ready = []
            if not waiting:
                time.sleep(0.002)
            for fd in ready:
                if fd in readers:
                    _read(fd, readers)
            done, child_status = os.waitpid(pid, os.WNOHANG)
            if done:
                status = child_status
    finally:
        if exited is not None:
            os.close(exited)
    _drain(readers)
    try:
        os.killpg(pid, signal.SIGKILL)  # anything the code started and left behind
    except (OSError, ProcessLookupError):
        pass
    return status


def _read(fd: int, readers: dict) -> bool:
    try:
        data = os.read(fd, 1 << 16)
    except BlockingIOError:
        return False
    except OSError:
        readers.pop(fd, None)
        return False
    if not data:
        readers.pop(fd, None)
        return False
    readers[fd](data)
    return True


def _drain(readers: dict) -> None:
    for fd in list(readers):
        while fd in readers and _read(fd, readers):
            pass


# ----------------------------------------------------------------------------------------------
# The child
# ----------------------------------------------------------------------------------------------


def _sender(fd: int, token: str) -> Callable[..., None]:
    write, dumps = os.write, json.dumps
    prefix = token + " "

    def send(kind: str, **fields: Any) -> None:
        data = (prefix + dumps({"kind": kind, **fields}, default=str) + "\n").encode("utf-8", "replace")
        try:
            while data:
                data = data[write(fd, data) :]
        except OSError:
            pass

    return send


@lru_cache(maxsize=None)
def _prctl() -> Callable | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def _die_with_parent(parent: int) -> None:
    """Linux: the child is killed if pytest dies (PR_SET_PDEATHSIG), so nothing runs on unattended."""
    prctl = _prctl()
    if prctl is not None:
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(_CHILD_FAILED)


def _set_limits(seconds: float) -> float | None:
    """RLIMIT_CPU and (without a GPU) RLIMIT_AS; returns the memory limit in GB."""
    if resource is None:
        return None

    def lower(kind: int, soft: int, hard: int) -> bool:
        old_soft, old_hard = resource.getrlimit(kind)
        if old_hard != resource.RLIM_INFINITY:
            hard = min(hard, old_hard)
            soft = min(soft, hard)
        try:
            resource.setrlimit(kind, (soft, hard))
            return True
        except (ValueError, OSError):
            return False

    cpu = int(math.ceil(seconds + CPU_MARGIN))
    lower(resource.RLIMIT_CPU, cpu, cpu + 5)
    size = _address_space()
    if size is not None and not _gpu_possible():  # else the parent watches the resident size alone
        limit = size + int(MEMORY_LIMIT_GB * 2**30)
        lower(resource.RLIMIT_AS, limit, limit)
    return MEMORY_LIMIT_GB


def _child(
    token: str,
    report_fd: int,
    output_fd: int,
    board: mmap.mmap,
    load: Callable,
    body: Callable,
    time_limit: float,
    implementation: str,
    grader_module: ModuleType | None,
    snapshot: Snapshot,
) -> int:
    marks = [("start", time.process_time())]
    modules_before = set(sys.modules)
    start_space = _address_space() or 0
    parent = os.getppid()
    os.setpgid(0, 0)
    _die_with_parent(parent)
    # Output: to the parent's pipe (limited and cut there); no terminal input.
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    os.close(output_fd)
    sys.stdin = open(os.devnull)  # noqa: SIM115
    sys.stdout = open(1, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
    faulthandler.enable(sys.stderr)
    for number in (signal.SIGTERM, signal.SIGALRM):
        signal.signal(number, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
    memory_gb = _set_limits(time_limit)

    send = _sender(report_fd, token)
    # What the learner's code is run with is kept in local variables: nothing it can reach replaces them.
    from _pytest.outcomes import Failed, Skipped

    if grader_module is not None:  # the grader's module (its expected digests...) is not in sys.modules
        for name, module in list(sys.modules.items()):
            if module is grader_module:
                del sys.modules[name]
    guard = Guard(send, implementation, grader_module, memory_gb, snapshot=snapshot)
    guard.board = board
    grading._guard = guard
    all_groups = tuple(snapshot.quick_groups + snapshot.slow_groups)  # kept here, out of the code's reach
    install_audit_hook(lambda: guard)

    outcome: dict
    stage = "setup"
    marks.append(("ready", time.process_time()))
    try:
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("default")
            module = load()
            marks.append(("loaded", time.process_time()))
            stage = guard.phase = "call"
            with grading.time_limit(time_limit, _test_name(body)) as limit:
                try:
                    body(module)
                except grading.GradingTimeout as timeout:
                    if timeout.limit is not limit:
                        raise
                    outcome = {
                        "kind": "failed",
                        "message": f"{_test_name(body)} took longer than {time_limit:g} s "
                        "in total: your code is very slow somewhere (a Python loop over array elements?)",
                    }
                else:
                    outcome = {"kind": "passed", "message": ""}
    except Failed as failure:
        outcome = {"kind": "failed", "message": str(failure.msg or failure), "phase": stage}
    except Skipped as skip:
        outcome = {"kind": "skipped", "message": str(skip.msg or skip), "phase": stage}
    except MemoryError:
        outcome = {"kind": "failed", "message": guard.memory_message(guard.activity)}
    except BaseException as error:  # noqa: BLE001 - the grader's own errors, shown with their traceback
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        outcome = {
            "kind": "failed",
            "message": f"the grader raised {type(error).__name__} ({guard.activity} was running):\n{text[-6000:]}",
        }
    try:
        changed = snapshot.changed(groups=all_groups)
        if changed:
            guard.cheat(f"your code replaced {changed}: {NOT_ACCEPTED}")
    except BaseException as error:  # noqa: BLE001
        guard.cheat(f"the grader's final checks failed ({type(error).__name__}): {NOT_ACCEPTED}")
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001
            pass
    if grading._guard is not guard:
        guard.cheat(f"your code replaced grading._guard: {NOT_ACCEPTED}")
    marks.append(("end", time.process_time()))
    if os.environ.get("DQN_TUTORIAL_SANDBOX_LOG") and resource is not None:  # cpu seconds, address space
        peak = _address_space(peak=True) or 0
        _debug(
            "[child] "
            + " ".join(f"{name} {value - marks[0][1]:.3f}" for name, value in marks)
            + f" address space {start_space / 2**30:.2f} GB, peak {peak / 2**30:.2f} GB,"
            + f" page faults {resource.getrusage(resource.RUSAGE_SELF).ru_minflt}"
        )
    try:
        send("imported", names=_imported_libraries(modules_before))
    except BaseException:  # noqa: BLE001 - only a speed-up
        pass
    send("outcome", outcome=outcome["kind"], message=outcome["message"], phase=outcome.get("phase", "call"))
    return 0


def _test_name(body: Callable) -> str:
    return getattr(body, "test_name", "the test")


# ----------------------------------------------------------------------------------------------
# In the pytest process (no fork): the same guard, reporting into a list
# ----------------------------------------------------------------------------------------------

_process_hook = False


class InProcess:
    """`with InProcess(implementation, grader_module) as guard:` around a test run without a child;
    `guard.problems()` afterwards: the cheats and the first declared failure (no audit hook here)."""

    def __init__(self, implementation: str, grader_module: ModuleType | None):
        self.messages: list[dict] = []
        self.guard = Guard(self._send, implementation, grader_module, None, in_child=False)
        self.previous = None

    def _send(self, kind: str, **fields: Any) -> None:
        self.messages.append({"kind": kind, **fields})

    def __enter__(self) -> Guard:
        global _process_hook
        if not _process_hook:  # once per pytest process: it listens only while a guard is set
            _process_hook = True
            install_audit_hook(lambda: grading._guard)
        self.previous, grading._guard = grading._guard, self.guard
        return self.guard

    def __exit__(self, *exc) -> None:
        try:
            self.guard.finish()
            if self.cheats():
                self.guard.snapshot.restore()  # no child to throw away: undo what can be undone
        finally:
            grading._guard = self.previous

    def cheats(self) -> list[str]:
        return [m["message"] for m in self.messages if m["kind"] == "cheat"]
