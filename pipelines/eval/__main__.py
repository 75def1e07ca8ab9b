"""`python -m pipelines.eval`: build the real deployments in-process, run the evaluation set, print the figures.

This module is the evaluation's composition root: the one place in `pipelines` that reaches `serve` (for
`Settings` and `build_local_graph`, the same in-process graph the tests use). Everything else in the package
works on any graph handle and is importable without the serving stack.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from models.config import LLMConfig
from pipelines.eval.dataset import DATA_DIR, DEV_DIR, EvalItem, EvalSetError, load_eval_set
from pipelines.eval.report import format_report
from pipelines.eval.runner import run_items
from pipelines.eval.scoring import EvalReport, summarise


class UsageError(ValueError):
    """A command-line choice that cannot run: an unknown engine, languages with no items."""


def _languages(value: str) -> list[str]:
    codes = [code.strip() for code in value.split(",") if code.strip()]
    if not codes:
        raise argparse.ArgumentTypeError("--languages takes ISO 639-1 codes separated by commas, e.g. en,es")
    return codes


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"--limit takes a whole number of items, at least 1 (got {value!r})")
    return number


def spread_sample(items: list[EvalItem], size: int) -> list[EvalItem]:
    """`size` items at even steps through the set (files are per language, so each keeps its share)."""
    if size >= len(items):
        return items
    step = len(items) / size
    return [items[int(position * step)] for position in range(size)]


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(
        prog="python -m pipelines.eval",
        description="Run the evaluation set (pipelines/eval/data) through the real graph, in this process.",
    )
    cli.add_argument(
        "--engine", help="run with llm.chain = [ENGINE] (config/models.yaml); default: configured"
    )
    cli.add_argument("--languages", type=_languages, help="only these languages, e.g. en,es")
    cli.add_argument("--limit", type=_positive, help="only the first N items (after --languages)")
    cli.add_argument(
        "--sample",
        type=_positive,
        help="N items spread evenly over the set (every language and kind in proportion): for slow engines",
    )
    cli.add_argument("--json", type=Path, help="write every figure and verdict to this file")
    cli.add_argument("--failures", action="store_true", help="list every item that missed, with its reply")
    cli.add_argument(
        "--dev",
        action="store_true",
        help="run the development set (pipelines/eval/dev) instead: tune on it, keep the evaluation set held out",
    )
    cli.add_argument("--data", type=Path, default=DATA_DIR, help=argparse.SUPPRESS)
    return cli


def _progress(done: int, total: int) -> None:
    if done % 50 == 0 or done == total:
        print(f"  {done}/{total} turns", file=sys.stderr, flush=True)


async def _evaluate(args: argparse.Namespace) -> EvalReport:
    from serve.builder import build_local_graph
    from serve.settings import get_settings

    items = load_eval_set(DEV_DIR if args.dev else args.data, languages=args.languages)
    if args.limit:
        items = items[: args.limit]
    if args.sample:
        items = spread_sample(items, args.sample)
    if not items:
        raise UsageError(f"no evaluation items for languages {args.languages}")
    settings = get_settings()
    if args.engine:
        try:
            llm = LLMConfig.model_validate({**settings.llm.model_dump(), "chain": [args.engine]})
        except ValidationError as exc:
            raise EvalSetError(
                f"--engine {args.engine}: " + "; ".join(e["msg"] for e in exc.errors())
            ) from exc
        settings = settings.model_copy(update={"llm": llm})
    print(f"building the graph (engine chain {settings.llm.chain})…", file=sys.stderr, flush=True)
    graph = await build_local_graph(settings)
    outcomes = await run_items(graph, items, progress=_progress)
    return summarise(outcomes, engine_chain=settings.llm.chain)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        report = asyncio.run(_evaluate(args))
    except (UsageError, EvalSetError, ValidationError, FileNotFoundError) as exc:
        print(f"evaluation failed: {exc}", file=sys.stderr)
        return 2
    print(format_report(report, failures=args.failures))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(report.model_dump_json(indent=2), encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
