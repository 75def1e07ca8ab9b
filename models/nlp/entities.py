"""Entities that matter in Salesforce support: record ids, error names, limit names, emails."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel

EntityKind = Literal["record_id", "error", "limit", "email"]

# Well-known key prefixes of standard objects; a 15/18-character id must start with one to count, which keeps
# ordinary words and hashes out.
_KEY_PREFIXES = {
    "001": "Account",
    "003": "Contact",
    "005": "User",
    "006": "Opportunity",
    "00Q": "Lead",
    "500": "Case",
    "00T": "Task",
    "00U": "Event",
    "701": "Campaign",
    "800": "Contract",
    "801": "Order",
    "01t": "Product2",
    "00e": "Profile",
    "0PS": "PermissionSet",
    "00G": "Group",
    "00D": "Organization",
    "01p": "ApexClass",
    "01q": "ApexTrigger",
    "707": "AsyncApexJob",
    "0Af": "DeployRequest",
    "a0": "Custom object",
}
_RECORD_ID = re.compile(r"\b([a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?)\b")
_ERROR = re.compile(
    r"\b(System\.[A-Z][A-Za-z]+Exception|[A-Z][A-Za-z]+Exception|[A-Z][A-Z]+(?:_[A-Z]+){1,6})\b"
)
_LIMITS = [
    (re.compile(r"too many soql queries(?::\s*\d+)?", re.I), "SOQL queries"),
    (re.compile(r"too many dml (?:statements|rows)(?::\s*\d+)?", re.I), "DML statements"),
    (re.compile(r"too many query rows(?::\s*\d+)?", re.I), "query rows"),
    (re.compile(r"apex cpu time limit(?: exceeded)?", re.I), "CPU time"),
    (re.compile(r"apex heap size too large|heap size", re.I), "heap size"),
    (re.compile(r"too many callouts(?::\s*\d+)?", re.I), "callouts"),
    (re.compile(r"too many future calls(?::\s*\d+)?", re.I), "future calls"),
    (re.compile(r"too many (?:queueable jobs|jobs) added to the queue(?::\s*\d+)?", re.I), "queueable jobs"),
    (re.compile(r"too many sosl queries(?::\s*\d+)?", re.I), "SOSL queries"),
    (re.compile(r"(?:total)?requests limit exceeded|request_limit_exceeded", re.I), "API requests"),
    (re.compile(r"maximum trigger depth exceeded", re.I), "trigger depth"),
]
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
# Upper-case words that match the error shape but are not errors.
_NOT_ERRORS = {"SOQL", "SOSL", "DML", "API", "CRUD", "FLS", "MFA", "SSO", "CSV", "REST", "SOAP", "OAUTH"}


class Entity(BaseModel):
    kind: EntityKind
    text: str
    label: str | None = None


def _looks_like_id(token: str) -> str | None:
    if not (any(ch.isdigit() for ch in token) and any(ch.isalpha() for ch in token)):
        return None
    for prefix, label in _KEY_PREFIXES.items():
        if token.startswith(prefix):
            return label
    return None


def extract_entities(text: str) -> list[Entity]:
    """All entities in order of kind, each text once."""
    found: list[Entity] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: EntityKind, value: str, label: str | None = None) -> None:
        if (kind, value) not in seen:
            seen.add((kind, value))
            found.append(Entity(kind=kind, text=value, label=label))

    for match in _ERROR.finditer(text):
        if match.group(1) not in _NOT_ERRORS:
            add("error", match.group(1))
    for pattern, label in _LIMITS:
        for match in pattern.finditer(text):
            add("limit", match.group(0), label)
    for match in _EMAIL.finditer(text):
        add("email", match.group(0))
    for match in _RECORD_ID.finditer(text):
        object_name = _looks_like_id(match.group(1))
        if object_name:
            add("record_id", match.group(1), object_name)
    return found
