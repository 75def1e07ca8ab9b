"""What a hand-off tells the agent: gathered from the conversation when the hand-off is sent, not when it is queued,
so a Case sent after an outage carries the messages written meanwhile."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from models.salesforce import HandoffContext
from serve.storage import conversations as conversation_store
from serve.storage import messages as message_store
from serve.storage import users as user_store


async def handoff_context(
    *, session: AsyncSession, conversation_id: uuid.UUID, transcript_messages: int
) -> HandoffContext:
    """The Case's content for one escalated conversation: the last `transcript_messages` messages, the latest
    reply's intent, sentiment and language, every article cited in that window, and the customer's contact."""
    conversation = await conversation_store.get_conversation_unscoped(
        session=session, conversation_id=conversation_id
    )
    assert conversation is not None, "a hand-off row is deleted with its conversation"
    case = await conversation_store.get_case(session=session, conversation_id=conversation_id)
    customer = await user_store.get_user(session=session, user_id=conversation.user_id)
    messages = await message_store.recent_messages(
        session=session,
        conversation_id=conversation_id,
        before_seq=conversation.last_seq + 1,
        limit=transcript_messages,
    )
    replies = [m.meta for m in messages if m.role == "assistant" and m.meta and "intent" in m.meta]
    latest = replies[-1] if replies else {}
    articles: list[str] = []
    for meta in replies:
        for citation in meta.get("citations") or []:
            label = (
                f"{citation.get('title')} ({citation['url']})"
                if citation.get("url")
                else citation.get("title")
            )
            if label and label not in articles:
                articles.append(str(label))
    return HandoffContext(
        conversation_id=str(conversation_id),
        subject=f"Chat escalation: {conversation.title}",
        reason=case.reason if case else None,
        transcript=[(m.role, m.content) for m in messages if m.content],
        intent=(latest.get("intent") or {}).get("name"),
        sentiment=(latest.get("sentiment") or {}).get("label"),
        language=latest.get("language") or conversation.language,
        articles=articles,
        contact_name=customer.display_name if customer else None,
        contact_email=customer.email if customer else None,
    )
