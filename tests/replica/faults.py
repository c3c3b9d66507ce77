"""Misbehaving answers, reusable as override handlers: ``server.overrides.add(path, stall())``.

Each function returns a handler (request -> Response) that wraps or replaces the normal
answer; the raw ones write on the connection themselves (``Response.writer``):

- ``stall()``: accepts and never answers (holds the connection until the client gives up);
- ``headers_then_stall()``: status line, headers and part of the body, then nothing;
- ``reset_mid_body()``: part of the body, then a TCP reset;
- ``short_content_length()``: the whole body under a Content-Length larger than it, then close;
- ``chunked_without_end()``: a chunked body without its last (zero) chunk, then close;
- ``redirect_to(location)``: a redirect (status 302 by default);
- ``gzip_bomb(size)``, ``deflate_bomb(size)``, ``brotli_bomb(size)``: a small body that inflates to ``size`` bytes;
- ``oversize(size, content_length=...)``: a body of ``size`` bytes, with or without its length;
- ``truncated_stream(encoding)``: the normal body gzipped (deflated, brotli), cut in the middle, with a Content-Length
  that matches the cut (the transfer is complete, the gzip stream is not).
"""

from __future__ import annotations

import gzip
import select
import socket
import struct
import time
import zlib
from collections.abc import Callable
from functools import lru_cache
from http.server import BaseHTTPRequestHandler

from .server import Request, Response

Fault = Callable[[Request], Response]


def _hold(handler: BaseHTTPRequestHandler, seconds: float) -> None:
    """Keep the connection open, sending nothing, until the client closes it or time is up."""
    deadline = time.monotonic() + seconds
    sock = handler.connection
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([sock], [], [], min(left, 0.2))
        if ready:
            try:
                if not sock.recv(4096):
                    return  # the client gave up
            except OSError:
                return


def _head(handler: BaseHTTPRequestHandler, response: Response, headers: list[tuple[str, str]]) -> None:
    handler.send_response(response.status)
    handler.send_header("Content-Type", response.content_type)
    for name, value in [*response.headers, *headers]:
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.flush()


def _reset(handler: BaseHTTPRequestHandler) -> None:
    """Close with RST instead of FIN (SO_LINGER 0)."""
    handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    handler.connection.close()


def stall(seconds: float = 60.0) -> Fault:
    def handler(request: Request) -> Response:
        return Response(writer=lambda h: _hold(h, seconds))

    return handler


def headers_then_stall(keep: float = 0.3, seconds: float = 60.0) -> Fault:
    def handler(request: Request) -> Response:
        normal = request.default()

        def write(h: BaseHTTPRequestHandler) -> None:
            _head(h, normal, [("Content-Length", str(len(normal.body)))])
            h.wfile.write(normal.body[: int(len(normal.body) * keep)])
            h.wfile.flush()
            _hold(h, seconds)

        return Response(writer=write)

    return handler


def reset_mid_body(keep: float = 0.5) -> Fault:
    def handler(request: Request) -> Response:
        normal = request.default()

        def write(h: BaseHTTPRequestHandler) -> None:
            _head(h, normal, [("Content-Length", str(len(normal.body)))])
            h.wfile.write(normal.body[: int(len(normal.body) * keep)])
            h.wfile.flush()
            time.sleep(0.05)
            _reset(h)

        return Response(writer=write)

    return handler


def short_content_length(extra: int = 1000) -> Fault:
    def handler(request: Request) -> Response:
        normal = request.default()

        def write(h: BaseHTTPRequestHandler) -> None:
            _head(h, normal, [("Content-Length", str(len(normal.body) + extra))])
            h.wfile.write(normal.body)
            h.wfile.flush()
            h.connection.shutdown(socket.SHUT_RDWR)

        return Response(writer=write)

    return handler


def chunked_without_end(keep: float = 1.0) -> Fault:
    def handler(request: Request) -> Response:
        normal = request.default()

        def write(h: BaseHTTPRequestHandler) -> None:
            _head(h, normal, [("Transfer-Encoding", "chunked")])
            body = normal.body[: int(len(normal.body) * keep)]
            for start in range(0, len(body), 1024):
                chunk = body[start:start + 1024]
                h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            h.wfile.flush()  # no b"0\r\n\r\n": the body never ends properly
            h.connection.shutdown(socket.SHUT_RDWR)

        return Response(writer=write)

    return handler


def redirect_to(location: str, status: int = 302) -> Fault:
    return lambda request: Response.redirect(location, status)


@lru_cache(maxsize=4)
def _zeros(size: int, wrapper: str) -> bytes:
    if wrapper == "br":
        import brotli

        return brotli.compress(b"\0" * size, quality=5)
    if wrapper == "gzip":
        compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    else:
        compressor = zlib.compressobj(9, zlib.DEFLATED, 15)
    block = b"\0" * (1 << 20)
    parts = [compressor.compress(block) for _ in range(size >> 20)]
    return b"".join(parts) + compressor.flush()


def _bomb(size: int, wrapper: str) -> Fault:
    def handler(request: Request) -> Response:
        return Response(200, _zeros(size, wrapper), headers=[("Content-Encoding", wrapper)])

    return handler


def gzip_bomb(size: int = 256 << 20) -> Fault:
    return _bomb(size, "gzip")


def deflate_bomb(size: int = 256 << 20) -> Fault:
    return _bomb(size, "deflate")


def brotli_bomb(size: int = 256 << 20) -> Fault:
    return _bomb(size, "br")


def oversize(size: int, content_length: bool = True) -> Fault:
    def handler(request: Request) -> Response:
        normal = request.default()

        def write(h: BaseHTTPRequestHandler) -> None:
            _head(h, normal, [("Content-Length", str(size))] if content_length else [])
            block = b"<p>" + b"x" * 65530 + b"</p>\n"
            sent = 0
            while sent < size:
                piece = block[: size - sent]
                h.wfile.write(piece)
                sent += len(piece)
            h.wfile.flush()
            h.connection.shutdown(socket.SHUT_RDWR)

        return Response(writer=write)

    return handler


def truncated_stream(encoding: str = "gzip", keep: float = 0.5) -> Fault:
    """The normal body compressed, cut at `keep` of its size (Content-Length of the cut)."""

    def handler(request: Request) -> Response:
        normal = request.default()
        if encoding == "br":
            import brotli

            packed = brotli.compress(normal.body)
        elif encoding == "deflate":
            packed = zlib.compress(normal.body)
        else:
            packed = gzip.compress(normal.body)
        normal.body = packed[: int(len(packed) * keep)]
        normal.headers = [*normal.headers, ("Content-Encoding", encoding)]
        return normal

    return handler


# -- random faults (the soak; `python -m tests.replica serve --faults RATE`) -------------------
def mixed() -> list[Fault]:
    """The transport and answer faults above, for random injection (quick stalls: the crawler's
    DOWNLOAD_TIMEOUT ends them; no bombs: those are tested one by one)."""
    from .walls import MAINTENANCE

    return [
        stall(seconds=8),
        headers_then_stall(seconds=8),
        reset_mid_body(),
        short_content_length(),
        chunked_without_end(keep=0.5),
        truncated_stream("gzip"),
        lambda request: Response.html("<html><body><h1>500</h1></body></html>", 500),
        lambda request: Response.html("<html><body><h1>503</h1></body></html>", 503),
        lambda request: Response.html(MAINTENANCE),
    ]


def random_faults(rate: float, seed: int = 1) -> tuple[Callable[[Request], bool], Fault]:
    """A matcher and a handler: each request (robots.txt excepted) fails with probability
    `rate`, by a fault drawn from `mixed()`. Use: `server.overrides.add(*random_faults(0.05))`."""
    import random
    import threading

    rng, lock, kinds = random.Random(seed), threading.Lock(), mixed()
    chosen: dict[int, Fault] = {}

    def matcher(request: Request) -> bool:
        if request.path == "/robots.txt":
            return False
        with lock:
            if rng.random() >= rate:
                return False
            chosen[id(request)] = rng.choice(kinds)
        return True

    def handler(request: Request) -> Response:
        with lock:
            fault = chosen.pop(id(request))
        return fault(request)

    return matcher, handler
