"""Charts staff receive as photos: raised against target for the top provinces.

Rendered with matplotlib's non-interactive Agg backend into PNG bytes, in a worker thread
(callers use `asyncio.to_thread`), so drawing never blocks the event loop. matplotlib 3.11+
shapes and orders Persian (right-to-left) labels with its bundled font.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display; must come before pyplot is imported

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from bot.text import localize_number


def axis_tick(value: float, language: str) -> str:
    """A tick of the million-toman axis in the reader's digits: ۲٫۵ in Persian, 2.5 in English
    (matplotlib's own formatter only knows Latin digits)."""
    ascii_tick = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return localize_number(ascii_tick, language)


def raised_vs_target_png(
    rows: list[tuple[str, int, int]], title: str, labels: tuple[str, str], language: str
) -> bytes:
    """A horizontal bar chart (million toman) of (province, paid rials, target rials), one
    bar each, the first on top: the caller chooses which and in what order."""
    figure = Figure(figsize=(7, 0.5 * max(len(rows), 1) + 1.5), dpi=100)
    axes = figure.subplots()
    names = [name for name, _, _ in rows][::-1]
    targets = [target / 10 / 1e6 for _, _, target in rows][::-1]
    paid = [raised / 10 / 1e6 for _, raised, _ in rows][::-1]
    axes.barh(names, targets, color="#d9e6f2", label=labels[1])
    axes.barh(names, paid, color="#2e7d32", label=labels[0])
    axes.set_title(title)
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: axis_tick(value, language)))
    axes.legend(loc="lower right")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
