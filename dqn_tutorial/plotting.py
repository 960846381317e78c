"""Learning curves from run directories (Chapter 12): recent return and evaluation score vs agent steps."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backend_bases import FigureCanvasBase  # noqa: E402

from dqn_tutorial.errors import UserError  # noqa: E402
from dqn_tutorial.metrics import read_csv  # noqa: E402


def check_figure_path(output: Path) -> None:
    """The figure's format comes from the extension (.png, .pdf, .svg...): checked before any work."""
    suffix = Path(output).suffix.lower().lstrip(".")
    formats = FigureCanvasBase.get_supported_filetypes()
    if suffix not in formats:
        raise UserError(
            f"cannot save a figure as {Path(output).suffix or '(no extension)'!r} (--output {output}): "
            f"end it with one of .{', .'.join(sorted(formats))}"
        )


def _read_run(run_dir: Path, name: str, columns: tuple[str, ...]) -> list[dict[str, float]]:
    """Rows of a run's CSV file, or a clear error saying what is wrong with it."""
    path = run_dir / name
    try:
        rows = read_csv(path)
    except (OSError, ValueError, TypeError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read {path} ({error}): is {run_dir} a dqn-tutorial run directory?") from None
    missing = [column for column in columns if rows and column not in rows[0]]
    if missing:
        raise UserError(f"{path} has no {', '.join(missing)} column: is {run_dir} a dqn-tutorial run directory?")
    return rows


def plot_runs(run_dirs: list[Path], output: Path) -> Path:
    """One figure, two panels: training return (last 100 games) and evaluation mean, vs agent steps."""
    output = Path(output)
    check_figure_path(output)
    if output.exists():
        raise UserError(f"{output} already exists: choose another --output (nothing was overwritten)")
    runs = []
    for run_dir in map(Path, run_dirs):  # read everything first: a bad run dir stops us before drawing
        if not (run_dir / "metrics.csv").is_file():
            raise UserError(f"{run_dir} has no metrics.csv: is it a run directory?")
        evaluations = run_dir / "evaluations.csv"
        runs.append(
            (
                run_dir,
                _read_run(run_dir, "metrics.csv", ("step", "recent_return")),
                _read_run(run_dir, "evaluations.csv", ("step", "mean", "std")) if evaluations.is_file() else None,
            )
        )
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for run_dir, rows, evaluation_rows in runs:
        left.plot([r["step"] for r in rows], [r["recent_return"] for r in rows], label=run_dir.name)
        if evaluation_rows:
            steps = [r["step"] for r in evaluation_rows]
            means = [r["mean"] for r in evaluation_rows]
            stds = [r["std"] for r in evaluation_rows]
            right.plot(steps, means, marker="o", label=run_dir.name)
            right.fill_between(
                steps, [m - s for m, s in zip(means, stds)], [m + s for m, s in zip(means, stds)], alpha=0.2
            )
    left.set(title="training return (mean of last 100 games)", xlabel="agent steps (x4 = frames)", ylabel="score")
    right.set(title="evaluation (epsilon = 0.05), mean +- std", xlabel="agent steps (x4 = frames)", ylabel="score")
    for axis in (left, right):
        axis.grid(alpha=0.3)
        if axis.get_legend_handles_labels()[0]:  # a run without evaluations leaves the right panel empty
            axis.legend(fontsize=8)
    figure.tight_layout()
    output.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(output, dpi=120)
    plt.close(figure)
    return output
