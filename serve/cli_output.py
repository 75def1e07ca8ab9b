"""How every `csagent` command talks to the terminal: one flushed line at a time, so a pipe sees progress."""

from __future__ import annotations


def say(text: str) -> None:
    print(text, flush=True)
