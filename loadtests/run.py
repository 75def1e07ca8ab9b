"""`make load`: start a local cluster, run a headless Locust scenario against it, check the SLOs.

Writes Locust's CSV and HTML report under var/loadtests/. CSAGENT_SCENARIO picks the shape (steady by default).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from loadtests.bench import _free_port, start_cluster, stop_cluster
from loadtests.slo import SLO_FILE, Objectives, check

OUT = Path("var/loadtests")


def locust_command(port: int, prefix: Path) -> list[str]:
    """A headless Locust run of loadtests/locustfile.py against the local cluster on `port`, CSV under `prefix`."""
    return [
        sys.executable,
        "-m",
        "locust",
        "-f",
        "loadtests/locustfile.py",
        "--headless",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(prefix),
        "--only-summary",
    ]


def main() -> int:
    import yaml

    scenario = os.environ.get("CSAGENT_SCENARIO", "steady")
    OUT.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    database = OUT / f"load-{port}.db"
    process, cold_s = start_cluster(port, database)
    print(f"cluster ready on :{port} in {cold_s:.1f} s; running scenario {scenario!r}", flush=True)
    prefix = OUT / scenario
    try:
        subprocess.run(
            [*locust_command(port, prefix), "--html", f"{prefix}.html", "--stop-timeout", "10"],
            env={**os.environ, "CSAGENT_SCENARIO": scenario},
            check=False,
            timeout=1800,
        )
    finally:
        stop_cluster(process, database)
    objectives = Objectives.model_validate(yaml.safe_load(SLO_FILE.read_text()))
    print(f"\nSLO check ({SLO_FILE.name}) for {prefix}_stats.csv; report: {prefix}.html")
    missed = check(Path(f"{prefix}_stats.csv"), objectives)
    for line in missed:
        print(f"SLO MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
