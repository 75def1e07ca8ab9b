"""Ray's HAProxy ingress, one per cluster on a shared machine.

Ray 2.60's HAProxy ingress keeps its config, admin socket and server state under /tmp/haproxy-serve and listens for
stats on 8404 and metrics on 9101, whatever the cluster: a second HAProxy-ingress cluster on the same machine (a
benchmark beside a test) fails to start. These variables give one cluster its own.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from loadtests.bench import _free_port


def haproxy_env(maxconn: int = 4096) -> dict[str, str]:
    """Variables for `csagent up` with `ray.haproxy_ingress`: its files in a fresh short directory under /tmp
    (HAProxy refuses an admin socket path over 97 characters, and Ray adds a 56-character folder), free ports,
    `maxconn` connections (Ray's default 4096; every open WebSocket is one). Remove the directory
    (`RAY_SERVE_HAPROXY_SERVER_STATE_BASE`) after the run."""
    directory = Path(tempfile.mkdtemp(prefix="csh-", dir="/tmp"))
    return {
        "RAY_SERVE_HAPROXY_CONFIG_FILE_LOC": str(directory / "haproxy.cfg"),
        "RAY_SERVE_HAPROXY_SOCKET_PATH": str(directory / "admin.sock"),
        "RAY_SERVE_HAPROXY_SERVER_STATE_BASE": str(directory),
        "RAY_SERVE_HAPROXY_SERVER_STATE_FILE": str(directory / "server-state"),
        "RAY_SERVE_HAPROXY_STATS_PORT": str(_free_port()),
        "RAY_SERVE_HAPROXY_METRICS_PORT": str(_free_port()),
        "RAY_SERVE_HAPROXY_MAXCONN": str(maxconn),
    }
