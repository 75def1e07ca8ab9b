"""Property-based fuzzing of the REST API with schemathesis, on SQLite and PostgreSQL: no input is a server error.

Every operation of the app's own OpenAPI document gets schemathesis's coverage cases (both sides of every bound the
document declares) and random schema-valid (positive) and schema-breaking (negative) cases, sent in-process through
schemathesis's ASGI transport to the real app (real deployments, real database). Half the cases that name a
conversation or a message are pointed at real ones the caller owns, so handlers run past the 404. Every answer must
be below 500 and, when it is an error, in the contract's error shape. Derandomized and bounded (EXAMPLES random
cases per operation and mode), so `make test` runs the same cases every time, in about a minute a database on a
quiet machine. (schemathesis's own pytest plugin, `from_fixture` + `parametrize`, fails under pytest 9 here with
"'Function' object has no attribute '_nodeid'", hence the loop over operations.)"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any, cast

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.result import Ok
from schemathesis.python import asgi

from deployments.local import LocalHandle
from serve.app import create_app
from serve.settings import RateLimitSettings
from tests.conftest import make_settings

EXAMPLES = 10
OPENAPI = "/api/v1/openapi.json"


@pytest.fixture
def fuzz_app(database_url: str, graph: LocalHandle) -> Iterator[FastAPI]:
    # Per-IP and per-user limits high enough that the fuzzer's hundreds of calls are not all 429s.
    limits = RateLimitSettings(
        ip_per_minute=1_000_000, user_per_minute=1_000_000, ws_sends_per_minute=1_000_000
    )
    app = create_app(make_settings(database_url, rate_limit=limits), graph)
    try:
        yield app
    finally:
        asgi.shutdown_lifespans()  # the app's lifespan runs in schemathesis's event loop; end it here


class Caller:
    """A signed-in guest with a conversation that has one exchange (for feedback), reached in-process."""

    def __init__(self, app: FastAPI) -> None:
        self.client = asgi.get_client(cast(Any, app))
        self.client.__enter__()
        session = self.client.post("/api/v1/auth/guest", json={}).json()
        self.headers = {"Authorization": f"Bearer {session['access_token']}"}
        self.chat = self.conversation()
        exchange = self.client.post(
            f"/api/v1/conversations/{self.chat}/messages",
            json={"content": "How do I reset my password?", "client_message_id": str(uuid.uuid4())},
            headers=self.headers,
        )
        assert exchange.status_code == 200, exchange.text
        self.reply = exchange.json()["reply"]["id"]

    def conversation(self) -> str:
        response = self.client.post("/api/v1/conversations", json={}, headers=self.headers)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def point_at_real_ids(self, case: Any) -> None:
        """Feedback goes to the real reply; anything else about a conversation gets a fresh one (a close or an
        escalation must not end the conversation later cases use)."""
        params = case.path_parameters
        if params is None or "conversation_id" not in params:
            return
        if "message_id" in params:
            params.update(conversation_id=self.chat, message_id=self.reply)
        else:
            params["conversation_id"] = self.conversation()


def _contract_error(path: str, body: Any) -> bool:
    if not isinstance(body, dict) or not isinstance(body.get("error"), dict):
        return False
    error = body["error"]
    if path.startswith("/v1/"):  # OpenAI's shape, for its clients
        return isinstance(error.get("message"), str) and isinstance(error.get("type"), str)
    return isinstance(error.get("code"), str) and isinstance(error.get("message"), str)


def _check(case: Any, caller: Caller, real: bool) -> None:
    if real:
        caller.point_at_real_ids(case)
    response = case.call(session=caller.client, headers=caller.headers)
    where = f"{case.method} {case.path}"
    assert response.status_code < 500, (
        f"{case.as_curl_command()}\n-> {response.status_code} {response.text[:500]}"
    )
    content_type = (response.headers.get("content-type") or [""])[0]
    if response.status_code >= 400 and content_type.startswith("application/json"):
        assert _contract_error(case.path, response.json()), f"{where}: {response.text[:300]}"


def test_no_input_is_a_server_error(fuzz_app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi(OPENAPI, fuzz_app)
    caller = Caller(fuzz_app)
    results = list(schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in results), (
        "schemathesis reads every operation of the document"
    )
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) >= 15, "every route of the contract is in the document"
    both = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    covered = 0
    for operation in operations:
        # The coverage phase: deterministic boundary cases, both sides of every bound the document declares.
        config = schema.config.generation_for(operation=operation, phase="coverage")
        for index, case in enumerate(
            schema.iter_coverage_cases(operation, generation_modes=both, generation_config=config)
        ):
            _check(case, caller, real=index % 2 == 0)
            covered += 1
        # The fuzzing phase: random cases inside and outside the document's schemas.
        for mode in both:

            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode), real=st.booleans())
            def fuzz(case: Any, real: bool) -> None:
                _check(case, caller, real)

            try:
                fuzz()
            except Unsatisfiable:
                # Only where there is nothing to break: an operation without parameters or body has no negative case.
                assert mode is GenerationMode.NEGATIVE, (
                    f"{operation.label}: no positive case could be generated"
                )
    assert covered > 100, f"the coverage phase generated {covered} cases"
