"""`make bench-scale`: a Locust run (CSAGENT_SCENARIO, default `scale`: ramp up, hold, drop) against a local
cluster while the replica count of every deployment is sampled, to show autoscaling up under load and back down.
Replicas are counted from the cluster's own processes (`ServeReplica:csagent:<deployment>`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psutil

from loadtests.bench import _free_port, start_cluster, stop_cluster
from loadtests.run import locust_command
from serve.builder import DEPLOYMENT_NAMES

OUT = Path("var/loadtests")
# config/serve.yaml with autoscaling targets low enough that this machine's load moves them (see the file).
DEMO_CONFIG = Path("config/serve.scaling-demo.yaml")
SAMPLE_S = 5.0


def replica_counts(root: int) -> Counter[str]:
    counts: Counter[str] = Counter()
    for process in psutil.Process(root).children(recursive=True):
        try:
            command = " ".join(process.cmdline())
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        for name in DEPLOYMENT_NAMES:
            if f"ServeReplica:csagent:{name}" in command:
                counts[name] += 1
    return counts


def main() -> int:
    scenario = os.environ.get("CSAGENT_SCENARIO", "scale")
    OUT.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    database = OUT / f"scale-{port}.db"
    cluster, _ = start_cluster(port, database, serve_config=DEMO_CONFIG)
    prefix = OUT / f"scaling-{scenario}"
    locust = subprocess.Popen(
        locust_command(port, prefix),
        env={**os.environ, "CSAGENT_SCENARIO": scenario},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    print(f"{'t (s)':>6} " + " ".join(f"{name:>9}" for name in DEPLOYMENT_NAMES), flush=True)
    started = time.monotonic()
    try:
        # Sample during the run and for two minutes after it, while idle replicas are scaled back down.
        while locust.poll() is None or time.monotonic() - started < 420:
            counts = replica_counts(cluster.pid)
            elapsed = time.monotonic() - started
            print(
                f"{elapsed:6.0f} " + " ".join(f"{counts[name]:9d}" for name in DEPLOYMENT_NAMES), flush=True
            )
            time.sleep(SAMPLE_S)
    finally:
        if locust.poll() is None:
            locust.terminate()
        stop_cluster(cluster, database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
