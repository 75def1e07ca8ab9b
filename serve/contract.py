"""`make contract`: the OpenAPI document and the JSON Schema of every WebSocket frame, without a server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from models.config import PROJECT_ROOT
from serve.frames import client_frame_adapter, server_event_adapter

CONTRACT_DIR = PROJECT_ROOT / "contract"


def openapi_document() -> dict[str, Any]:
    from serve.app import create_app
    from serve.settings import Settings

    # The document depends only on routes and models; no lifespan runs, so no graph is needed.
    document: dict[str, Any] = create_app(Settings()).openapi()
    return document


def frames_schema() -> dict[str, Any]:
    client = client_frame_adapter.json_schema(ref_template="#/$defs/{model}")
    server = server_event_adapter.json_schema(ref_template="#/$defs/{model}", mode="serialization")
    definitions = {**client.pop("$defs", {}), **server.pop("$defs", {})}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "csagent WebSocket frames",
        "description": "Frames of GET /api/v1/ws; see shared/contract.md.",
        "$defs": {**definitions, "ClientFrame": client, "ServerEvent": server},
        "oneOf": [{"$ref": "#/$defs/ClientFrame"}, {"$ref": "#/$defs/ServerEvent"}],
    }


def _render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_contract(*, check: bool = False, folder: Path = CONTRACT_DIR) -> list[str]:
    """Write (or, with check, only compare) the files; returns the ones that differ."""
    files = {"openapi.json": _render(openapi_document()), "ws-frames.schema.json": _render(frames_schema())}
    changed = []
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = folder / name
        if not path.exists() or path.read_text() != text:
            changed.append(str(path.relative_to(PROJECT_ROOT)))
            if not check:
                path.write_text(text)
    return changed
