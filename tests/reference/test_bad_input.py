"""Every bad input ends in one clear line on stderr, exit status 2, before any work is done.

The cases are benchmarks/bad_input.py's (which runs each as its own process and counts them); here
they run in-process through `dqn_tutorial.cli.main`, in seconds. Each case runs in an empty folder
of its own, which must still be empty afterwards (no run directory, no output file), and the shared
files it points at (a tiny CartPole run, a plain file) must be unchanged.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

from dqn_tutorial.cli import main

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bad_input.py"
_spec = importlib.util.spec_from_file_location("bad_input", SCRIPT)
bad_input = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("bad_input", bad_input)  # dataclasses look their module up there
_spec.loader.exec_module(bad_input)


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    base = tmp_path_factory.mktemp("bad-input")
    places = bad_input.make_places(base, main)
    yield places
    readonly = places["readonly"]
    if readonly is not None and base in readonly.parents:
        readonly.chmod(0o755)  # so pytest can clean up


@pytest.mark.parametrize("case", bad_input.CASES, ids=[case.name for case in bad_input.CASES])
def test_bad_input_is_one_clear_line_and_nothing_is_written(case, places, tmp_path, monkeypatch, capsys):
    why_not = bad_input.missing_needs(case, places)
    if why_not:
        pytest.skip(why_not)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.chdir(scratch)  # a default run directory (runs/...) would land here, not in the repository
    shared = [places["run"], places["file"], places["not_a_run"]]
    before = bad_input.snapshot(*shared)
    argv = bad_input.expand(case, places, scratch)
    try:
        code = main(argv)
    except SystemExit as exit:  # main returns its status; a stray sys.exit would be a bug, but say so clearly
        code = exit.code
    stderr = capsys.readouterr().err
    after = bad_input.snapshot(*shared)
    wrote = [str(p.relative_to(scratch)) for p in scratch.rglob("*")]
    wrote += [path for path in after if before.get(path) != after[path]]
    verdict, why = bad_input.judge(case, code, stderr, wrote)
    assert verdict == "clear", f"{' '.join(argv)}\n-> {verdict}: {why}\nstderr: {stderr.strip()[-1500:]}"
    assert not (scratch / "run").exists()


def test_evaluate_makes_the_output_folder_like_record_and_plot(places, tmp_path, capsys):
    """A missing --output folder is created (as record and plot do), after the games are played."""
    output = tmp_path / "missing" / "dir" / "x.json"
    assert main(["evaluate", str(places["run"]), "--episodes", "1", "--device", "cpu", "--output", str(output)]) == 0
    report = json.loads(output.read_text())
    assert report["episodes"] == 1 and len(report["returns"]) == 1
    capsys.readouterr()


def test_help_still_works(capsys):
    assert main(["train", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--learning-rate" in out and "--total-steps" in out


def test_machine_limits_name_the_cores(capsys, tmp_path):
    cores = os.cpu_count() or 1
    code = main([*bad_input.CARTPOLE, "--num-threads", str(cores + 1), "--run-dir", str(tmp_path / "run")])
    line = capsys.readouterr().err.strip()
    assert code == 2 and f"{cores} CPU cores" in line and f"at most {cores}" in line
    assert not (tmp_path / "run").exists()
