"""Helpers of the ``darksocial fetch`` tests: recorded responses and fake transports."""

from __future__ import annotations

import json
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
FETCH = DATA / "fetch"


def recorded(*parts: str) -> str:
    """The text of a recorded response under ``tests/data/fetch``."""
    return FETCH.joinpath(*parts).read_text(encoding="utf-8")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


class RecordingHttp:
    """``HttpMockSequence`` that also keeps each request body (the query sent)."""

    def __init__(self, responses):
        from googleapiclient.http import HttpMockSequence

        self.mock = HttpMockSequence(responses)
        self.bodies: list[dict] = []

    def request(self, uri, method="GET", body=None, headers=None, **kwargs):
        if body:
            self.bodies.append(json.loads(body))
        return self.mock.request(uri, method=method, body=body, headers=headers, **kwargs)

    def close(self):
        pass


def search_console_service(responses):
    """A real ``searchconsole`` v1 service over recorded HTTP responses."""
    from googleapiclient.discovery import build

    http = RecordingHttp(responses)
    return build("searchconsole", "v1", http=http, static_discovery=True), http
