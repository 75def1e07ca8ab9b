"""End to end: the real Serve application from `build_app` with `salesforce.*` set, on a local Ray cluster. The
escalation deployment runs in its own replica and reaches a local server speaking the Salesforce REST API over TLS
(its self-signed certificate given as `salesforce.ca_bundle`): escalating over HTTP answers `queued`, and the
conversation then carries the one Case's number."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.factories import free_port
from tests.fakes.salesforce_server import SalesforceServer

pytestmark = [pytest.mark.serve, pytest.mark.slow]
FIELD = "Csagent_Conversation_Id__c"


@pytest.fixture(scope="module")
def salesforce(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SalesforceServer]:
    with SalesforceServer(tls_folder=tmp_path_factory.mktemp("tls")) as server:
        yield server


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory, prepared: None, salesforce: SalesforceServer
) -> Iterator[str]:
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    import ray
    from ray import serve

    from serve.builder import build_app

    port = free_port()
    database = tmp_path_factory.mktemp("e2e") / "e2e.db"
    temp_dir = Path("/tmp") / f"csagent-e2e-{uuid.uuid4().hex[:6]}"
    ray.init(
        address="local", num_cpus=2, include_dashboard=False, _temp_dir=str(temp_dir), log_to_driver=False
    )
    try:
        serve.start(http_options={"host": "127.0.0.1", "port": port})
        settings = {
            "database_url": f"sqlite+aiosqlite:///{database}",
            "env": "test",
            "salesforce": {
                "instance_url": salesforce.url,
                "client_id": salesforce.client_id,
                "client_secret": salesforce.client_secret,
                "ca_bundle": str(salesforce.ca_file),
            },
        }
        serve.run(build_app({"settings": settings}), name="csagent", route_prefix="/")
        yield f"http://127.0.0.1:{port}"
    finally:
        serve.shutdown()  # type: ignore[no-untyped-call]
        ray.shutdown()


def test_an_escalation_over_http_becomes_one_salesforce_case(
    cluster: str, salesforce: SalesforceServer
) -> None:
    with httpx.Client(base_url=cluster, timeout=60) as http:
        deadline = time.monotonic() + 120
        while http.get("/api/ready").status_code != 200:
            assert time.monotonic() < deadline, http.get("/api/ready").text
            time.sleep(0.5)
        token = http.post("/api/v1/auth/guest", json={}).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        chat = http.post("/api/v1/conversations", json={}, headers=headers).json()

        escalated = http.post(f"/api/v1/conversations/{chat['id']}/escalate", headers=headers)
        assert escalated.status_code == 200, escalated.text
        assert escalated.json()["case"]["status"] == "queued"
        while (shown := http.get(f"/api/v1/conversations/{chat['id']}", headers=headers).json())["case"][
            "status"
        ] == "queued":
            assert time.monotonic() < deadline + 60, shown
            time.sleep(0.2)

    [case] = salesforce.cases_for(FIELD, chat["id"])
    assert (shown["case"]["status"], shown["case"]["number"]) == ("new", case["CaseNumber"])
    assert case["Origin"] == "Chat"
