"""A small client for the SP4N-LAPOR! API, behind the settings LAPOR_API_URL and LAPOR_API_TOKEN.

The office receives credentials from the KemenPAN-RB/LAPOR! administrator; until then the exchange runs on
export files (portal.lapor.importer) and this client stays off. The shape assumed here (docs/lapor.md):
GET  {url}/reports?since=YYYY-MM-DD   → {"data": [{<export columns>…}, …]}
POST {url}/reports/{tracking id}/followups  JSON {"content", "status", "date"} → 2xx
Both with "Authorization: Bearer <token>". Tests run it against a local fake transport, never the network.
"""
from __future__ import annotations

import json
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date
from typing import Callable, Protocol

from flask import current_app

from . import exporter, importer

TIMEOUT_SECONDS = 20


class LaporError(RuntimeError):
    """The LAPOR! API answered something other than the documented shape."""


class LaporClient(Protocol):
    def reports(self, since: date) -> list[dict]: ...

    def post_follow_up(self, tracking_id: str, content: str, status: str, day: str) -> None: ...


@dataclass
class HttpLaporClient:
    url: str
    token: str
    # urllib.request.urlopen, or a local fake in tests: (Request, timeout) → response with .read() and .status
    opener: Callable = urllib.request.urlopen

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url.rstrip("/") + path, data=data, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Accept": "application/json",
            **({"Content-Type": "application/json"} if data else {})})
        with self.opener(request, timeout=TIMEOUT_SECONDS) as response:
            if not 200 <= getattr(response, "status", 200) < 300:
                raise LaporError(f"LAPOR! answered {response.status}")
            raw = response.read()
        try:
            return json.loads(raw) if raw else {}
        except ValueError:
            raise LaporError("LAPOR! answered something that is not JSON") from None

    def reports(self, since: date) -> list[dict]:
        answer = self._call("GET", "/reports?" + urllib.parse.urlencode({"since": since.isoformat()}))
        rows = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise LaporError("LAPOR! reports: expected {\"data\": [ … ]}")
        return rows

    def post_follow_up(self, tracking_id: str, content: str, status: str, day: str) -> None:
        self._call("POST", f"/reports/{urllib.parse.quote(tracking_id, safe='')}/followups",
                   {"content": content, "status": status, "date": day})


def configured() -> HttpLaporClient | None:
    """The client when the office has set LAPOR_API_URL and LAPOR_API_TOKEN; None otherwise."""
    url, token = current_app.config.get("LAPOR_API_URL"), current_app.config.get("LAPOR_API_TOKEN")
    return HttpLaporClient(url, token) if url and token else None


def pull(client: LaporClient, since: date, actor) -> importer.ImportResult:
    """New LAPOR! reports since `since`, imported like an export file (never twice)."""
    return importer.import_rows(client.reports(since), actor)


def push(client: LaporClient, since: date | None = None) -> int:
    """Post the follow-ups of LAPOR!-sourced cases; returns how many were sent."""
    rows = exporter.follow_ups(since)
    for tracking_id, _ticket, day, status, content in rows:
        client.post_follow_up(tracking_id, content, status, day)
    return len(rows)
