"""benchmarks/gpu_check.py (`make gpu-check`): its dry mode runs every step on this CPU and writes a
complete report; a failing step is recorded and the next one still runs; the time split fits the budget."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

REPOSITORY = Path(__file__).resolve().parents[2]
SCRIPT = REPOSITORY / "benchmarks" / "gpu_check.py"


def load_script():
    spec = importlib.util.spec_from_file_location("gpu_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_check(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], cwd=REPOSITORY, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def dry_report(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("gpu-check")
    result = run_check("--dry", "--folder", str(folder))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    progress = [json.loads(line) for line in result.stdout.splitlines()]
    assert progress[0]["gpu_check"] == "start" and progress[-1]["gpu_check"] == "done"
    return json.loads((folder / "report.json").read_text())


@pytest.mark.slow
def test_dry_check_runs_every_step_and_reports_its_figures(dry_report):
    report = dry_report
    assert report["dry"] is True and report["errors"] == []
    assert len(report["commit"]) == 40 and "gpu_check.py" in report["command"]
    for key in ("torch", "cuda_runtime", "gpu", "cpus", "usable_cores", "device"):
        assert key in report["machine"], key
    assert list(report["steps"]) == ["tests", "emulators", "update", "loop", "breakout_10min"]
    for name, step in report["steps"].items():
        assert step["ok"] is True and step["error"] is None and step["wall_seconds"] > 0, name
    steps = {name: step["figures"] for name, step in report["steps"].items()}
    assert steps["tests"]["failures"] == 0 and steps["tests"]["passed"] >= 5
    assert steps["emulators"]["loop_parts"]["emulation_agent_steps_per_second"] > 0
    assert all(rate > 0 for rate in steps["emulators"]["emulator_agent_steps_per_second_by_threads"].values())
    assert steps["update"]["updates_per_second"] > 0 and steps["update"]["act_us"] > 0
    assert steps["loop"]["steps_per_second"] > 0 and steps["loop"]["updates_per_agent_step"] == 0.25
    breakout = steps["breakout_10min"]
    assert 0 < breakout["train_minutes_budget"] <= 0.25 and "--max-wall-minutes" in breakout["train_command"]
    assert breakout["summary"]["engine"] == "fast" and breakout["summary"]["total_steps"] > 0
    assert breakout["final_evaluation"]["episodes"] == 30 and len(breakout["final_evaluation_returns"]) == 30
    assert report["wall_seconds"] == pytest.approx(sum(s["wall_seconds"] for s in report["steps"].values()), abs=10)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU: the step would not fail")
def test_a_failing_step_is_recorded_and_the_next_one_still_runs(tmp_path):
    result = run_check("--dry", "--device", "cuda", "--only", "update,emulators", "--folder", str(tmp_path))
    assert result.returncode == 1
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["errors"] == ["update"]
    assert "no CUDA GPU" in report["steps"]["update"]["error"]
    assert report["steps"]["emulators"]["ok"] is True


def test_training_gets_what_the_budget_leaves():
    check = load_script()
    reserve = check.EVALUATION_RESERVE + check.TRAINING_OVERHEAD
    assert check.training_minutes(10_000, cap_minutes=4.0) == 4.0
    assert check.training_minutes(reserve + 150, cap_minutes=4.0) == 2.5
    assert check.training_minutes(10, cap_minutes=4.0) == 0.5  # never nothing: the step still runs briefly
    # The real check's worst case: every earlier step stops in time to leave the last one its minimum.
    assert check.LAST_STEP_MINIMUM >= reserve + 30


def test_whole_loop_is_timed_for_about_fifty_seconds_at_the_predicted_speed():
    check = load_script()
    context = {
        "dry": False,
        "sizes": check.SIZES["real"],
        "earlier": {
            "emulators": {
                "emulator_agent_steps_per_second_by_threads": {"8": 9_000, "16": 12_000},
                "fast_engine_default_threads": 16,
            },
            "update": {"gpu_share_agent_steps_per_second": 1_000},
        },
    }
    assert check.loop_steps(context) == 1_000 * check.LOOP_SECONDS
    context["earlier"]["update"] = None  # step 3 failed: the emulators alone predict
    assert check.loop_steps(context) == check.SIZES["real"]["loop_steps"]
    context["earlier"] = {}
    assert check.loop_steps(context) == check.SIZES["real"]["loop_steps"]
