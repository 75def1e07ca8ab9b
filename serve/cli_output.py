"""How every `csagent` command talks to the terminal: one flushed line at a time, so a pipe sees progress."""

from __future__ import annotations

from collections.abc import Sequence


def say(text: str) -> None:
    print(text, flush=True)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Rows under their headers in left-aligned columns, `-` for a missing value (None)."""
    cells = [
        [str(h) for h in headers],
        *[["-" if value is None else str(value) for value in row] for row in rows],
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in cells
    )
