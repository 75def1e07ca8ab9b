"""The ingress serves a built UI (a temporary dist folder here) as a single-page app with cache and CSP headers."""

from __future__ import annotations

import base64
import gzip
import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import serve.app
from serve.app import create_app
from serve.settings import Settings
from serve.static import IMMUTABLE, content_security_policy, falls_back

INLINE = "document.documentElement.dataset.theme='dark'"
INDEX = f"""<!doctype html><html lang="en"><head><title>csagent</title>
<script>{INLINE}</script>
<script type="module" crossorigin src="/assets/index-Ab12Cd34.js"></script>
<link rel="stylesheet" href="/assets/index-Ef56Gh78.css"></head><body><div id="root"></div></body></html>"""
BUNDLE = "console.log('app');\n" * 200  # over the gzip threshold


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(INDEX)
    (folder / "assets" / "index-Ab12Cd34.js").write_text(BUNDLE)
    (folder / "assets" / "index-Ef56Gh78.css").write_text("body{margin:0}")
    (folder / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    return folder


def client_for(dist: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    # No `with`: the lifespan (database, graph) is not needed to serve files or refuse unknown API paths.
    monkeypatch.setattr(serve.app, "UI_DIST", dist)
    settings = Settings(env="test", database_url="sqlite+aiosqlite:///:memory:")
    return TestClient(create_app(settings))


def test_index_is_served_at_the_root_and_revalidated(dist: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    response = client_for(dist, monkeypatch).get("/")
    assert response.status_code == 200
    assert 'id="root"' in response.text
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-type"].startswith("text/html")


def test_client_side_routes_fall_back_to_index_html(dist: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client = client_for(dist, monkeypatch)
    for path in ("/c/0b6c3c1e-6b7a-4a57-9d55-5d9f0ad0a8a1", "/settings", "/deep/link/here"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'id="root"' in response.text
        assert response.headers["cache-control"] == "no-cache"


def test_hashed_assets_are_immutable_and_other_files_revalidate(
    dist: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = client_for(dist, monkeypatch)
    script = client.get("/assets/index-Ab12Cd34.js")
    assert script.status_code == 200 and script.text == BUNDLE
    assert script.headers["cache-control"] == IMMUTABLE == "public, max-age=31536000, immutable"
    assert script.headers["content-type"].startswith("text/javascript")
    icon = client.get("/favicon.svg")
    assert icon.status_code == 200 and icon.headers["cache-control"] == "no-cache"


def test_assets_are_gzipped_for_browsers_that_ask(dist: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client = client_for(dist, monkeypatch)
    response = client.get("/assets/index-Ab12Cd34.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == BUNDLE  # httpx decoded it
    raw = client.get("/assets/index-Ab12Cd34.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers and raw.text == BUNDLE
    assert len(gzip.compress(BUNDLE.encode())) < len(BUNDLE)


def test_a_missing_asset_is_a_404_not_the_app(dist: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    response = client_for(dist, monkeypatch).get("/assets/index-Old00000.js")
    assert response.status_code == 404
    assert "<html" not in response.text


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/nothing", "/metrics/extra", "/docs", "/openapi.json"])
def test_server_paths_never_fall_back_to_the_app(
    dist: Path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    response = client_for(dist, monkeypatch).get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"]


def test_only_get_and_head(dist: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client = client_for(dist, monkeypatch)
    assert client.head("/").status_code == 200
    assert client.post("/somewhere").status_code == 405


def test_every_ui_response_carries_the_security_headers(dist: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client = client_for(dist, monkeypatch)
    for path in ("/", "/c/123", "/assets/index-Ab12Cd34.js", "/favicon.svg"):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
        assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in policy
        assert directives["default-src"] == "'self'"
        assert directives["object-src"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["connect-src"] == "'self'"  # same-origin REST and WebSocket
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert "camera=()" in headers["permissions-policy"]


def test_inline_scripts_of_index_html_are_allowed_by_hash_only(
    dist: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    digest = base64.b64encode(hashlib.sha256(INLINE.encode()).digest()).decode()
    policy = client_for(dist, monkeypatch).get("/").headers["content-security-policy"]
    assert f"script-src 'self' 'sha256-{digest}';" in policy


def test_a_rebuilt_index_html_gets_a_new_policy(dist: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client = client_for(dist, monkeypatch)
    before = client.get("/").headers["content-security-policy"]
    (dist / "index.html").write_text("<!doctype html><title>csagent</title><div id=root></div>")
    after = client.get("/").headers["content-security-policy"]
    assert before != after
    assert "script-src 'self';" in after


def test_the_default_policy_is_strict() -> None:
    policy = content_security_policy()
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "'unsafe-inline'" not in policy


def test_fallback_rule() -> None:
    assert falls_back("c/123") and falls_back(".")
    assert not falls_back("api/v1/x") and not falls_back("assets/x.js") and not falls_back("metrics")


def test_without_a_build_the_placeholder_page_is_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    response = client_for(tmp_path / "missing", monkeypatch).get("/")
    assert response.status_code == 200
    assert "The chat UI has not been built" in response.text
