"""Valid request bodies for the emulator's seed data, and assertions shared by its contract tests."""

from __future__ import annotations

import copy
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from flashduty_pulumi.emulator import seed
from flashduty_pulumi.emulator.jsonbody import parse
from flashduty_pulumi.emulator.spec import default_validator

PAYMENTS = seed.CHANNEL_PAYMENTS_ID
CHECKOUT = seed.CHANNEL_CHECKOUT_ID
SHARED = seed.SHARED_INTEGRATION_ID


def escalation(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel_id": PAYMENTS,
        "rule_name": "Primary on-call",
        "template_id": seed.PRESET_TEMPLATE_ID,
        "layers": [{"target": {"person_ids": [seed.ALICE_ID], "by": {"follow_preference": True}}}],
    }
    body.update(copy.deepcopy(changes))
    return body


def silence(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel_id": PAYMENTS,
        "rule_name": "Maintenance",
        "time_filter": {"start_time": 1_900_000_000, "end_time": 1_900_003_600},
        "filters": [[{"key": "severity", "oper": "IN", "vals": ["Info"]}]],
    }
    body.update(copy.deepcopy(changes))
    return body


def case(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "if": [{"key": "severity", "oper": "IN", "vals": ["Critical"]}],
        "channel_ids": [PAYMENTS],
        "fallthrough": False,
    }
    body.update(copy.deepcopy(changes))
    return body


def route(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "integration_id": SHARED,
        "cases": [case()],
        "default": {"channel_ids": [CHECKOUT]},
    }
    body.update(copy.deepcopy(changes))
    return body


def ok(path: str, response: httpx.Response) -> Any:
    """Assert a spec-valid 200 envelope with the request-ID header; return its data."""
    payload = strict_json(response.content)
    assert response.status_code == 200, payload
    assert response.headers["Flashcat-Request-Id"] == payload["request_id"]
    errors = default_validator().response_errors(path, payload)
    assert errors == [], [str(e) for e in errors]
    return payload.get("data")


def failed(response: httpx.Response, code: str, status: int = 400) -> str:
    """Assert a spec-valid error envelope with this code and status; return the message."""
    payload = strict_json(response.content)
    assert (response.status_code, payload.get("error", {}).get("code")) == (status, code), payload
    assert "data" not in payload
    assert default_validator().error_response_errors(payload) == []
    assert response.headers["Flashcat-Request-Id"] == payload["request_id"]
    message: str = payload["error"]["message"]
    return message


def strict_json(raw: bytes) -> Any:
    """JSON as a strict parser reads it: NaN, Infinity, lone surrogates or invalid UTF-8 fail."""
    return parse(raw)


@dataclass
class RawReply:
    status: int
    headers: dict[str, str]
    body: bytes
    closed: bool  # the server closed the connection after this reply

    def json(self) -> Any:
        return strict_json(self.body)


class RawConnection:
    """Plain bytes over a socket, so tests can send what no HTTP client library would."""

    def __init__(self, base_url: str, timeout: float = 10.0):
        url = urlsplit(base_url)
        self.sock = socket.create_connection((url.hostname or "127.0.0.1", url.port or 80), timeout=timeout)
        self._buffer = b""

    def __enter__(self) -> RawConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.sock.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> bool:
        chunk = self.sock.recv(1 << 16)
        self._buffer += chunk
        return bool(chunk)

    def read_reply(self, head: bool = False) -> RawReply:
        """One response; raises ConnectionError when the server closed without answering."""
        while b"\r\n\r\n" not in self._buffer:
            if not self._fill():
                raise ConnectionError(f"closed without a reply (got {self._buffer[:80]!r})")
        header_block, self._buffer = self._buffer.split(b"\r\n\r\n", 1)
        status_line, *lines = header_block.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
        length = 0 if head else int(headers.get("content-length", "0"))
        while len(self._buffer) < length:
            if not self._fill():
                break
        body, self._buffer = self._buffer[:length], self._buffer[length:]
        closed = headers.get("connection", "").lower() == "close"
        return RawReply(int(status_line.split()[1]), headers, body, closed)

    def at_eof(self) -> bool:
        """True when the server has closed the connection (waits up to the socket's timeout)."""
        try:
            return not self._buffer and not self._fill()
        except ConnectionResetError:
            return True


def raw_post(path: str, body: bytes, app_key: str, content_type: str = "application/json") -> bytes:
    """A complete POST request as bytes."""
    return (
        f"POST {path}?app_key={app_key} HTTP/1.1\r\nHost: emulator\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
