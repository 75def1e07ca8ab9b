"""Run deployment classes in-process behind the DeploymentHandle call style (tests, benchmarks, `csagent chat --local`).

`handle.method.remote(*args)` returns an awaitable; with `.options(stream=True)` it returns an async iterator,
exactly how the conversation graph calls real Serve handles.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from typing import Any


class _Call:
    def __init__(self, target: Any, method: str, stream: bool) -> None:
        self._target = target
        self._method = method
        self._stream = stream

    def remote(self, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self._target, self._method)(*args, **kwargs)
        if self._stream and not inspect.isasyncgen(result):
            raise TypeError(f"{self._method} is not a streaming method")
        return result


class LocalHandle:
    """A stand-in for `DeploymentHandle` over a local object; the object must already be started."""

    def __init__(self, target: Any, stream: bool = False) -> None:
        self._target = target
        self._stream = stream

    def options(self, *, stream: bool = False, **_ignored: Any) -> LocalHandle:
        return LocalHandle(self._target, stream=stream)

    def __getattr__(self, name: str) -> _Call:
        if name.startswith("_"):
            raise AttributeError(name)
        return _Call(self._target, name, self._stream)


async def collect(stream: AsyncIterator[Any]) -> list[Any]:
    return [item async for item in stream]
