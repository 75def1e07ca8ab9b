"""Check Locust's CSV statistics against config/slo.yaml; print a table; exit 1 when an objective is missed."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from models.config import PROJECT_ROOT

SLO_FILE = PROJECT_ROOT / "config" / "slo.yaml"


class Objectives(BaseModel):
    max_error_rate: float = Field(ge=0, le=1)
    p99_ms: dict[str, float]


class Row(BaseModel):
    name: str
    requests: int
    failures: int
    p50_ms: float
    p99_ms: float
    rps: float


def read_stats(path: Path) -> list[Row]:
    rows = []
    with path.open() as handle:
        for record in csv.DictReader(handle):
            if record["Name"] == "Aggregated":
                continue
            rows.append(
                Row(
                    name=f"{record['Type']} {record['Name']}",
                    requests=int(record["Request Count"]),
                    failures=int(record["Failure Count"]),
                    p50_ms=float(record["50%"] or 0),
                    p99_ms=float(record["99%"] or 0),
                    rps=float(record["Requests/s"] or 0),
                )
            )
    return rows


def check(stats: Path, objectives: Objectives) -> list[str]:
    """Print the table; return the missed objectives."""
    rows = read_stats(stats)
    missed = []
    print(
        f"{'endpoint / phase':52} {'reqs':>7} {'fail':>5} {'rps':>7} {'p50 ms':>8} {'p99 ms':>8} {'SLO p99':>8}  result"
    )
    for row in rows:
        limit = objectives.p99_ms.get(row.name)
        ok = limit is None or row.p99_ms <= limit
        if not ok:
            missed.append(f"{row.name}: p99 {row.p99_ms:.0f} ms > {limit:.0f} ms")
        shown = f"{limit:8.0f}" if limit is not None else f"{'-':>8}"
        print(
            f"{row.name:52} {row.requests:7d} {row.failures:5d} {row.rps:7.1f} {row.p50_ms:8.0f} {row.p99_ms:8.0f} {shown}  {'ok' if ok else 'MISSED'}"
        )
    total = sum(r.requests for r in rows)
    failures = sum(r.failures for r in rows)
    rate = failures / total if total else 1.0
    print(f"error rate {rate:.4f} (objective <= {objectives.max_error_rate})")
    if rate > objectives.max_error_rate:
        missed.append(f"error rate {rate:.4f} > {objectives.max_error_rate}")
    if total == 0:
        missed.append("no requests were made")
    return missed


def main() -> int:
    stats = Path(sys.argv[1])
    objectives = Objectives.model_validate(yaml.safe_load(SLO_FILE.read_text()))
    missed = check(stats, objectives)
    for line in missed:
        print(f"SLO MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
