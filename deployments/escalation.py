"""The escalation deployment: sends one hand-off to Salesforce as a Case, with simple-salesforce.

It upserts the Case on the external-id field holding the conversation id
(`PATCH sobjects/Case/<field>/<conversation id>`), so sending the same hand-off again, after a timeout whose first
try did land, or from another replica, updates the one Case instead of creating a second. It then reads back the
Case's Id, CaseNumber and Status.

The durable part (which hand-offs are due, who sends them, when to retry) is the ingress's outbox
(serve/escalation/outbox.py): this deployment keeps no state but its OAuth access token. An expired token
(401 INVALID_SESSION_ID) is renewed once per call; any other failure is returned in-band as `{"ok": false,
"retryable": ..., "error": ...}`, never raised, so the outbox decides about retrying.

The token endpoint is the org's own (`<instance_url>/services/oauth2/token`, OAuth client credentials or
username-password): simple-salesforce's own login only knows `<domain>.salesforce.com`. The HTTP session is made by
an injected factory: tests give one that reaches a local server speaking the Salesforce REST API.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, cast

import requests
from simple_salesforce.api import Salesforce, SFType
from simple_salesforce.exceptions import SalesforceError, SalesforceExpiredSession

from deployments.telemetry import DeploymentMetrics
from models.salesforce import HandoffContext, SalesforceConfig, case_fields, case_state

logger = logging.getLogger("csagent.escalation")

# Salesforce answers these when it is down, overloaded or over the org's API limit: the hand-off waits and retries.
_RETRYABLE_CODES = {
    "REQUEST_LIMIT_EXCEEDED",
    "SERVER_UNAVAILABLE",
    "UNABLE_TO_LOCK_ROW",
    "INVALID_SESSION_ID",
}


class SalesforceAuthError(Exception):
    """The token endpoint refused the credentials (or could not be reached)."""


def _error_codes(content: Any) -> set[str]:
    if isinstance(content, list):
        return {str(item.get("errorCode")) for item in content if isinstance(item, dict)}
    return set()


def _request_defaults(session: requests.Session, timeout_s: float, ca_bundle: str | None) -> None:
    """simple-salesforce passes no timeout: without one, a Salesforce that never answers would hold the hand-off
    (and this replica's one sender) for ever. The CA bundle is given per request because requests lets
    REQUESTS_CA_BUNDLE from the environment override a session's own `verify`."""
    request = session.request

    def with_defaults(method: str | bytes, url: str | bytes, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", timeout_s)
        if ca_bundle is not None:
            kwargs.setdefault("verify", ca_bundle)
        return request(method, url, **kwargs)

    session.request = with_defaults  # type: ignore[method-assign,assignment]


class EscalationDeployment:
    """Sends hand-offs to Salesforce; `send` is the one method the outbox calls."""

    def __init__(
        self,
        config: dict[str, Any],
        session_factory: Callable[[], requests.Session] = requests.Session,
    ) -> None:
        self.config = SalesforceConfig.model_validate(config)
        self._session_factory = session_factory
        self._client: Salesforce | None = None
        self._lock = asyncio.Lock()
        self.metrics = DeploymentMetrics(
            {"salesforce_cases": "Hand-offs sent to Salesforce, by outcome (created, updated, retry)."}
        )
        self.logins = 0

    async def start(self) -> None:
        """Nothing to load: the first hand-off logs in (a Salesforce outage must not stop the app starting)."""

    async def check_health(self) -> None:
        """Healthy while the replica runs; Salesforce being down is the outbox's business, not a restart's."""

    def _login(self) -> Salesforce:
        config = self.config
        assert config.instance_url is not None, "send() is only called with salesforce.instance_url set"
        data = {
            "grant_type": "client_credentials" if config.auth == "client_credentials" else "password",
            "client_id": config.client_id,
            "client_secret": config.client_secret,
        }
        if config.auth == "password":
            data |= {
                "username": config.username,
                "password": f"{config.password}{config.security_token or ''}",
            }
        session = self._session_factory()
        _request_defaults(session, config.request_timeout_s, config.ca_bundle)
        url = f"{config.instance_url.rstrip('/')}/services/oauth2/token"
        try:
            answer = session.post(url, data=data, timeout=config.request_timeout_s)
        except requests.RequestException as exc:
            raise SalesforceAuthError(f"token endpoint unreachable: {exc!r}") from exc
        if answer.status_code != 200:
            raise SalesforceAuthError(f"token endpoint answered {answer.status_code}: {answer.text[:300]}")
        token = answer.json()
        self.logins += 1
        return Salesforce(
            instance_url=token.get("instance_url") or config.instance_url,
            session_id=token["access_token"],
            version=config.api_version,
            session=session,
        )

    def _upsert(self, context: HandoffContext) -> dict[str, Any]:
        if self._client is None:
            self._client = self._login()
        field = self.config.external_id_field
        case = cast(SFType, self._client.Case)  # Salesforce.__getattr__ also types bulk handlers
        status = case.upsert(f"{field}/{context.conversation_id}", case_fields(context))
        record = case.get_by_custom_id(field, context.conversation_id)
        return {
            "ok": True,
            "created": status == 201,
            "id": record["Id"],
            "number": record["CaseNumber"],
            "status": case_state(record.get("Status"), record.get("IsClosed")),
            "url": f"{self.config.instance_url.rstrip('/') if self.config.instance_url else ''}"
            f"/lightning/r/Case/{record['Id']}/view",
        }

    def _send_blocking(self, context: HandoffContext) -> dict[str, Any]:
        try:
            try:
                return self._upsert(context)
            except SalesforceExpiredSession:
                # The access token expired (or was revoked): log in again, once, and repeat the upsert.
                self._client = None
                return self._upsert(context)
        except SalesforceAuthError as exc:
            return {"ok": False, "retryable": True, "error": f"login failed: {exc}"}
        except SalesforceError as exc:
            codes = _error_codes(exc.content)
            retryable = exc.status >= 500 or bool(codes & _RETRYABLE_CODES)
            return {"ok": False, "retryable": retryable, "error": f"{exc.status} {sorted(codes)}"}
        except requests.RequestException as exc:
            return {"ok": False, "retryable": True, "error": f"unreachable: {type(exc).__name__}"}

    async def send(self, handoff: dict[str, Any]) -> dict[str, Any]:
        """Upsert the Case of one hand-off (a `HandoffContext` as a dict); the outcome, never an exception.

        One call at a time per replica: they share the access token, and a re-login must not race another.
        """
        context = HandoffContext.model_validate(handoff)
        with self.metrics.timed("send"):
            async with self._lock:
                outcome = await asyncio.to_thread(self._send_blocking, context)
        label = ("created" if outcome["created"] else "updated") if outcome["ok"] else "retry"
        self.metrics.count("salesforce_cases", label)
        if not outcome["ok"]:
            logger.warning("hand-off not taken by Salesforce", extra={"error": outcome["error"]})
        return outcome
