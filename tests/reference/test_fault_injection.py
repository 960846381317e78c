"""SIGKILL a CartPole training at random moments and during checkpoint writes, resume, repeat.

The short version of benchmarks/fault_injection.py (which see): every resume must work, no kill may
leave a corrupt or mismatched checkpoint set, no temporary file may outlive a resume, and the resumed
run ends with the counters of an uninterrupted one.
"""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "fault_injection.py"


def load_script():
    spec = importlib.util.spec_from_file_location("fault_injection", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_kills_never_break_a_run(tmp_path):
    result = load_script().inject_faults(tmp_path / "run", rounds=6, seed=1)
    assert result["kills"] == 6 and result["kills_during_writes"] >= 2, result
    assert result["resumes_ok"] == result["resumes"] == 6, result
    assert result["corrupt_sets"] == 0 and result["mismatched_sets"] == 0, result
    assert result["tmp_left_after_resume"] == 0 and result["replay_files_after_resume"] == 1, result
    assert result["updates_as_uninterrupted"] and result["resumes_recorded"] == 6, result
