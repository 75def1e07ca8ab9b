"""The Salesforce hand-off, independent of where it runs: its settings and the Case a hand-off becomes.

`serve/settings.py` holds these settings under `salesforce.*`; the escalation deployment (deployments/escalation.py)
receives them as a dict and validates them again here, so the two sides cannot disagree. Secrets (client secret,
password, security token) come only from the environment: serve/settings.py refuses them in a config file.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, model_validator

# A custom field's API name; Salesforce gives external-id fields the `__c` suffix.
_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*__c$")
SECRET_FIELDS = ("client_secret", "password", "security_token")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SalesforceConfig(BaseModel):
    """`salesforce.*`: unset `instance_url` keeps escalation local (a case number made in the app)."""

    # A validation error must not print the secrets it was given.
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    instance_url: str | None = Field(
        default=None,
        description="The org's My Domain URL, e.g. https://acme.my.salesforce.com (the OAuth token endpoint is "
        "under it). Unset: hand-offs stay local and nothing is sent to Salesforce.",
    )
    auth: Literal["client_credentials", "password"] = Field(
        default="client_credentials",
        description="OAuth flow of the connected app: `client_credentials` (an integration user runs as the "
        "app) or `password` (username-password flow).",
    )
    client_id: str | None = Field(default=None, description="The connected app's consumer key.")
    client_secret: str | None = Field(
        default=None,
        repr=False,
        description="The connected app's consumer secret; only from CSAGENT_SALESFORCE__CLIENT_SECRET.",
    )
    username: str | None = Field(default=None, description="Integration user (auth `password` only).")
    password: str | None = Field(
        default=None, repr=False, description="Its password; only from CSAGENT_SALESFORCE__PASSWORD."
    )
    security_token: str | None = Field(
        default=None,
        repr=False,
        description="Its security token, appended to the password; only from CSAGENT_SALESFORCE__SECURITY_TOKEN.",
    )
    api_version: str = Field(
        default="62.0", pattern=r"^\d{2,3}\.0$", description="REST API version, e.g. 62.0."
    )
    external_id_field: str = Field(
        default="Csagent_Conversation_Id__c",
        description="A Case field marked External ID holding the conversation id: the Case is upserted on it, "
        "so a retried hand-off updates the one Case instead of creating another.",
    )
    ca_bundle: str | None = Field(
        default=None,
        description="A CA certificate file (PEM) to verify the org's TLS certificate with, e.g. behind a proxy "
        "with a private CA; unset: the system's certificates.",
    )
    request_timeout_s: float = Field(default=10.0, gt=0, le=120, description="Timeout of one HTTP call (s).")
    retry_initial_s: float = Field(
        default=5.0,
        gt=0,
        description="Wait before the first retry of a hand-off Salesforce did not take (s).",
    )
    retry_max_s: float = Field(
        default=300.0, gt=0, description="Longest wait between retries; the wait doubles up to this (s)."
    )
    poll_interval_s: float = Field(
        default=5.0,
        gt=0,
        description="How often each ingress replica looks for hand-offs due to be sent (s).",
    )
    lease_s: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        description="A replica sending a hand-off holds it this long; if it dies, another sends it after.",
    )
    transcript_messages: int = Field(
        default=20, ge=1, le=200, description="Latest messages summarised in the Case's Description."
    )

    @property
    def enabled(self) -> bool:
        """Whether hand-offs go to Salesforce (else they stay local)."""
        return self.instance_url is not None

    @model_validator(mode="after")
    def _complete(self) -> SalesforceConfig:
        if self.retry_initial_s > self.retry_max_s:
            raise ValueError(
                f"salesforce.retry_initial_s ({self.retry_initial_s}) exceeds salesforce.retry_max_s "
                f"({self.retry_max_s}); make the first wait the shorter one"
            )
        if not _FIELD_NAME.match(self.external_id_field):
            raise ValueError(
                f"salesforce.external_id_field {self.external_id_field!r} is not a custom field's API name; "
                "use e.g. Csagent_Conversation_Id__c (an External ID, unique, text field on Case)"
            )
        if self.instance_url is None:
            return self
        parts = urlsplit(self.instance_url)
        if parts.scheme != "https" and not (parts.scheme == "http" and _loopback(parts.hostname or "")):
            raise ValueError(
                f"salesforce.instance_url {self.instance_url!r} must be an https:// URL, e.g. "
                "https://acme.my.salesforce.com (http:// only for a local test server on loopback)"
            )
        needed = ["client_id", "client_secret"]
        if self.auth == "password":
            needed += ["username", "password"]
        missing = [name for name in needed if not getattr(self, name)]
        if missing:
            variables = ", ".join(f"CSAGENT_SALESFORCE__{name.upper()}" for name in missing)
            raise ValueError(
                f"salesforce.auth {self.auth!r} needs {', '.join(missing)}: set {variables} "
                "(or unset salesforce.instance_url to keep hand-offs local)"
            )
        return self


class HandoffContext(BaseModel):
    """What the Case carries, gathered from the conversation when it is sent."""

    conversation_id: str
    subject: str
    reason: str | None = None
    transcript: list[tuple[str, str]] = Field(default_factory=list, description="(role, text), oldest first.")
    intent: str | None = None
    sentiment: Literal["negative", "neutral", "positive"] | None = None
    language: str = "en"
    articles: list[str] = Field(default_factory=list, description="Titles (and URLs) of the cited articles.")
    contact_name: str | None = None
    contact_email: str | None = None


# Salesforce's Description is a long text area of 32,000 characters; one message is cut well before that.
DESCRIPTION_CHARS = 32000
MESSAGE_CHARS = 1000


def priority(context: HandoffContext) -> str:
    """Placeholder until the business rules (issue 10, item 4) decide: negative sentiment is High, else Medium."""
    return "High" if context.sentiment == "negative" else "Medium"


def description(context: HandoffContext) -> str:
    lines = [f"Escalated from csagent conversation {context.conversation_id}."]
    if context.reason:
        lines.append(f"Reason given: {context.reason}")
    lines.append(
        f"Intent: {context.intent or 'unknown'}; sentiment: {context.sentiment or 'unknown'}; "
        f"language: {context.language}."
    )
    if context.contact_name or context.contact_email:
        lines.append(f"Customer: {context.contact_name or ''} {context.contact_email or ''}".rstrip())
    if context.articles:
        lines.append("Articles cited: " + "; ".join(context.articles))
    lines.append("")
    lines.append(f"Last {len(context.transcript)} messages:")
    for role, text in context.transcript:
        flat = " ".join(text.split())
        lines.append(f"[{role}] {flat[:MESSAGE_CHARS]}{'…' if len(flat) > MESSAGE_CHARS else ''}")
    return "\n".join(lines)[:DESCRIPTION_CHARS]


def case_fields(context: HandoffContext) -> dict[str, Any]:
    """The Case's fields for the upsert: standard fields only, so any org takes them (intent, sentiment, language
    and the cited articles are in the Description). Status is left out: Salesforce sets `New`, and a retried upsert must not
    undo an agent's change of it. The external-id field is in the URL, not the body."""
    fields: dict[str, Any] = {
        "Subject": context.subject[:255],
        "Description": description(context),
        "Origin": "Chat",
        "Priority": priority(context),
    }
    if context.contact_email:
        fields["SuppliedEmail"] = context.contact_email
    if context.contact_name:
        fields["SuppliedName"] = context.contact_name[:80]
    return fields


def case_state(status: str | None, is_closed: bool | None) -> Literal["new", "open", "closed"]:
    """Salesforce's Case Status (an org-defined picklist) as the contract's new/open/closed."""
    if is_closed or (status or "").lower() == "closed":
        return "closed"
    if (status or "New").lower() == "new":
        return "new"
    return "open"
