"""Live figures per model version, read from the stored replies: turns, failed turns, fallbacks, time to first
token (p50, p99) and thumbs up/down, over the replies written since a given time.

The admin models table shows them on every page load, so they come from the database the app already has (SQLite
or PostgreSQL; Prometheus is optional and absent on embedded defaults) in three small grouped queries over the
window's assistant replies, which the index `ix_messages_role_created` finds without scanning older history. Each
answer has one row per version (two for the percentiles), whatever the traffic.

The version is the reply's `meta.model` `{name, version}` (every settled reply names one; a turn that failed before
any engine answered names the version it was routed to). Figures follow the Prometheus series of serve/metrics.py:
a failed turn is a `failed` reply other than `interrupted` (a turn whose runner died before it ran), a fallback is
a reply with a non-empty `meta.fallback_from`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, or_, select
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
_TTFT = Message.meta["ttft_ms"].as_float()


def _window(since: datetime) -> ColumnElement[bool]:
    """Settled assistant replies written since `since` that name their version."""
    return and_(
        Message.role == "assistant",
        Message.created_at >= since,
        Message.status != "streaming",
        _NAME.is_not(None),
        _VERSION.is_not(None),
    )


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


async def live_figures(*, session: AsyncSession, since: datetime) -> dict[VersionKey, LiveFigures]:
    """Figures by (engine name, version) of the replies written since `since`; versions with none are absent."""
    failed = and_(
        Message.status == "failed", Message.meta["error"].as_string().is_distinct_from("interrupted")
    )
    # `fallback_from[0]` exists exactly when the list is not empty (NULL for [] or a missing key on both databases).
    fell_back = Message.meta[("fallback_from", 0)].as_string().is_not(None)
    counts = await session.execute(
        select(_NAME, _VERSION, func.count(), _count(failed), _count(fell_back))
        .where(_window(since))
        .group_by(_NAME, _VERSION)
    )
    figures = {
        (name, version): {"turns": turns, "failed": failed_n, "fallbacks": fallbacks}
        for name, version, turns, failed_n, fallbacks in counts.all()
    }

    ratings = await session.execute(
        select(_NAME, _VERSION, Feedback.rating, func.count())
        .join(Feedback, Feedback.message_id == Message.id)
        .where(_window(since), Feedback.rating.in_(("up", "down")))
        .group_by(_NAME, _VERSION, Feedback.rating)
    )
    for name, version, rating, n in ratings.all():
        figures.setdefault((name, version), {})[f"thumbs_{rating}"] = n

    for name, version, p50, p99 in await _ttft_percentiles(session, since):
        figures.setdefault((name, version), {}).update(ttft_p50_ms=p50, ttft_p99_ms=p99)
    return {key: LiveFigures(**values) for key, values in figures.items()}


async def _ttft_percentiles(
    session: AsyncSession, since: datetime
) -> list[tuple[str, str, float | None, float | None]]:
    """Nearest-rank p50 and p99 of `meta.ttft_ms` per version, ranked inside the database (window functions run
    on SQLite and PostgreSQL alike), so only two values per version come back."""
    ranked = (
        select(
            _NAME.label("name"),
            _VERSION.label("version"),
            _TTFT.label("ttft"),
            func.row_number().over(partition_by=(_NAME, _VERSION), order_by=_TTFT).label("rank"),
            func.count().over(partition_by=(_NAME, _VERSION)).label("n"),
        )
        .where(_window(since), _TTFT.is_not(None))
        .subquery()
    )
    # The nearest rank of percentile p is ceil(p * n / 100): integer arithmetic, as SQLite has no ceil().
    p50_rank = (ranked.c.n * 50 + 99) // 100
    p99_rank = (ranked.c.n * 99 + 99) // 100
    rows = await session.execute(
        select(
            ranked.c.name,
            ranked.c.version,
            func.max(case((ranked.c.rank == p50_rank, ranked.c.ttft))),
            func.max(case((ranked.c.rank == p99_rank, ranked.c.ttft))),
        )
        .where(or_(ranked.c.rank == p50_rank, ranked.c.rank == p99_rank))
        .group_by(ranked.c.name, ranked.c.version)
    )
    return [(name, version, p50, p99) for name, version, p50, p99 in rows.all()]
