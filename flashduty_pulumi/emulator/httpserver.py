"""HTTP/1.1 framing for the emulator, on the standard library's threading server.

The stdlib server parses the request line and headers; this module owns everything after that, so
no input can leave a connection without an answer or a thread waiting forever:
- every method reaches the application (which answers 405 MethodNotAllowed as JSON, and logs it);
- every refusal of the framing itself is the documented JSON error envelope, never an HTML page,
  and closes the connection (its state is unknown after a framing error);
- `Content-Length` must be decimal digits; `Transfer-Encoding: chunked` bodies are decoded (with the
  same 1 MiB limit); both headers at once, or another transfer coding, are refused;
- HTTP/0.9 requests (a request line without a version) are refused, as the real API's front end does;
- each read waits at most `read_timeout` seconds (default 60), so a half-open connection frees its
  thread after that long; a client that stalls mid-body gets no answer, only the closed connection.
"""

from __future__ import annotations

import contextlib
import re
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from flashduty_pulumi.emulator.errors import CODE_BY_STATUS, ApiError
from flashduty_pulumi.emulator.requestlog import redact_text
from flashduty_pulumi.emulator.server import MAX_BODY, Emulator, Reply, Request, new_request_id

DEFAULT_READ_TIMEOUT = 60.0
_DRAIN_LIMIT = 64 << 20
_DIGITS = re.compile(rb"[0-9]{1,18}")
_HEX = re.compile(rb"[0-9a-fA-F]{1,16}")
_KEY_IN_TEXT = re.compile(r"(app_key=)[^&\s'\"]*")


class _FramingError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse connections, as against the real API
    default_request_version = "HTTP/1.0"  # so even a refused HTTP/0.9 request gets a status line
    # One buffered write per response and no Nagle delay: unbuffered header and body writes meet the
    # client's delayed ACK and cost ~40 ms per request.
    wbufsize = -1
    disable_nagle_algorithm = True
    server: EmulatorServer

    def setup(self) -> None:
        # StreamRequestHandler.setup applies `timeout` to the socket; it is per server here.
        self.timeout = self.server.read_timeout  # type: ignore[misc]
        super().setup()

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline:
                self.close_connection = True
                return
            if len(self.raw_requestline) > 65536:
                self.command, self.request_version = "", "HTTP/1.1"
                self.send_error(414, "The request line is too long.")
                return
            if not self.parse_request():
                return  # answered by send_error
            if len(self.requestline.split()) != 3:
                self.send_error(400, "The request line needs a method, a target and an HTTP version.")
                return
            self._serve()
            self.wfile.flush()
        except _FramingError as error:
            with contextlib.suppress(OSError):
                self.send_error(error.status, error.message)
        except (TimeoutError, ConnectionError):
            self.close_connection = True  # a stalled or vanished client: free the thread

    def _serve(self) -> None:
        length = self._content_length()
        emulator = self.server.emulator
        if length is not None and length > MAX_BODY:
            # Read and drop the body first: closing on a client still sending resets the connection
            # before it can read the 413. Past _DRAIN_LIMIT the client gets the reset instead.
            remaining = length if length <= _DRAIN_LIMIT else 0
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 1 << 16))
                if not chunk:
                    break
                remaining -= len(chunk)
            raise _FramingError(413, "The request body is too large.")
        body = self._read_chunked() if length is None else self._read_exactly(length)
        url = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        self._send(emulator.handle(Request(self.command, url.path, url.query, headers, body)))

    def _content_length(self) -> int | None:
        """The body's length, or None for a chunked body."""
        lengths = self.headers.get_all("Content-Length") or []
        encodings = self.headers.get_all("Transfer-Encoding") or []
        codings = [c.strip().lower() for value in encodings for c in value.split(",")]
        if codings and lengths:
            raise _FramingError(400, "Content-Length and Transfer-Encoding cannot both be given.")
        if codings:
            if codings != ["chunked"]:
                raise _FramingError(400, "Only Transfer-Encoding: chunked is supported.")
            return None
        values = {v.strip() for v in lengths}
        if len(values) > 1:
            raise _FramingError(400, "Content-Length is given twice with different values.")
        if not values:
            return 0
        value = values.pop()
        if not _DIGITS.fullmatch(value.encode("latin-1", "replace")):
            raise _FramingError(400, "Content-Length must be a non-negative decimal number.")
        return int(value)

    def _read_exactly(self, length: int) -> bytes:
        body = self.rfile.read(length) if length else b""
        if len(body) != length:
            raise _FramingError(400, "The connection ended before the whole body arrived.")
        return body

    def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        size_so_far = 0
        while True:
            line = self.rfile.readline(1026)
            size_text = line.split(b";", 1)[0].strip()
            if not line.endswith(b"\n") or not _HEX.fullmatch(size_text):
                raise _FramingError(400, "A chunk size line is malformed.")
            size = int(size_text, 16)
            if size == 0:
                break
            size_so_far += size
            if size_so_far > MAX_BODY:
                raise _FramingError(413, "The request body is too large.")
            parts.append(self._read_exactly(size))
            if self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise _FramingError(400, "A chunk is not followed by CRLF.")
        for _ in range(100):  # trailer fields, ignored, up to the empty line
            trailer = self.rfile.readline(8192)
            if trailer in (b"\r\n", b"\n"):
                return b"".join(parts)
            if not trailer.endswith(b"\n"):
                break
        raise _FramingError(400, "The chunked body's trailer is malformed.")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Refusals of the framing, as the documented JSON envelope; the connection is closed."""
        self.close_connection = True
        status = code if code in CODE_BY_STATUS or code in (414, 431, 505) else 400
        error = ApiError(CODE_BY_STATUS.get(status, "BadRequest"), message or "Bad request.", status=status)
        self._send(self.server.emulator._error(new_request_id(), error))

    def _send(self, reply: Reply) -> None:
        if reply.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if self.close_connection:  # tell the client, or it reuses the connection and finds it closed
            self.send_header("Connection", "close")
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if self.command != "HEAD":  # a HEAD answer carries the headers of the GET answer only
            self.wfile.write(reply.body)
        self.wfile.flush()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # path and command are unset when the request line itself was refused
        path = urlsplit(getattr(self, "path", "") or "").path
        self.log_message("%s %s %s", getattr(self, "command", None) or "-", path or "-", code)

    def log_message(self, format: str, *args: Any) -> None:
        # The request line carries the app key in its query string: scrub before printing anything.
        if self.server.emulator.config.quiet:
            return
        text = redact_text(_KEY_IN_TEXT.sub(r"\1REDACTED", format % args), self.server.emulator._secrets)
        sys.stderr.write(f"[emulator] {text}\n")


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True  # a hung client connection must not keep the process alive
    request_queue_size = 128  # benchmarks open many connections at once

    def __init__(
        self, address: tuple[str, int], emulator: Emulator, read_timeout: float = DEFAULT_READ_TIMEOUT
    ):
        self.emulator = emulator
        self.read_timeout = read_timeout
        super().__init__(address, _Handler)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


def make_server(
    emulator: Emulator,
    host: str = "127.0.0.1",
    port: int = 0,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
) -> EmulatorServer:
    """A bound server (port 0 picks a free one); call serve_forever() or run it in a thread."""
    return EmulatorServer((host, port), emulator, read_timeout)


def serve_in_thread(emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> EmulatorServer:
    """Start a server on a daemon thread (for in-process use); stop it with shutdown()."""
    server = make_server(emulator, host, port)
    threading.Thread(target=server.serve_forever, name="flashduty-emulator", daemon=True).start()
    return server
