"""Metrics as CSV (always) and TensorBoard (when installed): one row per logging interval."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any


class MetricsWriter:
    """Appends rows to a CSV file, keeping the header; resuming a run appends to the same file."""

    def __init__(self, path: Path, tensorboard_dir: Path | None = None):
        self.path = Path(path)
        self._tensorboard = None
        if tensorboard_dir is not None:
            try:
                from torch.utils.tensorboard import SummaryWriter

                self._tensorboard = SummaryWriter(str(tensorboard_dir))
            except ImportError:  # tensorboard is optional
                self._tensorboard = None

    def write(self, row: dict[str, Any]) -> None:
        new_file = not self.path.exists() or self.path.stat().st_size == 0
        with open(self.path, "a", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(row))
            if new_file:
                writer.writeheader()
            writer.writerow(row)
        if self._tensorboard is not None:
            step = int(row.get("step", 0))
            for key, value in row.items():
                if key != "step" and isinstance(value, (int, float)) and value == value:
                    self._tensorboard.add_scalar(key, value, step)

    def close(self) -> None:
        if self._tensorboard is not None:
            self._tensorboard.close()


def read_csv(path: Path) -> list[dict[str, float]]:
    """Rows of a metrics file as floats (empty cells become NaN)."""
    with open(path, newline="") as handle:
        return [
            {k: float(v) if v not in ("", None) else float("nan") for k, v in row.items()}
            for row in csv.DictReader(handle)
        ]


def truncate_rows(path: Path, below_step: int) -> int:
    """Keep only the rows of a CSV whose step is below `below_step`; returns how many were dropped.

    A resumed run continues from its checkpoint, so the rows a stopped process wrote after that
    checkpoint would come again: they are dropped first, and the file reads as one uninterrupted run.
    An unfinished last line (a process killed while writing it) goes too. The file is rewritten beside
    itself and renamed over, so a kill during the rewrite leaves the old file whole.
    """
    path = Path(path)
    if not path.is_file():
        return 0
    with open(path, newline="") as handle:
        lines = handle.read().splitlines(keepends=True)
    if not lines:
        return 0
    header = next(csv.reader([lines[0]]))
    if "step" not in header:
        return 0
    column = header.index("step")
    kept = [lines[0]]
    for line in lines[1:]:
        cells = next(csv.reader([line]), [])
        try:
            complete = line.endswith("\n") and len(cells) == len(header)
            if complete and float(cells[column]) < below_step:
                kept.append(line)
        except ValueError:
            pass
    dropped = len(lines) - len(kept)
    if dropped:
        temporary = path.with_name(path.name + ".tmp")
        with open(temporary, "w", newline="") as handle:
            handle.writelines(kept)
        os.replace(temporary, path)
    return dropped
