"""Numbers in, words out: medians, percentiles, ratios, and the markdown of docs/benchmarks.md.

Every scenario hands back plain dicts (one per run) so the JSON file is the record and the
markdown is only a view of it: `python -m bench report FILE...` re-renders it at any time.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from typing import Any


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100): an observed value, never an interpolation."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def lag_summary(lags_s: Sequence[float]) -> dict[str, float | None]:
    return {
        "lag_p50_s": percentile(lags_s, 50),
        "lag_p99_s": percentile(lags_s, 99),
        "lag_max_s": max(lags_s) if lags_s else None,
    }


def median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def ratio(ours: float | None, theirs: float | None) -> float | None:
    if ours is None or theirs is None or theirs == 0:
        return None
    return ours / theirs


def fmt(value: Any, unit: str = "") -> str:
    """Human numbers: 3 significant figures, thousands separated, seconds as ms when small."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    if isinstance(value, float):
        if unit == "s" and abs(value) < 1:
            return f"{value * 1000:.0f} ms" if abs(value) >= 0.01 else f"{value * 1000:.1f} ms"
        if abs(value) >= 100:
            text = f"{value:,.0f}"
        elif abs(value) >= 10:
            text = f"{value:.1f}"
        else:
            text = f"{value:.2f}"
        return f"{text} {unit}".rstrip() if unit else text
    return str(value)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
    return "\n".join(lines)


def print_table(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A plain aligned table for the terminal (markdown tables are for the docs)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    print(f"\n{title}")
    for index, row in enumerate(cells):
        print("  " + "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
        if index == 0:
            print("  " + "  ".join("-" * width for width in widths))


def summarize_runs(runs: Sequence[dict[str, Any]], keys: Sequence[str]) -> dict[str, float | None]:
    """The median of each key over the rounds of one configuration."""
    return {key: median(run.get(key) for run in runs) for key in keys}


def round_ratios(
    ours: Sequence[dict[str, Any]], theirs: Sequence[dict[str, Any]], key: str
) -> list[float | None]:
    """agentcron / peer for each round (rounds pair up in the order they ran)."""
    return [ratio(a.get(key), b.get(key)) for a, b in zip(ours, theirs, strict=False)]
