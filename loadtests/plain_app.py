"""csagent's own FastAPI app (`create_app`, with auth, validation, middleware and metrics) under plain uvicorn,
its deployments in this process: the middle point of `make bench-rest`. bare app -> this app isolates the cost of
our own layers; this app -> the app behind Ray Serve isolates the cost of Serve's proxy and replica hop.

    python -m loadtests.plain_app --port 9002      (CSAGENT_* settings as for `csagent up`)
"""

from __future__ import annotations

import argparse
import asyncio

import uvicorn

from serve.app import create_app
from serve.builder import build_local_graph
from serve.settings import get_settings


async def serve_plain(port: int) -> None:
    settings = get_settings()
    graph = await build_local_graph(settings)
    config = uvicorn.Config(create_app(settings, graph), host="127.0.0.1", port=port, log_level="warning")
    await uvicorn.Server(config).serve()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(serve_plain(parser.parse_args().port))
