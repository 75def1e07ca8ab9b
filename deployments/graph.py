"""The conversation graph: understand → retrieve → generate → guard → decide, for one turn, streamed.

It is stateless: the ingress sends the recent history (with each earlier reply's meta; `graph.history_messages` of
it, the one history window) and stores what comes back. Events it yields (plain dicts):

    {"type": "delta", "text": "..."}                      pieces of the reply, in order
    {"type": "reset", "reason": "..."}                    drop every delta so far (another engine answers afresh)
    {"type": "final", "content": "...", "meta": {...}, "failed": bool}   exactly once, last
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any

from deployments.telemetry import DeploymentMetrics
from models.config import GraphConfig
from models.engines.base import GenerationRequest
from models.judgement import Judgement, judge
from models.nlp.intent import OUT_OF_SCOPE
from models.replies import (
    COMPLAINT,
    GREETING,
    HANDOFF,
    LEGAL,
    NEEDS_PERSON,
    REFUSE_INSTRUCTIONS,
    REFUSE_OTHER_ACCOUNT,
    TALK_TO_PERSON,
    THANKS,
    TONE,
    language_notice,
)
from models.retrieval import Passage, evidence_of, tokens
from models.turn import (
    Citation,
    EmotionMeta,
    IntentMeta,
    ModelMeta,
    ReplyMeta,
    SentimentMeta,
    Timings,
    TurnRequest,
)

# Intents answered with fixed wording instead of the knowledge base.
_SMALL_TALK = {"greeting": GREETING, "thanks_goodbye": THANKS}
_REFUSALS = {"other_account": REFUSE_OTHER_ACCOUNT, "instructions": REFUSE_INSTRUCTIONS}
_PERSON_INTENTS = {
    "talk_to_human": HANDOFF,
    "billing": NEEDS_PERSON,
    "account_deletion_privacy": NEEDS_PERSON,
}
_SHORT_FOLLOW_UP = 4
# Language detection at or above this probability wins over the conversation's language (the UI's choice).
_SURE_LANGUAGE = 0.5
_SNIPPET = 220


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)


def _reply_language(detected: dict[str, Any], conversation_language: str) -> str:
    """The message's own language when the detector is sure of it; else the language the customer chose in the
    UI (the conversation's), so "ok" or "gracias" in a Spanish chat is answered as Spanish."""
    if detected["confidence"] >= _SURE_LANGUAGE:
        return str(detected["code"])
    return conversation_language.split("-")[0].lower() or str(detected["code"])


def _retrieval_query(request: TurnRequest) -> str:
    """A short follow-up ("how do I fix it?") is searched together with the previous user message."""
    if len(tokens(request.text)) > _SHORT_FOLLOW_UP:
        return request.text
    previous = [item.content for item in request.history if item.role == "user"]
    return f"{previous[-1]} {request.text}" if previous else request.text


def _within_window(request: TurnRequest, window: int) -> TurnRequest:
    """The turn with only its last `window` earlier messages (`graph.history_messages`, the one history window).
    The chat ingress already reads exactly that many; a stateless caller may send more."""
    if len(request.history) <= window:
        return request
    return request.model_copy(update={"history": request.history[len(request.history) - window :]})


def _citations(passages: list[Passage], cited: list[str]) -> list[Citation]:
    by_article: dict[str, Passage] = {}
    for passage in passages:
        by_article.setdefault(passage.article_id, passage)
    citations = []
    for article_id in cited:
        passage = by_article[article_id]
        best = max((u for u in passage.units if u.kind == "prose"), key=lambda u: u.score, default=None)
        snippet = (best.text if best else passage.text)[:_SNIPPET]
        citations.append(Citation(id=article_id, title=passage.title, url=passage.url, snippet=snippet))
    return citations


class ConversationGraph:
    def __init__(self, nlp: Any, retrieval: Any, llm: Any, config: dict[str, Any] | None = None) -> None:
        self._nlp = nlp
        self._retrieval = retrieval
        self._llm = llm
        self.config = GraphConfig.model_validate(config or {})
        self._metrics = DeploymentMetrics(
            {
                "graph_routes": "Turns by route (answer, small_talk, handoff, complaint).",
                "graph_escalation_suggestions": "Turns that suggested a hand-off, by reason.",
            },
        )

    async def start(self) -> None:
        """Nothing to load: the graph only composes the other deployments."""

    async def check_health(self) -> None:
        """Healthy while constructed; the deployments it calls report their own health."""

    async def ready(self) -> dict[str, str]:
        """Health of every deployment the graph uses, for the ingress's /api/ready."""
        checks = {"graph": "ok"}
        for name, handle in (("nlp", self._nlp), ("retrieval", self._retrieval), ("llm", self._llm)):
            try:
                await handle.check_health.remote()
                checks[name] = "ok"
            except Exception as exc:
                checks[name] = f"failed: {type(exc).__name__}"
        return checks

    def _escalation(
        self, request: TurnRequest, low_confidence: bool, negative: bool, intent: str, judged: Judgement
    ) -> list[str]:
        """Why this turn suggests a person: asked for one, anger, a legal threat, an outage, data loss, a refusal,
        or N low-confidence / negative turns in a row."""
        earlier = [item.meta for item in request.history if item.role == "assistant" and item.meta]

        def streak(now: bool, turns: int, held: Callable[[dict[str, Any]], bool]) -> bool:
            before = turns - 1  # this turn is the last of the streak
            return now and len(earlier) >= before and all(held(m) for m in earlier[len(earlier) - before :])

        reasons: list[str] = list(judged.handoff)
        if intent == "talk_to_human" and "explicit_request" not in reasons:
            reasons.append("explicit_request")
        if judged.refusal:
            reasons.append(f"refused_{judged.refusal}")
        if streak(low_confidence, self.config.low_confidence_turns, lambda m: bool(m.get("low_confidence"))):
            reasons.append("low_confidence")
        if streak(
            negative, self.config.negative_turns, lambda m: m.get("sentiment", {}).get("label") == "negative"
        ):
            reasons.append("negative_sentiment")
        return reasons

    def _in_scope(self, intent: dict[str, Any], *, judged_alone: bool, evidence: list[Passage]) -> bool:
        """Whether the knowledge base may answer: always for an in-scope intent; for one the classifier put out of
        scope, only when a passage scores `out_of_scope_evidence` (it overrules the out-of-scope class) or, when
        the classifier was merely unsure (its best intent under the threshold), when there is any evidence.

        An out-of-scope verdict on the message alone says little about a short follow-up ("how do I fix it?"),
        which is searched together with the previous question.
        """
        if intent["name"] != OUT_OF_SCOPE or not judged_alone:
            return True
        if intent.get("below_threshold"):
            return bool(evidence)
        return any(p.score >= self.config.out_of_scope_evidence for p in evidence)

    async def run_turn(
        self, turn: dict[str, Any], models: dict[str, dict[str, str | None]] | None = None
    ) -> AsyncGenerator[dict[str, Any], None]:
        """Stream one turn's reply; see the module docstring for the events. `models` names the engine version
        per chain link the ingress routed this conversation to (a canary or the live one); passed on to llm."""
        request = _within_window(TurnRequest.model_validate(turn), self.config.history_messages)
        started = time.perf_counter()
        timings = Timings()

        # understand
        mark = time.perf_counter()
        understood = await self._nlp.analyze.remote(request.text)
        timings.nlp_ms = _ms(mark)
        intent = understood["intent"]
        sentiment = understood["sentiment"]
        emotion = understood["emotion"]
        language = _reply_language(understood["language"], request.conversation_language)

        notice = language_notice(language)
        tone = TONE.get(emotion["label"])

        def opening(with_tone: bool, with_notice: bool = True) -> str:
            """The language notice (for replies quoting the English articles) and, where the reply is going to help,
            the acknowledgement of the mood."""
            lines = [line for line in (notice if with_notice else None, tone if with_tone else None) if line]
            return " ".join(lines) + "\n\n" if lines else ""

        route = "answer"
        passages: list[Passage] = []
        index_version: str | None = None
        body = ""
        cited: list[str] = []
        model = ModelMeta(name="graph", version="1")
        fallback_from: list[str] = []
        guard_report: dict[str, Any] | None = None
        usage: dict[str, int] = {}
        failed = False
        ttft_ms: float | None = None
        streamed: list[str] = []

        def delta(text: str) -> dict[str, Any]:
            nonlocal ttft_ms
            if not streamed:
                ttft_ms = _ms(started)
            streamed.append(text)
            return {"type": "delta", "text": text}

        judged = judge(request.text)
        if emotion["label"] == "anger" and "anger" not in judged.handoff:
            judged.handoff.append("anger")
        if judged.refusal:
            route, body = "refuse", _REFUSALS[judged.refusal]
        elif "legal_threat" in judged.handoff:
            route, body = "handoff", LEGAL
        elif "explicit_request" in judged.handoff:
            route, body = "handoff", HANDOFF
        elif intent["name"] in _SMALL_TALK:
            route, body = "small_talk", _SMALL_TALK[intent["name"]]
        elif intent["name"] in _PERSON_INTENTS:
            route, body = "handoff", _PERSON_INTENTS[intent["name"]]
        elif intent["name"] == "complaint":
            route, body = "complaint", COMPLAINT  # the complaint reply apologises itself

        if route == "answer":
            mark = time.perf_counter()
            query = _retrieval_query(request)
            # Searched in the reply's language: the message's own when the detector is sure of it, else the one the
            # customer picked in the UI (so a short or ambiguous message is ranked in that language's terms).
            if query == request.text and understood.get("embedding"):
                # The message was embedded once, by nlp: retrieval searches with that vector.
                found = await self._retrieval.search.remote(
                    query,
                    vector=understood["embedding"],
                    embedder=understood.get("embedder"),
                    language=language,
                )
            else:
                found = await self._retrieval.search.remote(query, language=language)
            timings.retrieval_ms = _ms(mark)
            index_version = found["index_version"]
            min_score = float(found["min_score"])
            passages = [Passage.model_validate(p) for p in found["passages"]]
            evidence = evidence_of(passages, min_score)
            if not self._in_scope(intent, judged_alone=query == request.text, evidence=evidence):
                evidence = []
            generation = GenerationRequest(
                question=request.text,
                language=language,
                intent=intent["name"],
                intent_confidence=intent["confidence"],
                emotion=emotion["label"],
                passages=evidence,
                history=[{"role": h.role, "content": h.content} for h in request.history],
                min_evidence_score=min_score,
            )
            mark = time.perf_counter()
            start = ""
            async for event in self._generate(generation, models):
                kind = event["type"]
                if kind == "engine":
                    # Each engine's answer (the first, or the next after a reset) opens with its own opening:
                    # "here is what should fix it" only when there is an answer to give, the language notice only
                    # when the engine quotes the English articles (a language model writes in the user's language).
                    model = ModelMeta(name=event["name"], version=event["version"])
                    fallback_from = event["fallback_from"]
                    start = opening(with_tone=bool(evidence), with_notice=event.get("quotes_articles", True))
                    if start:
                        yield delta(start)
                elif kind == "text":
                    body += event["text"]
                    yield delta(event["text"])
                elif kind == "reset":
                    # An engine broke after its first token: the client drops this reply's text (the opening
                    # too), and the next engine's answer follows the opening again.
                    body = ""
                    streamed.clear()
                    yield {"type": "reset", "reason": event["reason"]}
                elif kind == "done":
                    cited = event["cited_articles"]
                    usage = {"prompt": event["prompt_tokens"], "completion": event["completion_tokens"]}
                elif kind == "guard":
                    guard_report = event["report"]
                elif kind == "error":
                    failed = not body
                    if not body:
                        body = "Sorry, I could not write an answer just now. Please try again, or choose **Talk to a person**."
                        yield delta(body)
            timings.generation_ms = _ms(mark)
        else:
            mark = time.perf_counter()
            yield delta(opening(with_tone=route == "handoff" and body != LEGAL) + body)
            timings.generation_ms = _ms(mark)

        low_confidence = intent["name"] == OUT_OF_SCOPE or (route == "answer" and not cited)
        reasons = self._escalation(
            request, low_confidence, sentiment["label"] == "negative", intent["name"], judged
        )
        escalation_suggested = bool(reasons) or route == "handoff"
        quick_replies = list(understood.get("quick_replies") or [])
        if escalation_suggested or (route == "answer" and not cited):
            quick_replies = [q for q in quick_replies if q != TALK_TO_PERSON][:2] + [TALK_TO_PERSON]
        top_score = max((p.score for p in passages if p.article_id in cited), default=0.0)
        if route == "answer":
            confidence = 0.4 * intent["confidence"] + 0.6 * min(1.0, top_score / 0.7) if cited else 0.0
        else:
            confidence = intent["confidence"]
        content = "".join(streamed)
        meta = ReplyMeta(
            intent=IntentMeta(name=intent["name"], confidence=intent["confidence"]),
            sentiment=SentimentMeta(label=sentiment["label"], score=sentiment["score"]),
            emotion=EmotionMeta(label=emotion["label"], score=emotion["score"]),
            language=language,
            confidence=round(confidence, 4),
            citations=_citations(passages, cited),
            model=model,
            latency_ms=_ms(started),
            ttft_ms=ttft_ms,
            escalation_suggested=escalation_suggested,
            quick_replies=quick_replies,
            low_confidence=low_confidence,
            route=route,
            entities=understood["entities"],
            timings=timings,
            index_version=index_version,
            fallback_from=fallback_from,
            guard=guard_report,
            tokens=usage,
            escalation_reasons=reasons,
        )
        self._metrics.count("graph_routes", route)
        for reason in reasons:
            self._metrics.count("graph_escalation_suggestions", reason)
        yield {"type": "final", "content": content.strip(), "meta": meta.model_dump(), "failed": failed}

    async def _generate(
        self, request: GenerationRequest, models: dict[str, dict[str, str | None]] | None
    ) -> AsyncIterator[dict[str, Any]]:
        """The llm chain's stream, passed on as it comes (the chain guards drafts and takes back failed ones)."""
        routed = {"models": models} if models else {}
        async for event in self._llm.options(stream=True).generate.remote(request.model_dump(), **routed):
            yield event
