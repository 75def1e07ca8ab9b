"""Every dependency of every route is async: FastAPI runs a plain `def` dependency in a worker thread, and anyio's
hand-off there walks every task of the event loop, so with thousands of WebSockets held each request and each
handshake would cost time in proportion to the sockets open (see serve/api/deps.py)."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_parameterless_sub_dependant
from fastapi.routing import APIWebSocketRoute

from serve.app import create_app
from serve.settings import Settings


def _calls(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _calls(dependency)


def _routes(routes: list[Any]) -> Iterator[tuple[str, Dependant, Any]]:
    """(path, dependant with the router-level dependencies, endpoint) of every API and WebSocket route, through
    FastAPI's included routers (their effective routes carry what `include_router(dependencies=...)` adds)."""
    for route in routes:
        if hasattr(route, "effective_candidates"):
            yield from _routes(route.effective_candidates())
            # WebSocket routes are not among an included router's effective candidates: take them as declared.
            context = route.include_context
            for socket in route.original_router.routes:
                if isinstance(socket, APIWebSocketRoute):
                    # The router-level dependencies are added before the route's own, as FastAPI runs them.
                    dependant = Dependant(
                        dependencies=[
                            get_parameterless_sub_dependant(depends=depends, path=socket.path)
                            for depends in context.dependencies
                        ]
                        + socket.dependant.dependencies,
                    )
                    yield context.prefix + socket.path, dependant, socket.endpoint
        elif isinstance(getattr(route, "dependant", None), Dependant):
            yield route.path, route.dependant, route.endpoint


def _is_async(call: Any) -> bool:
    """A coroutine or async generator function, or an object whose __call__ is one (fastapi.security's HTTPBearer)."""
    return (
        inspect.iscoroutinefunction(call)
        or inspect.isasyncgenfunction(call)
        or inspect.iscoroutinefunction(type(call).__call__)
    )


def _app_routes() -> list[tuple[str, Dependant, Any]]:
    app = create_app(Settings(env="test", database_url="sqlite+aiosqlite:///:memory:"))
    routes = list(_routes(list(app.routes)))
    assert "/api/v1/ws" in {path for path, _, _ in routes}  # the walk reaches the chat socket
    assert any(
        getattr(call, "__name__", "") == "rate_limit"
        for _, dependant, _ in routes
        for call in _calls(dependant)
    )
    return routes


def test_no_route_of_the_app_has_a_dependency_that_runs_in_a_thread() -> None:
    threaded = sorted(
        {
            f"{path}: {getattr(call, '__qualname__', repr(call))}"
            for path, dependant, _ in _app_routes()
            for call in _calls(dependant)
            if not _is_async(call)
        }
    )
    assert threaded == []


def test_the_route_handlers_themselves_are_async() -> None:
    assert [path for path, _, endpoint in _app_routes() if not inspect.iscoroutinefunction(endpoint)] == []
