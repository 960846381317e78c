"""Learning curves from run directories (Chapter 12): recent return and evaluation score vs agent steps."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from dqn_tutorial.errors import UserError  # noqa: E402
from dqn_tutorial.metrics import read_csv  # noqa: E402


def plot_runs(run_dirs: list[Path], output: Path) -> Path:
    """One figure, two panels: training return (last 100 games) and evaluation mean, vs agent steps."""
    output = Path(output)
    if output.exists():
        raise UserError(f"{output} already exists: choose another --output (nothing was overwritten)")
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for run_dir in map(Path, run_dirs):
        metrics = run_dir / "metrics.csv"
        if not metrics.is_file():
            raise UserError(f"{run_dir} has no metrics.csv: is it a run directory?")
        rows = read_csv(metrics)
        left.plot([r["step"] for r in rows], [r["recent_return"] for r in rows], label=run_dir.name)
        evaluations = run_dir / "evaluations.csv"
        if evaluations.is_file():
            rows = read_csv(evaluations)
            steps = [r["step"] for r in rows]
            means = [r["mean"] for r in rows]
            stds = [r["std"] for r in rows]
            right.plot(steps, means, marker="o", label=run_dir.name)
            right.fill_between(steps, [m - s for m, s in zip(means, stds)], [m + s for m, s in zip(means, stds)], alpha=0.2)
    left.set(title="training return (mean of last 100 games)", xlabel="agent steps (x4 = frames)", ylabel="score")
    right.set(title="evaluation (epsilon = 0.05), mean +- std", xlabel="agent steps (x4 = frames)", ylabel="score")
    for axis in (left, right):
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8)
    figure.tight_layout()
    output.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, dpi=120)
    plt.close(figure)
    return output
