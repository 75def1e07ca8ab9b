"""The escalation deployment with the real simple-salesforce client against a local server speaking the Salesforce
REST API (tests/fakes/salesforce_server.py): one Case per conversation however often it is sent, a re-login on an
expired session, and Salesforce's refusals returned in-band for the outbox to retry."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from simple_salesforce.api import Salesforce

from deployments.escalation import EscalationDeployment
from models.salesforce import HandoffContext
from tests.fakes.salesforce_server import SalesforceServer, plain_http_session

FIELD = "Csagent_Conversation_Id__c"


@pytest.fixture
def server() -> Iterator[SalesforceServer]:
    with SalesforceServer() as running:
        yield running


def _deployment(server: SalesforceServer, **overrides: Any) -> EscalationDeployment:
    config = {
        "instance_url": server.url,
        "client_id": server.client_id,
        "client_secret": server.client_secret,
        **overrides,
    }
    return EscalationDeployment(config, plain_http_session)


def _handoff(conversation_id: str, sentiment: str = "negative") -> dict[str, Any]:
    return HandoffContext(
        conversation_id=conversation_id,
        subject="Chat escalation: cannot log in",
        reason="I need a person",
        transcript=[("user", "I cannot log in"), ("assistant", "Try resetting your password.")],
        intent="login_issue",
        sentiment=sentiment,
        language="en",
        articles=["Reset a password (https://help.example/reset)"],
        contact_name="Ada",
        contact_email="ada@example.com",
    ).model_dump(mode="json")


async def test_sending_twice_upserts_one_case_with_the_conversation_context(server: SalesforceServer) -> None:
    deployment = _deployment(server)
    conversation_id = str(uuid.uuid4())
    first = await deployment.send(_handoff(conversation_id))
    again = await deployment.send(_handoff(conversation_id))

    assert first["ok"] and first["created"] and not again["created"]
    assert (again["id"], again["number"], again["status"]) == (first["id"], first["number"], "new")
    [case] = server.cases_for(FIELD, conversation_id)
    assert (case["Origin"], case["Priority"], case["SuppliedEmail"]) == ("Chat", "High", "ada@example.com")
    for fact in ("login_issue", "negative", "Reset a password", "[user] I cannot log in", "I need a person"):
        assert fact in case["Description"]
    assert server.upserts == 2 and server.logins == 1


async def test_an_expired_session_logs_in_again_and_the_case_is_sent(server: SalesforceServer) -> None:
    deployment = _deployment(server)
    await deployment.send(_handoff(str(uuid.uuid4())))
    server.expire_tokens()
    conversation_id = str(uuid.uuid4())

    outcome = await deployment.send(_handoff(conversation_id, sentiment="neutral"))

    assert outcome["ok"], outcome
    assert server.logins == 2
    assert [c["Priority"] for c in server.cases_for(FIELD, conversation_id)] == ["Medium"]
    assert ("PATCH", f"/services/data/v62.0/sobjects/Case/{FIELD}/{conversation_id}", 401) in server.calls


@pytest.mark.parametrize(
    ("fault", "code"), [("unavailable", "SERVER_UNAVAILABLE"), ("limit", "REQUEST_LIMIT_EXCEEDED")]
)
async def test_salesforce_down_or_over_its_limit_is_a_retryable_outcome(
    server: SalesforceServer, fault: Any, code: str
) -> None:
    deployment = _deployment(server)
    server.fault = fault

    outcome = await deployment.send(_handoff(str(uuid.uuid4())))

    assert outcome["ok"] is False and outcome["retryable"] is True
    assert code in outcome["error"]
    assert server.cases == {}


async def test_an_unreachable_server_and_refused_credentials_are_retryable_outcomes(
    server: SalesforceServer,
) -> None:
    refused = await _deployment(server, client_secret="wrong").send(_handoff(str(uuid.uuid4())))
    gone = await _deployment(server, instance_url="http://127.0.0.1:9").send(_handoff(str(uuid.uuid4())))

    assert (refused["ok"], refused["retryable"]) == (False, True)
    assert "invalid_client" in refused["error"]
    assert (gone["ok"], gone["retryable"]) == (False, True)
    assert server.cases == {}


async def test_the_server_pages_a_query_with_next_records_url_as_salesforce_does(
    server: SalesforceServer,
) -> None:
    deployment = _deployment(server)
    sent = [str(uuid.uuid4()) for _ in range(5)]
    for conversation_id in sent:
        assert (await deployment.send(_handoff(conversation_id)))["ok"]
    session = plain_http_session()
    answer = session.post(
        f"{server.url}/services/oauth2/token",
        data={"grant_type": "client_credentials", "client_id": "csagent-app", "client_secret": "s3cret"},
    ).json()
    client = Salesforce(
        instance_url=server.url, session_id=answer["access_token"], session=session, version="62.0"
    )

    records = client.query_all(f"SELECT Id, {FIELD} FROM Case")["records"]

    assert sorted(r[FIELD] for r in records) == sorted(sent)
    assert sum(1 for call in server.calls if "/query/01g" in call[1]) == 2  # 5 records, 2 a page


async def test_over_tls_with_the_orgs_ca_bundle_as_a_serve_replica_would_reach_it(tmp_path: Path) -> None:
    with SalesforceServer(tls_folder=tmp_path) as server:
        assert server.url.startswith("https://") and server.ca_file is not None
        deployment = EscalationDeployment(
            {
                "instance_url": server.url,
                "client_id": server.client_id,
                "client_secret": server.client_secret,
                "ca_bundle": str(server.ca_file),
            }
        )
        conversation_id = str(uuid.uuid4())

        outcome = await deployment.send(_handoff(conversation_id))

        assert outcome["ok"], outcome
        assert [c["CaseNumber"] for c in server.cases_for(FIELD, conversation_id)] == [outcome["number"]]
