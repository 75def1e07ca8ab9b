"""The chat UI (`ui/dist`, built by `make ui`) served by the ingress as a single-page app.

Paths with a file get that file; any other GET outside the API falls back to `index.html`, so a reload on a
client-side route (e.g. `/c/<id>`) opens the app there. Vite names the files under `/assets/` by content hash:
they never change, so browsers may keep them for a year; everything else (`index.html` names the current hashes)
is revalidated on every load. Every UI response carries a Content-Security-Policy with no inline script; the
request middleware adds `X-Content-Type-Options`, `Referrer-Policy` and `X-Frame-Options` to every response.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Scope

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# First path segments that belong to the server, never to the app: a miss there is a real 404 (JSON).
SERVER_PREFIXES = frozenset({"api", "metrics", "docs", "redoc", "openapi.json"})
# A missing hashed file is a stale or broken page: a 404 beats HTML parsed as JavaScript.
ASSETS = "assets"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
_INLINE = re.compile(r"<(script|style)\b(?![^>]*\bsrc=)[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)


def content_security_policy(index_html: str = "") -> str:
    """The policy for the UI; inline <script>/<style> blocks of `index_html` are allowed by hash, nothing else."""
    hashes: dict[str, list[str]] = {"script": [], "style": []}
    for tag, body in _INLINE.findall(index_html):
        if body.strip():
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            hashes[tag.lower()].append(f"'sha256-{digest}'")
    script = " ".join(["'self'", *hashes["script"]])
    style = " ".join(["'self'", *hashes["style"]])
    return (
        f"default-src 'self'; script-src {script}; style-src {style}; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


@lru_cache(maxsize=4)
def _policy_for(index: Path, _mtime_ns: int) -> str:
    """Cached per version of index.html (the mtime is part of the key), so a rebuild is picked up live."""
    return content_security_policy(index.read_text(encoding="utf-8"))


class SinglePageApp(StaticFiles):
    """StaticFiles over a Vite build, with the fallback to index.html, cache headers and the security policy."""

    def __init__(self, dist: Path) -> None:
        super().__init__(directory=dist, html=True)
        self.index = dist / "index.html"

    def policy(self) -> str:
        try:
            return _policy_for(self.index, self.index.stat().st_mtime_ns)
        except FileNotFoundError:  # removed while running (a rebuild in progress): the strict default
            return content_security_policy()

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
            served = path
        except HTTPException as exc:
            if exc.status_code != 404 or not falls_back(path):
                raise
            response = await super().get_response("index.html", scope)
            served = "index.html"
        hashed = served.replace("\\", "/").split("/", 1)[0] == ASSETS
        response.headers["cache-control"] = IMMUTABLE if hashed else REVALIDATE
        response.headers["content-security-policy"] = self.policy()
        response.headers["permissions-policy"] = PERMISSIONS_POLICY
        response.headers["cross-origin-opener-policy"] = "same-origin"
        return response


def falls_back(path: str) -> bool:
    """Whether a missing `path` (as StaticFiles normalised it, no leading slash) is a client-side route."""
    first = path.replace("\\", "/").split("/", 1)[0]
    return first not in SERVER_PREFIXES and first != ASSETS


def ui_app(dist: Path) -> ASGIApp:
    """The ASGI app to mount at `/`; gzip because the ingress is what browsers download the bundle from."""
    return GZipMiddleware(SinglePageApp(dist), minimum_size=1024)
