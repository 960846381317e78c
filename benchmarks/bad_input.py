"""Bad input at the command line: does every mistake end in one clear line, before any work is done?

Each case below is a real `dqn-tutorial` command with one thing wrong. It runs as its own process, in
an empty folder of its own, and counts as a clear error when all of these hold:

- exit status 2 and no traceback;
- stderr is exactly one line, starting with "dqn-tutorial: error:";
- that line names what to change (the flag, or the word given with the case);
- nothing was written: the case's folder is still empty and the shared files (a tiny CartPole run,
  a plain file) are unchanged.

A case that exits 0 was accepted silently; anything else is counted by what went wrong. Prints one
JSON line per case that is not a clear error, then `{"clear_errors": X, "total": N, ...}`.

    python benchmarks/bad_input.py              # every case (a few minutes: one process each)
    python benchmarks/bad_input.py --jobs 2     # two at a time

tests/reference/test_bad_input.py runs the same cases in-process, in seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

# New runs that finish in seconds if a case is wrongly accepted (so the benchmark never trains for long).
CARTPOLE = (
    "train",
    "--preset",
    "cartpole",
    "--total-steps",
    "300",
    "--learning-starts",
    "200",
    "--eval-every",
    "100000",
    "--checkpoint-every",
    "100000",
    "--no-progress",
)
BREAKOUT = (
    "train",
    "--preset",
    "nature2015",
    "--device",
    "cpu",
    "--total-steps",
    "300",
    "--learning-starts",
    "200",
    "--replay-capacity",
    "1000",
    "--eval-every",
    "100000",
    "--checkpoint-every",
    "100000",
    "--no-progress",
)


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple[str, ...]  # {scratch}, {run}, {file}, {readonly}, {not_a_run} are filled in
    expect: str  # the flag (or word) the one-line error must name
    needs: frozenset[str] = field(default_factory=frozenset)  # "readonly", "no_pygame", "memory_check"


def _c(name: str, argv: tuple[str, ...], expect: str, *needs: str) -> Case:
    return Case(name, tuple(argv), expect, frozenset(needs))


CASES: list[Case] = [
    # --- numbers that do not parse, or parse to nothing usable ---
    _c("total-steps-1e400", (*CARTPOLE, "--total-steps", "1e400"), "--total-steps"),
    _c("total-steps-nan", (*CARTPOLE, "--total-steps", "nan"), "--total-steps"),
    _c("total-steps-fraction", (*CARTPOLE, "--total-steps", "1.5"), "--total-steps"),
    _c("total-steps-word", (*CARTPOLE, "--total-steps", "lots"), "--total-steps"),
    _c("total-steps-0", (*CARTPOLE, "--total-steps", "0"), "--total-steps"),
    _c("total-steps-1e15", (*CARTPOLE, "--total-steps", "1e15"), "--total-steps"),
    _c("learning-rate-nan", (*CARTPOLE, "--learning-rate", "nan"), "--learning-rate"),
    _c("learning-rate-inf", (*CARTPOLE, "--learning-rate", "inf"), "--learning-rate"),
    _c("learning-rate-1e400", (*CARTPOLE, "--learning-rate", "1e400"), "--learning-rate"),
    _c("learning-rate-negative", (*CARTPOLE, "--learning-rate", "-1e-4"), "--learning-rate"),
    _c("learning-rate-0", (*CARTPOLE, "--learning-rate", "0"), "--learning-rate"),
    _c("adam-epsilon-0", (*CARTPOLE, "--adam-epsilon", "0"), "--adam-epsilon"),
    _c("gamma-1.5", (*CARTPOLE, "--gamma", "1.5"), "--gamma"),
    _c("gamma-nan", (*CARTPOLE, "--gamma", "nan"), "--gamma"),
    _c("epsilon-start-negative", (*CARTPOLE, "--epsilon-start", "-0.1"), "--epsilon-start"),
    _c("epsilon-end-2", (*CARTPOLE, "--epsilon-end", "2"), "--epsilon-end"),
    _c("eval-epsilon-nan", (*CARTPOLE, "--eval-epsilon", "nan"), "--eval-epsilon"),
    _c("sticky-1.5", (*BREAKOUT, "--sticky-action-probability", "1.5"), "--sticky-action-probability"),
    _c("max-wall-minutes-nan", (*CARTPOLE, "--max-wall-minutes", "nan"), "--max-wall-minutes"),
    _c("max-wall-minutes-inf", (*CARTPOLE, "--max-wall-minutes", "inf"), "--max-wall-minutes"),
    _c("max-wall-minutes-negative", (*CARTPOLE, "--max-wall-minutes", "-1"), "--max-wall-minutes"),
    _c("seed-negative", (*CARTPOLE, "--seed", "-1"), "--seed"),
    _c("seed-1e10", (*CARTPOLE, "--seed", "1e10"), "--seed"),
    # --- sizes and counts ---
    _c("replay-capacity-1e9", (*BREAKOUT, "--replay-capacity", "1e9"), "--replay-capacity", "memory_check"),
    _c("replay-capacity-negative", (*CARTPOLE, "--replay-capacity", "-5"), "--replay-capacity"),
    _c("replay-capacity-1e400", (*CARTPOLE, "--replay-capacity", "1e400"), "--replay-capacity"),
    _c(
        "replay-capacity-below-history", (*BREAKOUT, "--replay-capacity", "4", "--batch-size", "2"), "--replay-capacity"
    ),
    _c("batch-size-0", (*CARTPOLE, "--batch-size", "0"), "--batch-size"),
    _c("batch-size-over-replay", (*BREAKOUT, "--batch-size", "5000"), "--batch-size"),
    _c("history-length-0", (*BREAKOUT, "--history-length", "0"), "--history-length"),
    _c("log-every-0", (*CARTPOLE, "--log-every", "0"), "--log-every"),
    _c("eval-every-0", (*CARTPOLE, "--eval-every", "0"), "--eval-every"),
    _c("checkpoint-every-0", (*CARTPOLE, "--checkpoint-every", "0"), "--checkpoint-every"),
    _c("eval-episodes-0", (*CARTPOLE, "--eval-episodes", "0"), "--eval-episodes"),
    _c("eval-max-frames-0", (*BREAKOUT, "--eval-max-frames", "0"), "--eval-max-frames"),
    _c("eval-max-frames-1e12", (*BREAKOUT, "--eval-max-frames", "1e12"), "--eval-max-frames"),
    _c("max-episode-frames-1e10", (*BREAKOUT, "--max-episode-frames", "1e10"), "--max-episode-frames"),
    _c("update-every-0", (*CARTPOLE, "--update-every", "0"), "--update-every"),
    _c("num-envs-0", (*CARTPOLE, "--num-envs", "0"), "--num-envs"),
    _c("num-envs-100000", (*BREAKOUT, "--num-envs", "100000", "--replay-capacity", "1000000"), "--num-envs"),
    _c("num-envs-not-dividing", (*BREAKOUT, "--num-envs", "3"), "--replay-capacity"),
    _c("frame-skip-1000000", (*BREAKOUT, "--frame-skip", "1000000"), "--frame-skip"),
    _c("frame-skip-0", (*BREAKOUT, "--frame-skip", "0"), "--frame-skip"),
    _c("noop-max-negative", (*BREAKOUT, "--noop-max", "-1"), "--noop-max"),
    _c("noop-max-1e6", (*BREAKOUT, "--noop-max", "1e6"), "--noop-max"),
    _c("num-threads-1000", (*CARTPOLE, "--num-threads", "1000"), "--num-threads"),
    _c("num-threads-negative", (*CARTPOLE, "--num-threads", "-1"), "--num-threads"),
    _c("env-threads-1000", (*BREAKOUT, "--env-threads", "1000"), "--env-threads"),
    _c("learning-starts-at-total", (*CARTPOLE, "--learning-starts", "300"), "--learning-starts"),
    _c("learning-starts-over-total", (*CARTPOLE, "--learning-starts", "5000"), "--learning-starts"),
    _c("learning-starts-0", (*CARTPOLE, "--learning-starts", "0"), "--learning-starts"),
    _c("learning-starts-negative", (*CARTPOLE, "--learning-starts", "-1"), "--learning-starts"),
    _c("epsilon-decay-negative", (*CARTPOLE, "--epsilon-decay-steps", "-1"), "--epsilon-decay-steps"),
    _c("target-sync-every-0", (*CARTPOLE, "--target-sync-every", "0"), "--target-sync-every"),
    # --- names ---
    _c("loss-unknown", (*CARTPOLE, "--loss", "l1"), "--loss"),
    _c("optimizer-unknown", (*CARTPOLE, "--optimizer", "sgd"), "--optimizer"),
    _c("network-unknown", (*BREAKOUT, "--network", "resnet"), "--network"),
    _c("device-unknown", (*CARTPOLE, "--device", "tpu"), "--device"),
    _c("device-cuda-letters", (*CARTPOLE, "--device", "cuda:x"), "--device"),
    _c("engine-unknown", (*CARTPOLE, "--engine", "turbo"), "--engine"),
    _c("engine-fast-cartpole", (*CARTPOLE, "--engine", "fast"), "--engine"),
    _c("env-id-typo", (*BREAKOUT, "--env-id", "Breakot"), "--env-id"),
    _c("env-id-unknown-gym", (*CARTPOLE, "--env-id", "Foo-v1"), "--env-id"),
    _c("cartpole-history-4", (*CARTPOLE, "--history-length", "4"), "--history-length"),
    _c("cartpole-cnn", (*CARTPOLE, "--network", "nature"), "--network"),
    _c("cartpole-frame-skip", (*CARTPOLE, "--frame-skip", "4"), "--frame-skip"),
    _c("preset-unknown", ("train", "--preset", "nature2016"), "--preset"),
    _c("set-unknown-key", (*CARTPOLE, "--set", "learning_rat=1e-4"), "--set"),
    _c("set-no-value", (*CARTPOLE, "--set", "learning_rate"), "--set"),
    _c("set-nan", (*CARTPOLE, "--set", "learning_rate=nan"), "--set"),
    _c("set-1e400", (*CARTPOLE, "--set", "total_steps=1e400"), "--set"),
    _c("set-bad-bool", (*CARTPOLE, "--set", "target_network=maybe"), "--set"),
    _c("unknown-flag", (*CARTPOLE, "--learning-rte", "1e-4"), "--learning-rte"),
    _c("no-command", (), "command"),
    _c("unknown-command", ("frobnicate",), "frobnicate"),
    # --- where a run is written ---
    _c("run-dir-is-a-file", (*CARTPOLE, "--run-dir", "{file}"), "--run-dir"),
    _c("run-dir-under-a-file", (*CARTPOLE, "--run-dir", "{file}/run"), "--run-dir"),
    _c("run-dir-read-only", (*CARTPOLE, "--run-dir", "{readonly}/run"), "--run-dir", "readonly"),
    _c("run-dir-holds-a-run", (*CARTPOLE, "--run-dir", "{run}"), "--run-dir"),
    # --- resume ---
    _c("resume-total-steps-1e400", ("resume", "--run-dir", "{run}", "--total-steps", "1e400"), "--total-steps"),
    _c("resume-total-steps-reached", ("resume", "--run-dir", "{run}", "--total-steps", "100"), "--total-steps"),
    _c("resume-device-unknown", ("resume", "--run-dir", "{run}", "--device", "tpu"), "--device"),
    _c("resume-no-run", ("resume", "--run-dir", "{scratch}/nothing"), "checkpoint"),
    # --- evaluate ---
    _c("evaluate-episodes-0", ("evaluate", "{run}", "--episodes", "0"), "--episodes"),
    _c("evaluate-episodes-negative", ("evaluate", "{run}", "--episodes", "-3"), "--episodes"),
    _c("evaluate-epsilon-2", ("evaluate", "{run}", "--epsilon", "2"), "--epsilon"),
    _c("evaluate-epsilon-nan", ("evaluate", "{run}", "--epsilon", "nan"), "--epsilon"),
    _c("evaluate-seed-negative", ("evaluate", "{run}", "--seed", "-1"), "--seed"),
    _c("evaluate-device-unknown", ("evaluate", "{run}", "--device", "tpu"), "--device"),
    _c("evaluate-output-exists", ("evaluate", "{run}", "--output", "{file}"), "--output"),
    _c("evaluate-output-under-a-file", ("evaluate", "{run}", "--output", "{file}/x.json"), "--output"),
    _c("evaluate-output-read-only", ("evaluate", "{run}", "--output", "{readonly}/x.json"), "--output", "readonly"),
    _c("evaluate-no-checkpoint", ("evaluate", "{scratch}/nothing"), "checkpoint"),
    _c("evaluate-not-a-checkpoint", ("evaluate", "{file}"), "checkpoint"),
    # --- record ---
    _c("record-epsilon-2", ("record", "{run}", "--output", "{scratch}/g.gif", "--epsilon", "2"), "--epsilon"),
    _c("record-max-steps-0", ("record", "{run}", "--output", "{scratch}/g.gif", "--max-steps", "0"), "--max-steps"),
    _c(
        "record-max-steps-negative",
        ("record", "{run}", "--output", "{scratch}/g.gif", "--max-steps", "-1"),
        "--max-steps",
    ),
    _c("record-seed-negative", ("record", "{run}", "--output", "{scratch}/g.gif", "--seed", "-1"), "--seed"),
    _c("record-format-avi", ("record", "{run}", "--output", "{scratch}/g.avi"), "--output"),
    _c("record-no-extension", ("record", "{run}", "--output", "{scratch}/game"), "--output"),
    _c("record-output-exists", ("record", "{run}", "--output", "{file}"), "--output"),
    _c("record-output-read-only", ("record", "{run}", "--output", "{readonly}/g.gif"), "--output", "readonly"),
    _c("record-cartpole-without-pygame", ("record", "{run}", "--output", "{scratch}/g.gif"), "pygame", "no_pygame"),
    _c("record-no-output", ("record", "{run}"), "--output"),
    # --- plot ---
    _c("plot-output-read-only", ("plot", "{run}", "--output", "{readonly}/p.png"), "--output", "readonly"),
    _c("plot-format-unknown", ("plot", "{run}", "--output", "{scratch}/p.xyz"), "--output"),
    _c("plot-output-exists", ("plot", "{run}", "--output", "{file}"), "--output"),
    _c("plot-not-a-run", ("plot", "{scratch}", "--output", "{scratch}/p.png"), "metrics.csv"),
    _c("plot-bad-metrics", ("plot", "{not_a_run}", "--output", "{scratch}/p.png"), "metrics.csv"),
]


# ----- the shared files the cases point at -----


def can_write_in(folder: Path) -> bool:
    """Tried for real: permission bits do not tell root's story, nor a read-only file system's."""
    try:
        os.rmdir(tempfile.mkdtemp(dir=folder))
        return True
    except OSError:
        return False


def readonly_folder(base: Path) -> Path | None:
    """A folder this process cannot write in: a chmod 555 folder, or as root a read-only system folder."""
    folder = base / "read-only"
    folder.mkdir(exist_ok=True)
    folder.chmod(0o555)
    if not can_write_in(folder):
        return folder
    folder.chmod(0o755)  # root writes anywhere the file system allows
    for candidate in (Path("/sys/fs"), Path("/proc/sys")):
        if candidate.is_dir() and not can_write_in(candidate):
            return candidate
    return None


def make_places(base: Path, run_cli) -> dict[str, Path | None]:
    """A tiny CartPole run with a checkpoint (trained by `run_cli`), a plain file, a folder that is
    not a run, and a read-only folder. `run_cli(argv) -> exit status`."""
    run = base / "cartpole-run"
    code = run_cli([*CARTPOLE, "--log-every", "100", "--run-dir", str(run)])
    if code != 0 or not (run / "checkpoints" / "latest.pt").is_file():
        raise RuntimeError(f"could not train the tiny CartPole run for the cases (exit status {code})")
    plain = base / "a-file.txt"
    plain.write_text("not a checkpoint, not a folder\n")
    not_a_run = base / "not-a-run"
    not_a_run.mkdir()
    (not_a_run / "metrics.csv").write_text("a,b\n1,2\n")
    return {"run": run, "file": plain, "not_a_run": not_a_run, "readonly": readonly_folder(base)}


def missing_needs(case: Case, places: dict) -> str | None:
    """Why a case cannot be run here (None: it can)."""
    if "readonly" in case.needs and places.get("readonly") is None:
        return "no read-only folder on this machine"
    if "no_pygame" in case.needs:
        import importlib.util

        if importlib.util.find_spec("pygame") is not None:
            return "pygame is installed here, so CartPole can be recorded"
    return None


def expand(case: Case, places: dict, scratch: Path) -> list[str]:
    """The case's command line, with its placeholders filled in; a new run always goes under scratch."""
    values = {name: str(path) for name, path in places.items() if path is not None}
    argv = [part.format(scratch=scratch, **values) for part in case.argv]
    if argv[:1] == ["train"] and "--run-dir" not in argv:
        argv += ["--run-dir", str(scratch / "run")]
    return argv


def snapshot(*folders: Path) -> dict[str, tuple[int, int]]:
    """Every file under the folders, with its size and modification time (to see that nothing changed)."""
    state = {}
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            stat = path.lstat()
            state[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return state


def judge(case: Case, code: int | None, stderr: str, wrote: list[str]) -> tuple[str, str]:
    """(verdict, why): verdict is "clear", "traceback", "accepted", "unclear" or "wrote"."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    if "Traceback (most recent call last)" in stderr:
        return "traceback", lines[-1] if lines else ""
    if code == 0:
        return "accepted", "exit status 0"
    if wrote:
        return "wrote", f"wrote {wrote[:3]}"
    if code != 2:
        return "unclear", f"exit status {code}"
    if len(lines) != 1:
        return "unclear", f"{len(lines)} lines on stderr"
    if not lines[0].startswith("dqn-tutorial: error:"):
        return "unclear", "the line does not start with 'dqn-tutorial: error:'"
    if case.expect not in lines[0]:
        return "unclear", f"the line does not name {case.expect!r}"
    return "clear", ""


# ----- the benchmark: one process per case -----


def run_subprocess(argv: list[str], cwd: Path, timeout: float) -> tuple[int | None, str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    try:
        result = subprocess.run(
            [sys.executable, "-m", "dqn_tutorial", *argv],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as expired:
        stderr = expired.stderr.decode() if isinstance(expired.stderr, bytes) else (expired.stderr or "")
        return None, stderr + f"\n(timed out after {timeout:.0f} s)"
    return result.returncode, result.stderr


def run_case(case: Case, places: dict, base: Path, timeout: float) -> dict:
    scratch = Path(tempfile.mkdtemp(prefix=f"{case.name}-", dir=base / "cases"))
    shared = [p for p in (places["run"], places["file"], places["not_a_run"]) if p is not None]
    before = snapshot(*shared)
    start = time.perf_counter()
    code, stderr = run_subprocess(expand(case, places, scratch), scratch, timeout)
    after = snapshot(*shared)
    wrote = [str(p.relative_to(scratch)) for p in scratch.rglob("*")]
    wrote += [path for path in after if before.get(path) != after[path]]
    verdict, why = judge(case, code, stderr, wrote)
    shutil.rmtree(scratch, ignore_errors=True)
    return {
        "case": case.name,
        "verdict": verdict,
        "why": why,
        "exit_status": code,
        "stderr_tail": stderr.strip()[-300:],
        "seconds": round(time.perf_counter() - start, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1, help="cases run at once")
    parser.add_argument("--timeout", type=float, default=180, help="seconds per case")
    parser.add_argument("--only", default=None, help="run the cases whose name contains this")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="dqn-bad-input-") as folder:
        base = Path(folder)
        (base / "cases").mkdir()
        places = make_places(base, lambda command: run_subprocess(command, base, args.timeout)[0])
        cases = [case for case in CASES if args.only is None or args.only in case.name]
        skipped = {case.name: why for case in cases if (why := missing_needs(case, places))}
        runnable = [case for case in cases if case.name not in skipped]
        with ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
            results = list(pool.map(lambda case: run_case(case, places, base, args.timeout), runnable))
        if places["readonly"] is not None and places["readonly"].is_relative_to(base):
            places["readonly"].chmod(0o755)  # so the temporary folder can be removed
    for result in results:
        if result["verdict"] != "clear":
            print(json.dumps(result), flush=True)
    verdicts = [result["verdict"] for result in results]
    print(
        json.dumps(
            {
                "benchmark": "bad_input",
                "clear_errors": verdicts.count("clear"),
                "total": len(results),
                **{kind: verdicts.count(kind) for kind in ("traceback", "accepted", "unclear", "wrote")},
                "skipped": skipped,
                "seconds": round(sum(r["seconds"] for r in results), 1),
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
