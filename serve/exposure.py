"""Which listeners reach beyond this machine, and so whether Ray may run without authentication.

Whoever reaches an unauthenticated Ray cluster (its dashboard's Jobs API, its GCS) can run code on it. Ray 2.60 has
token authentication on by default; csagent keeps it on unless every listener, csagent's and Ray's own, is on
loopback. Ray's own are not: measured on Ray 2.60 (the listening sockets of a `ray.init()` cluster and its
children), `gcs_server` and `raylet` listen on `::`, every interface, and the dashboard and runtime-env agents on
the node's address, whatever node IP or dashboard host they are given. So Ray's token auth is what protects a
cluster, a development one included, and `ray_auth_mode` keeps it on; RAY_SERVICES records that measurement, so a
Ray that binds loopback would only need it changed. The decision and its table of cases:
tests/unit/serve/test_ops_exposure.py.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

AUTH_OFF = "disabled"
AUTH_ON = "token"
# Where a Ray 2.60 cluster's own services listen (see above), started by `csagent up` or joined.
RAY_SERVICES: Mapping[str, str] = {"Ray's GCS and raylets": "::"}


def is_loopback(host: str) -> bool:
    """True when `host` accepts connections from this machine only (`0.0.0.0`, `::` and names are not)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name may resolve to any interface


def exposed(listeners: Mapping[str, str]) -> list[str]:
    """The listeners (name → bind host) that reach beyond this machine, as `name (host)`."""
    return [f"{name} ({host})" for name, host in listeners.items() if not is_loopback(host)]


def ray_auth_mode(
    configured: Mapping[str, str],
    *,
    requested: str | None,
    ray_services: Mapping[str, str] = RAY_SERVICES,
) -> str:
    """The RAY_AUTH_MODE to run with.

    `configured` maps the listeners csagent's settings bind (HTTP, the dashboard) to their hosts; `ray_services`
    those Ray opens on its own; `requested` is a RAY_AUTH_MODE already in the environment, if any.
    - Nothing requested: auth is off only when every listener is on loopback, else `token`.
    - Any mode other than `disabled` is kept.
    - An explicit `disabled` is an operator's deliberate opt-out (a CI machine nobody else reaches); it is refused
      (ValueError) when a configured listener reaches beyond loopback, which is never deliberate. The caller warns
      that Ray's own services stay reachable.
    """
    if requested and requested != AUTH_OFF:
        return requested
    if not exposed({**configured, **ray_services}):
        return AUTH_OFF
    if requested != AUTH_OFF:
        return AUTH_ON
    public = exposed(configured)
    if public:
        raise ValueError(
            f"RAY_AUTH_MODE=disabled is refused: {', '.join(public)} can be reached from other machines, and "
            "whoever reaches an unauthenticated Ray cluster can run code on it. Unset RAY_AUTH_MODE (token auth, "
            "Ray's default) or bind http_host and ray.dashboard_host to 127.0.0.1"
        )
    return AUTH_OFF
