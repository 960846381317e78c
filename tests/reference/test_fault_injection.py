"""SIGKILL a CartPole training at random moments and during checkpoint writes, resume, repeat.

The short version of benchmarks/fault_injection.py (which see): every resume must work, no kill may
leave a corrupt or mismatched checkpoint set, no temporary file may outlive a resume, and the killed
and resumed run ends bit-identical to an uninterrupted run of the same config and seed: online and
target weights, optimizer state, counters, random generators, games in progress, replay memory,
best.pt, and the rows of metrics.csv and evaluations.csv (all but their wall-clock columns).
The killed run and its uninterrupted twin are made once and shared by the tests.
"""

import importlib.util
import shutil
from pathlib import Path

import pytest
import torch

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "fault_injection.py"


def load_script():
    spec = importlib.util.spec_from_file_location("fault_injection", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script():
    return load_script()


@pytest.fixture(scope="module")
def killed_run(script, tmp_path_factory):
    """6 kills (3 during checkpoint writes), a last resume, then the uninterrupted run to the same step."""
    run_dir = tmp_path_factory.mktemp("fault-injection") / "run"
    return run_dir, script.inject_faults(run_dir, rounds=6, seed=1)


def test_kills_never_break_a_run(killed_run):
    _, result = killed_run
    assert result["kills"] == 6 and result["kills_during_writes"] >= 2, result
    assert result["resumes_ok"] == result["resumes"] == 6, result
    assert result["corrupt_sets"] == 0 and result["mismatched_sets"] == 0, result
    assert result["tmp_left_after_resume"] == 0 and result["replay_files_after_resume"] == 1, result
    assert result["updates_as_uninterrupted"] and result["resumes_recorded"] == 6, result


def test_killed_and_resumed_run_ends_bit_identical_to_the_uninterrupted_one(killed_run):
    _, result = killed_run
    assert "uninterrupted_error" not in result, result
    assert result["weights_identical"] and result["max_weight_difference"] == 0.0, result
    assert result["weight_tensors"] > 0 and result["weight_tensors_differing"] == 0, result
    assert result["optimizer_identical"] and result["counters_identical"], result
    assert result["other_state_identical"] and result["replay_identical"] and result["best_identical"], result
    assert result["log_rows_identical"] and result["metrics_rows"] > 0, result
    assert result["identical_to_uninterrupted"], result


def test_the_comparison_sees_one_ulp_one_counter_and_one_log_value(script, killed_run, tmp_path):
    """The identity above is worth something only if the comparison can fail: change the resumed run by
    the smallest amounts and it must name each change."""
    run_dir, result = killed_run
    changed = tmp_path / "changed"
    shutil.copytree(run_dir, changed)
    latest_path = changed / "checkpoints" / "latest.pt"
    latest = torch.load(latest_path, weights_only=True)
    name, weight = next(iter(latest["online"].items()))
    flat = weight.reshape(-1)
    flat[0] = torch.nextafter(flat[0], torch.tensor(float("inf"), dtype=flat.dtype))  # one ulp
    latest["updates"] += 1
    torch.save(latest, latest_path)
    metrics = changed / "metrics.csv"
    lines = metrics.read_text().splitlines(keepends=True)
    header, row = lines[0].rstrip("\n").split(","), lines[-1].rstrip("\n").split(",")
    column = header.index("episodes")
    row[column] = str(int(row[column]) + 1)
    lines[-1] = ",".join(row) + "\n"
    metrics.write_text("".join(lines))

    found = script.compare_runs(Path(result["reference_dir"]), changed)
    assert not found["weights_identical"] and found["weight_tensors_differing"] == 1, (name, found)
    assert 0.0 < found["max_weight_difference"] < 1e-6, found
    assert not found["counters_identical"] and found["counters_differing"] == ["updates"], found
    assert not found["log_rows_identical"] and found["log_rows_differing"] == 1, found
    assert found["optimizer_identical"] and found["replay_identical"], found
    assert not found["identical_to_uninterrupted"], found
