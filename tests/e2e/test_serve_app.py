"""End to end: the real Serve application from `build_app`, on a local Ray cluster, over real HTTP and WebSocket."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from tests.factories import SOQL_QUESTION, free_port

pytestmark = [pytest.mark.serve, pytest.mark.slow]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, prepared: None) -> Iterator[tuple[str, int]]:
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray
    from ray import serve

    from serve.builder import build_app

    port, metrics_port = free_port(), free_port()
    database = tmp_path_factory.mktemp("e2e") / "e2e.db"
    temp_dir = Path("/tmp") / f"csagent-e2e-{uuid.uuid4().hex[:6]}"
    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        _temp_dir=str(temp_dir),
        _metrics_export_port=metrics_port,
        log_to_driver=False,
    )
    try:
        serve.start(http_options={"host": "127.0.0.1", "port": port})
        app = build_app({"settings": {"database_url": f"sqlite+aiosqlite:///{database}", "env": "test"}})
        serve.run(app, name="csagent", route_prefix="/")
        yield f"127.0.0.1:{port}", metrics_port
    finally:
        serve.shutdown()  # type: ignore[no-untyped-call]
        ray.shutdown()


def test_ready_and_a_full_chat_turn_over_a_real_websocket(cluster: tuple[str, int]) -> None:
    address, _ = cluster
    base = f"http://{address}"
    with httpx.Client(base_url=base, timeout=60) as http:
        deadline = time.monotonic() + 60
        while http.get("/api/ready").status_code != 200:
            assert time.monotonic() < deadline, http.get("/api/ready").text
            time.sleep(0.5)
        deployments = ["graph", "nlp", "retrieval", "llm"]
        assert http.get("/api/ready").json()["checks"] == {
            "database": "ok",
            **dict.fromkeys(deployments, "ok"),  # answering through the graph's handles
            # The controller's view, the escalation deployment (hand-offs to Salesforce) included.
            **{f"serve:{name}": "ok" for name in ["ingress", *deployments, "escalation"]},
        }
        session = http.post("/api/v1/auth/guest", json={}).json()
        headers = {"Authorization": f"Bearer {session['access_token']}"}
        chat = http.post("/api/v1/conversations", json={}, headers=headers).json()
        with connect(f"ws://{address}/api/v1/ws?token={session['access_token']}") as ws:
            ws.send(json.dumps({"type": "subscribe", "conversation_id": chat["id"], "after_seq": 0}))
            cid = str(uuid.uuid4())
            ws.send(
                json.dumps(
                    {
                        "type": "message.send",
                        "conversation_id": chat["id"],
                        "client_message_id": cid,
                        "content": SOQL_QUESTION,
                    }
                )
            )
            events: list[dict[str, Any]] = []
            while not (
                events and events[-1]["type"] == "message" and events[-1]["message"]["role"] == "assistant"
            ):
                events.append(json.loads(ws.recv(timeout=60)))
        types = [e["type"] for e in events]
        assert types[0] == "message.ack"
        assert "assistant.typing" in types and "assistant.delta" in types
        reply = events[-1]["message"]
        assert reply["status"] == "complete"
        assert reply["meta"]["intent"]["name"] == "apex_governor_limits"
        assert reply["meta"]["citations"]
        rest = http.post(
            f"/api/v1/conversations/{chat['id']}/messages",
            json={"content": "How do I reset a user's password?", "client_message_id": str(uuid.uuid4())},
            headers=headers,
        )
        assert rest.status_code == 200 and rest.json()["reply"]["meta"]["citations"]
        assert "csagent_turn_duration_seconds" in http.get("/metrics").text
        assert http.get("/api/v1/openapi.json").status_code == 200


def test_every_deployment_reports_metrics_on_rays_endpoint(cluster: tuple[str, int]) -> None:
    """One scrape of Ray's metrics port holds every deployment's csagent series next to Ray Serve's own."""
    _, metrics_port = cluster
    wanted = [f'deployment="{name}"' for name in ("nlp", "retrieval", "llm")]
    deadline = time.monotonic() + 60
    text = ""
    while time.monotonic() < deadline:
        text = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).text
        calls = [line for line in text.splitlines() if line.startswith("ray_csagent_deployment_calls_total")]
        if (
            all(any(tag in line for line in calls) for tag in wanted)
            and "ray_csagent_graph_routes_total" in text
        ):
            break
        time.sleep(2)
    else:
        raise AssertionError("csagent deployment metrics did not appear: " + text[-2000:])
    assert "ray_serve_" in text, "Ray Serve's own metrics share the endpoint"
