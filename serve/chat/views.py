"""Rows → contract resources."""

from __future__ import annotations

from models.salesforce import case_state
from serve import schemas
from serve.storage import tables


def message_view(row: tables.Message) -> schemas.Message:
    return schemas.Message(
        id=row.id,
        conversation_id=row.conversation_id,
        seq=row.seq,
        role=row.role,
        content=row.content,
        status=row.status,
        created_at=row.created_at,
        client_message_id=row.client_message_id,
        meta=row.meta or {},
    )


def conversation_view(row: tables.Conversation, case: tables.Case | None) -> schemas.Conversation:
    return schemas.Conversation(
        id=row.id,
        status=row.status,
        channel=row.channel,
        language=row.language,
        title=row.title,
        created_at=row.created_at,
        last_activity_at=row.last_activity_at,
        case=case_view(case) if case else None,
    )


def case_view(row: tables.Case) -> schemas.Case:
    # Stored: `queued`, the contract's state once Salesforce has the Case, or a local case's `new` (`New` before
    # the Salesforce hand-off existed).
    status = "queued" if row.status == "queued" else case_state(row.status, None)
    return schemas.Case(id=row.id, number=row.number, url=row.url, status=status)


def user_view(row: tables.User) -> schemas.User:
    return schemas.User(
        id=row.id,
        email=row.email,
        display_name=row.display_name,
        role=row.role,
        organization_id=row.organization_id,
        language=row.language,
    )
