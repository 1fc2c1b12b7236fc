"""The HTTP front end: the emulator served over HTTP/1.1 for a real bot process.

The in-process emulator skips PTB's HTTP transport (httpx, timeouts, connection pools); the
over-HTTP tests, `hamdeli emulator`, the demo's webhook mode and the benches run the real
bot as a separate process (or several workers), which needs a real Bot API address.
`serve_http` answers ``http://127.0.0.1:PORT/bot<token>/<method>``, or, one emulator per
platform on one port, ``…/telegram/bot…`` and ``…/bale/bot…``, and hands each request to
`BotApiEmulator.call`, the same entry point PTB uses in-process.

A small asyncio HTTP/1.1 server rather than a web framework: it must be able to misbehave
as a platform does (an injected "timeout" leaves the request unanswered until the client
gives up, a "network" fault drops the connection) and it decodes the three encodings PTB
sends (form, JSON, multipart). Delivering updates the other way, by POST to the bot's
webhook, is `bot.emulator.webhooks`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from http import HTTPStatus
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit

from telegram.error import NetworkError, TimedOut

from bot.emulator.api import BotApiEmulator
from bot.emulator.records import NOT_FOUND, PLATFORMS, JSONDict, dumps

_LOGGER = logging.getLogger(__name__)

# Parameters whose form values must stay strings even when they look like JSON ("123").
_STRING_PARAMS: Final = frozenset(
    {
        "text", "caption", "callback_query_id", "inline_message_id", "url", "parse_mode",
        "action", "language_code", "photo", "document", "sticker", "voice", "audio", "video",
        "animation", "emoji", "description", "short_description", "name", "title",
        "secret_token", "ip_address", "query_id", "file_id", "business_connection_id",
        "payload", "provider_token", "currency", "error_message", "pre_checkout_query_id",
        "start_parameter", "transaction_id",
    }
)  # fmt: skip
_MAX_BODY: Final = 20 * 1024 * 1024
_MAX_HEADERS: Final = 100
_PATH_RE: Final = re.compile(r"^(?:/([a-z]+))?/bot[^/]+/([A-Za-z]+)/?$")


class _HttpError(Exception):
    """A malformed request: answered with `status` and the connection closed."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass
class _HttpRequest:
    verb: str
    target: str
    version: str
    headers: dict[str, str]
    body: bytes

    @property
    def keep_alive(self) -> bool:
        connection = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return connection == "keep-alive"
        return connection != "close"


async def serve_http(
    emu: BotApiEmulator | Mapping[str, BotApiEmulator], host: str = "127.0.0.1", port: int = 0
) -> asyncio.Server:
    """Serve one emulator, or one per platform, over HTTP/1.1 so a real bot process can use
    it as its Bot API.

    Each emulator answers at ``http://127.0.0.1:PORT/<platform>/bot<token>/<method>`` (one
    process running both bots points TELEGRAM_BOT_API_BASE_URL and BALE_BOT_API_BASE_URL
    there); a single emulator also answers at the plain ``/bot…`` path. The bound port is
    stored on each emulator's `http_port` (port=0 picks a free one). Injected "timeout"
    faults leave the request unanswered until the client gives up; "network" faults drop
    the connection.
    """
    routes = _routes(emu)
    server = await asyncio.start_server(
        lambda reader, writer: _serve_connection(routes, reader, writer), host, port
    )
    for one in routes.values():
        one.http_port = server.sockets[0].getsockname()[1]
    return server


def _routes(emu: BotApiEmulator | Mapping[str, BotApiEmulator]) -> dict[str, BotApiEmulator]:
    """Path prefix ("telegram", "bale"; "" for the plain path) -> the emulator answering it."""
    given = {emu.platform: emu} if isinstance(emu, BotApiEmulator) else dict(emu)
    for platform, one in given.items():
        if platform not in PLATFORMS or one.platform != platform:
            raise ValueError(f"serve_http: {platform!r} must name its emulator's platform")
    if not given:
        raise ValueError("serve_http needs at least one emulator")
    plain = {"": next(iter(given.values()))} if len(given) == 1 else {}
    return {**given, **plain}


async def _serve_connection(
    routes: dict[str, BotApiEmulator], reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Answer requests on one keep-alive connection; any failure only closes it."""
    try:
        while True:
            try:
                request = await _read_request(reader)
            except _HttpError as error:
                await _write_response(writer, error.status, _error_body(error), keep_alive=False)
                break
            if request is None or not await _respond(routes, request, reader, writer):
                break
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    except asyncio.CancelledError:
        # The event loop is shutting down with a client still connected (a long poll).
        # Python 3.11's stream callback calls task.exception() on a cancelled task and logs
        # a spurious traceback, so the cancellation ends this connection quietly instead.
        pass
    except Exception:
        _LOGGER.exception("emulator HTTP connection failed")
    finally:
        writer.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await writer.wait_closed()


async def _read_request(reader: asyncio.StreamReader) -> _HttpRequest | None:
    """Parse one request; None on a clean end of the connection."""
    line = await _read_line(reader)
    if not line:
        return None
    parts = line.split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise _HttpError(400, "Bad Request: malformed request line")
    headers = await _read_headers(reader)
    body = await _read_body(reader, headers)
    return _HttpRequest(parts[0].upper(), parts[1], parts[2], headers, body)


async def _read_line(reader: asyncio.StreamReader) -> str:
    try:
        raw = await reader.readline()
    except (ValueError, asyncio.LimitOverrunError):
        raise _HttpError(400, "Bad Request: line too long") from None
    return raw.decode("latin-1").rstrip("\r\n")


async def _read_headers(reader: asyncio.StreamReader) -> dict[str, str]:
    headers: dict[str, str] = {}
    for _ in range(_MAX_HEADERS):
        line = await _read_line(reader)
        if not line:
            return headers
        name, sep, value = line.partition(":")
        if not sep:
            raise _HttpError(400, "Bad Request: malformed header")
        headers[name.strip().lower()] = value.strip()
    raise _HttpError(400, "Bad Request: too many headers")


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return await _read_chunked(reader)
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        raise _HttpError(400, "Bad Request: bad Content-Length") from None
    if length < 0 or length > _MAX_BODY:
        raise _HttpError(413, "Request Entity Too Large")
    return await reader.readexactly(length)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        try:
            size = int((await _read_line(reader)).split(";")[0], 16)
        except ValueError:
            raise _HttpError(400, "Bad Request: bad chunk size") from None
        if size == 0:
            await _read_headers(reader)  # trailers
            return bytes(body)
        body += await reader.readexactly(size)
        await reader.readexactly(2)
        if len(body) > _MAX_BODY:
            raise _HttpError(413, "Request Entity Too Large")


async def _respond(
    routes: dict[str, BotApiEmulator],
    request: _HttpRequest,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
) -> bool:
    """Answer one request; returns whether to keep the connection open."""
    match = _PATH_RE.match(urlsplit(request.target).path)
    emu = routes.get(match.group(1) or "") if match else None
    if request.verb not in ("GET", "POST") or match is None or emu is None:
        body = dumps({"ok": False, "error_code": 404, "description": NOT_FOUND})
        await _write_response(writer, 404, body, request.keep_alive)
        return request.keep_alive
    try:
        params, files = _request_params(request)
    except _HttpError as error:
        await _write_response(writer, error.status, _error_body(error), keep_alive=False)
        return False
    try:
        status, body = await emu.call(match.group(2), params, files)
    except TimedOut:
        with contextlib.suppress(TimeoutError):  # stay silent until the client gives up
            await asyncio.wait_for(reader.read(), timeout=120)
        return False
    except NetworkError:
        return False  # drop the connection without an answer
    await _write_response(writer, status, body, request.keep_alive)
    return request.keep_alive


def _error_body(error: _HttpError) -> bytes:
    return dumps({"ok": False, "error_code": error.status, "description": error.description})


async def _write_response(
    writer: asyncio.StreamWriter, status: int, body: bytes, keep_alive: bool
) -> None:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown"
    head = (
        f"HTTP/1.1 {status} {phrase}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n\r\n"
    )
    writer.write(head.encode("latin-1") + body)
    await writer.drain()


def _request_params(request: _HttpRequest) -> tuple[JSONDict, dict[str, str]]:
    """Query string plus body (form, JSON or multipart) -> (params, uploaded file names)."""
    params: JSONDict = {
        name: _form_value(name, value)
        for name, value in parse_qsl(urlsplit(request.target).query, keep_blank_values=True)
    }
    files: dict[str, str] = {}
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    if not request.body:
        return params, files
    if media_type == "application/x-www-form-urlencoded":
        text = _decode_utf8(request.body)
        params.update({n: _form_value(n, v) for n, v in parse_qsl(text, keep_blank_values=True)})
    elif media_type == "application/json":
        params.update(_json_body(request.body))
    elif media_type == "multipart/form-data":
        fields, files = _multipart(content_type, request.body)
        params.update(fields)
    else:
        raise _HttpError(400, f"Bad Request: unsupported Content-Type {media_type!r}")
    return params, files


def _decode_utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise _HttpError(400, "Bad Request: body is not UTF-8") from None


def _json_body(body: bytes) -> JSONDict:
    try:
        data = json.loads(_decode_utf8(body))
    except ValueError:
        raise _HttpError(400, "Bad Request: invalid JSON body") from None
    if not isinstance(data, dict):
        raise _HttpError(400, "Bad Request: JSON body must be an object")
    return data


def _multipart(content_type: str, body: bytes) -> tuple[JSONDict, dict[str, str]]:
    """Text fields become parameters; file parts are only recorded by name."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise _HttpError(400, "Bad Request: malformed multipart body")
    fields: JSONDict = {}
    files: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        filename = part.get_filename()
        if filename is not None:
            files[str(name)] = str(filename)
            continue
        payload = part.get_payload(decode=True) or b""
        fields[str(name)] = _form_value(str(name), payload.decode("utf-8", "replace"))  # type: ignore[union-attr]  # decode=True gives bytes for a non-multipart part
    return fields, files


def _form_value(name: str, value: str) -> Any:
    """PTB JSON-encodes non-string values into form fields; undo that, keep real strings."""
    if name in _STRING_PARAMS:
        return value
    try:
        decoded = json.loads(value)
    except ValueError:
        return value
    if isinstance(decoded, dict | list | bool | int | float):
        return decoded
    return value
