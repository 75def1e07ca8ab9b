"""`csagent prepare|ingest|train-intents|evaluate-intents`: what a start builds from the project's own files.

The knowledge index, the intent classifier and the database schema; each step is idempotent, so `prepare` (run by
`csagent up` and `make setup`) costs little when nothing changed.
"""

from __future__ import annotations

import argparse
import asyncio

from models.config import resolve_path
from serve.cli_output import say


def cmd_ingest(args: argparse.Namespace) -> int:
    from pipelines.knowledge.ingest import ingest
    from serve.settings import get_settings

    settings = get_settings()
    manifest = ingest(
        index_root=resolve_path(settings.retrieval.index_dir), config=settings.retrieval, force=args.force
    )
    say(
        f"knowledge index {manifest.version}: {manifest.articles} articles, {manifest.chunks} chunks, {manifest.units} units"
    )
    return 0


def cmd_train_intents(args: argparse.Namespace) -> int:
    from pipelines.intents.train import is_current, train
    from serve.settings import get_settings

    settings = get_settings()
    folder = resolve_path(settings.nlp.intent_model_dir)
    if is_current(folder, config=settings.nlp) and not args.force:
        say(f"intent classifier in {folder} is current")
        return 0
    classifier = train(folder, config=settings.nlp, threshold=settings.nlp.intent_threshold)
    say(f"intent classifier trained: {len(classifier.labels)} classes -> {folder}")
    return 0


def cmd_evaluate_intents(_args: argparse.Namespace) -> int:
    from models.nlp.intent import IntentClassifier
    from pipelines.intents.evaluate import evaluate
    from serve.settings import get_settings

    settings = get_settings()
    classifier = IntentClassifier.load(
        resolve_path(settings.nlp.intent_model_dir), settings.nlp.intent_threshold
    )
    result = evaluate(classifier, config=settings.nlp)
    say(
        f"held-out examples {result.examples}: in-scope accuracy {result.in_scope_accuracy:.3f}, "
        f"overall accuracy {result.overall_accuracy:.3f}, out-of-scope recall {result.out_of_scope_recall:.3f}, "
        f"out-of-scope precision {result.out_of_scope_precision:.3f}"
    )
    return 0


def cmd_prepare(_args: argparse.Namespace) -> int:
    """Everything a start needs that is built from the project's own files: index, classifier, schema."""
    from serve.settings import get_settings
    from serve.storage.db import migrate

    cmd_ingest(argparse.Namespace(force=False))
    cmd_train_intents(argparse.Namespace(force=False))
    asyncio.run(migrate(get_settings().resolved_database_url))
    say("database schema is current")
    return 0


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    commands.add_parser("prepare", help="build the index and classifier, migrate the database").set_defaults(
        func=cmd_prepare
    )
    ingest = commands.add_parser("ingest", help="rebuild the knowledge index (versioned)")
    ingest.add_argument("--force", action="store_true")
    ingest.set_defaults(func=cmd_ingest)
    train = commands.add_parser("train-intents", help="train the intent classifier")
    train.add_argument("--force", action="store_true")
    train.set_defaults(func=cmd_train_intents)
    commands.add_parser("evaluate-intents", help="held-out accuracy and out-of-scope recall").set_defaults(
        func=cmd_evaluate_intents
    )
