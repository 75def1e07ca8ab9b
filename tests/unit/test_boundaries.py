"""Imports run one way: serve → deployments (builder only) → models; pipelines never import serve."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imports(folder: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / folder).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_models_import_nothing_of_ours_above_them() -> None:
    for path, names in _imports("models").items():
        assert not names & {"serve", "deployments", "pipelines"}, path


def test_deployments_never_import_serve_or_pipelines() -> None:
    for path, names in _imports("deployments").items():
        assert not names & {"serve", "pipelines"}, path


# `python -m pipelines.eval` composes the real graph the way the tests do (serve.builder.build_local_graph);
# that entry point is the one place in pipelines allowed to reach serve.
EVAL_ENTRY_POINT = "pipelines/eval/__main__.py"


def test_pipelines_never_import_serve_or_deployments() -> None:
    for path, names in _imports("pipelines").items():
        forbidden = {"deployments"} if path == EVAL_ENTRY_POINT else {"serve", "deployments"}
        assert not names & forbidden, path


def test_only_the_builder_imports_deployment_classes() -> None:
    for path, names in _imports("serve").items():
        if "deployments" in names:
            assert path == "serve/builder.py", path
