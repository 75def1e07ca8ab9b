"""The compact text table `python -m pipelines.eval` prints."""

from __future__ import annotations

from pipelines.eval.scoring import EvalReport, PrecisionRecall, Rate, Verdict

_SNIPPET = 120


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{value * 100:5.1f}%"


def _rate(rate: Rate) -> str:
    return f"{_pct(rate.rate)}  ({rate.correct}/{rate.total})"


def _pr(figures: PrecisionRecall) -> str:
    return (
        f"precision {_pct(figures.precision)} ({figures.true_positives}/{figures.predicted})  "
        f"recall {_pct(figures.recall)} ({figures.true_positives}/{figures.actual})"
    )


def _number(value: float | None, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:.1f}{unit}"


def _expected(verdict: Verdict) -> str:
    if verdict.kind != "answer":
        return verdict.kind
    missing = [name for name, ok in (("fact", verdict.fact_found), ("citation", verdict.cited)) if not ok]
    return "answer (missing " + " and ".join(missing) + ")"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:_SNIPPET]


def format_failures(report: EvalReport) -> str:
    lines = ["", f"failures ({len(report.failures())})"]
    for verdict in report.failures():
        got = ",".join(verdict.predicted) or "-"
        lines.append(f"- {verdict.id} [{verdict.language}] expected {_expected(verdict)}")
        lines.append(f"    asked: {_one_line(verdict.text)}")
        lines.append(
            f"    intent {verdict.intent_got or '-'}, predicted {got}; reply: {_one_line(verdict.reply)}"
        )
    return "\n".join(lines)


def format_report(report: EvalReport, *, failures: bool = False) -> str:
    """The figures as a short table; with `failures`, every item that missed, with its reply."""
    chain = ", ".join(report.engine_chain) or "configured"
    models = ", ".join(f"{name} {count}" for name, count in report.models.items())
    lines = [
        f"csagent evaluation: {report.items} items, engine chain [{chain}] (answered by: {models})",
        "",
        f"key fact with citation   {_rate(report.key_fact_with_citation)}",
        f"  English                {_rate(report.key_fact_english)}",
        f"  other languages        {_rate(report.key_fact_non_english)}",
    ]
    for language, rate in report.key_fact_by_language.items():
        lines.append(f"    {language:<20} {_rate(rate)}")
    lines += [
        f"  fact found (any cite)  {_rate(report.fact_only)}",
        f"  right article cited    {_rate(report.citation_only)}",
        "",
    ]
    for kind, figures in report.kinds.items():
        lines.append(f"{kind:<24} {_pr(figures)}")
    flesch = report.flesch_english
    lines += [
        f"{'small_talk':<24} {_rate(report.small_talk)}",
        f"intent accuracy          {_rate(report.intent)}",
        f"Flesch (English answers) p10 {_number(flesch.p10)}  p50 {_number(flesch.p50)}  "
        f"p90 {_number(flesch.p90)}  > 60: {_pct(report.flesch_english_plain_share)} of {flesch.count}",
        f"turn latency             p50 {_number(report.latency_ms['p50'], ' ms')}  "
        f"p99 {_number(report.latency_ms['p99'], ' ms')}  (in-process, one turn at a time)",
    ]
    text = "\n".join(lines)
    return text + "\n" + format_failures(report) if failures else text
