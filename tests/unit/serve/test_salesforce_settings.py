"""`salesforce.*`: off unless instance_url is set, complete credentials for the chosen OAuth flow, secrets only from
the environment, and errors that name the setting and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from models.salesforce import HandoffContext, case_fields, case_state, priority
from serve.settings import Settings

ORG = "https://acme.my.salesforce.com"


def test_without_an_instance_url_hand_offs_stay_local() -> None:
    settings = Settings(env="test")
    assert settings.salesforce.enabled is False
    assert settings.salesforce.external_id_field == "Csagent_Conversation_Id__c"


def test_client_credentials_from_the_environment_turn_it_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSAGENT_SALESFORCE__INSTANCE_URL", ORG)
    monkeypatch.setenv("CSAGENT_SALESFORCE__CLIENT_ID", "3MVG9-key")
    monkeypatch.setenv("CSAGENT_SALESFORCE__CLIENT_SECRET", "from-a-secret-store")
    settings = Settings(env="test")
    assert settings.salesforce.enabled and settings.salesforce.client_secret == "from-a-secret-store"
    assert "from-a-secret-store" not in repr(settings.salesforce)


def test_a_missing_secret_is_named_with_its_variable() -> None:
    with pytest.raises(ValidationError, match="needs client_secret: set CSAGENT_SALESFORCE__CLIENT_SECRET"):
        Settings(env="test", salesforce={"instance_url": ORG, "client_id": "k"})
    with pytest.raises(ValidationError, match="needs username, password"):
        Settings(
            env="test",
            salesforce={"instance_url": ORG, "client_id": "k", "client_secret": "s", "auth": "password"},
        )


def test_a_secret_written_in_a_config_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = tmp_path / "site.yaml"
    extra.write_text(f"salesforce:\n  instance_url: {ORG}\n  client_id: k\n  client_secret: oops\n")
    monkeypatch.setenv("CSAGENT_CONFIG", str(extra))
    with pytest.raises(ValueError, match="salesforce.client_secret is written in a config file"):
        Settings(env="test")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"instance_url": "http://acme.my.salesforce.com"}, "must be an https:// URL"),
        ({"external_id_field": "ConversationId"}, "is not a custom field's API name"),
        ({"retry_initial_s": 60, "retry_max_s": 10}, "exceeds salesforce.retry_max_s"),
        ({"api_version": "v62"}, "api_version"),
    ],
)
def test_bad_values_are_refused_by_name(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(env="test", salesforce=settings)


def test_http_is_allowed_only_for_a_test_server_on_loopback() -> None:
    local = Settings(
        env="test",
        salesforce={"instance_url": "http://127.0.0.1:8443", "client_id": "k", "client_secret": "s"},
    )
    assert local.salesforce.enabled


def test_the_case_carries_the_conversation_and_a_placeholder_priority() -> None:
    context = HandoffContext(
        conversation_id="c-1",
        subject="Chat escalation: " + "x" * 300,
        transcript=[("user", "word " * 400)],
        sentiment="neutral",
        contact_email="ada@example.com",
    )
    fields = case_fields(context)
    assert len(fields["Subject"]) == 255
    assert (fields["Origin"], fields["Priority"], fields["SuppliedEmail"]) == (
        "Chat",
        "Medium",
        "ada@example.com",
    )
    assert "Status" not in fields  # a resend must not undo an agent's change of it
    assert fields["Description"].count("…") == 1  # one long message cut, not the whole transcript
    assert priority(context.model_copy(update={"sentiment": "negative"})) == "High"


@pytest.mark.parametrize(
    ("status", "closed", "state"),
    [
        ("New", False, "new"),
        ("Working", False, "open"),
        ("Escalated", None, "open"),
        ("Closed", True, "closed"),
        ("Solved", True, "closed"),
    ],
)
def test_salesforce_statuses_map_to_new_open_closed(status: str, closed: bool | None, state: str) -> None:
    assert case_state(status, closed) == state
