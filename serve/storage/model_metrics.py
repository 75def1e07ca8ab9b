"""Live figures per model version, read from the stored replies: turns, failed turns, fallbacks, time to first
token (p50, p99) and thumbs up/down, over the replies written since a given time.

The admin models table shows them on every page load, so they come from the database the app already has (SQLite
or PostgreSQL; Prometheus is optional and absent on embedded defaults) in one grouped statement over the window's
assistant replies, which the index `ix_messages_role_created` finds without scanning older history. The answer has
one row per version, whatever the traffic.

The version is the reply's `meta.model` `{name, version}` (every settled reply names one; a turn that failed before
any engine answered names the version it was routed to). Figures follow the Prometheus series of serve/metrics.py:
a failed turn is a `failed` reply other than `interrupted` (a turn whose runner died before it ran), a fallback is
a reply with a non-empty `meta.fallback_from`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from serve.storage.tables import Feedback, Message

VersionKey = tuple[str, str]


@dataclass(frozen=True)
class LiveFigures:
    """One version's replies in the window. Percentiles are nearest-rank, None with no timed reply."""

    turns: int = 0
    failed: int = 0
    fallbacks: int = 0
    ttft_p50_ms: float | None = None
    ttft_p99_ms: float | None = None
    thumbs_up: int = 0
    thumbs_down: int = 0


_NAME = Message.meta[("model", "name")].as_string()
_VERSION = Message.meta[("model", "version")].as_string()


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


async def live_figures(*, session: AsyncSession, since: datetime) -> dict[VersionKey, LiveFigures]:
    """Figures by (engine name, version) of the replies written since `since`; versions with none are absent.

    One statement: `replies` reads each reply's fields out of its `meta` once (PostgreSQL materialises a CTE used
    twice, so the JSON text is parsed once per field), `ranked` numbers the timed replies of each version by time
    to first token, and the outer query adds each version's rows up, picking the p50 and p99 by rank and joining
    each reply's ratings counted per reply (so a reply rated by several people still counts as one turn)."""
    failed = and_(
        Message.status == "failed", Message.meta["error"].as_string().is_distinct_from("interrupted")
    )
    # `fallback_from[0]` exists exactly when the list is not empty (NULL for [] or a missing key on both databases).
    fell_back = Message.meta[("fallback_from", 0)].as_string().is_not(None)
    replies = (
        select(
            Message.id,
            _NAME.label("name"),
            _VERSION.label("version"),
            _flag(failed).label("failed"),
            _flag(fell_back).label("fell_back"),
            Message.meta["ttft_ms"].as_float().label("ttft"),
        )
        .where(Message.role == "assistant", Message.created_at >= since, Message.status != "streaming")
        .cte("replies")
    )
    version = (replies.c.name, replies.c.version)
    ranked = select(
        replies,
        # NULLS LAST on both databases (SQLite puts NULLs first by default): untimed replies rank after the n timed.
        func.row_number()
        .over(partition_by=version, order_by=replies.c.ttft.asc().nulls_last())
        .label("rank"),
        func.count(replies.c.ttft).over(partition_by=version).label("n"),
    ).subquery("ranked")
    ratings = (
        select(
            Feedback.message_id,
            func.sum(_flag(Feedback.rating == "up")).label("up"),
            func.sum(_flag(Feedback.rating == "down")).label("down"),
        )
        .where(Feedback.message_id.in_(select(replies.c.id)))
        .group_by(Feedback.message_id)
        .subquery("ratings")
    )
    # The nearest rank of percentile p is ceil(p * n / 100): integer arithmetic, as SQLite has no ceil().
    p50_rank = (ranked.c.n * 50 + 99) // 100
    p99_rank = (ranked.c.n * 99 + 99) // 100
    rows = await session.execute(
        select(
            ranked.c.name,
            ranked.c.version,
            func.count(),
            func.sum(ranked.c.failed),
            func.sum(ranked.c.fell_back),
            func.max(case((ranked.c.rank == p50_rank, ranked.c.ttft))),
            func.max(case((ranked.c.rank == p99_rank, ranked.c.ttft))),
            func.coalesce(func.sum(ratings.c.up), 0),
            func.coalesce(func.sum(ratings.c.down), 0),
        )
        .select_from(ranked.outerjoin(ratings, ratings.c.message_id == ranked.c.id))
        .where(ranked.c.name.is_not(None), ranked.c.version.is_not(None))
        .group_by(ranked.c.name, ranked.c.version)
    )
    return {
        (name, version): LiveFigures(
            turns=turns,
            failed=failed_n,
            fallbacks=fallbacks,
            ttft_p50_ms=p50,
            ttft_p99_ms=p99,
            thumbs_up=up,
            thumbs_down=down,
        )
        for name, version, turns, failed_n, fallbacks, p50, p99, up, down in rows.all()
    }
