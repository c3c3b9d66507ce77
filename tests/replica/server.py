"""``ReplicaServer``: the replica over HTTP (127.0.0.1 only), with overrides and a request log.

Every request goes: request log -> override chain -> normal routing.  Routing matches on the
path only (any ``Host`` header is served), so a crawler may talk to the replica with its own
base URL while the content keeps naming the real hosts.

    with ReplicaServer(articles=50) as server:
        server.base_url                     # http://127.0.0.1:PORT
        server.site.expected()              # ground truth
        server.overrides.fail("/latest_sitemap.xml", status=503, times=1)
        server.requests.count(path="/api/getData")

One server may serve several editions' sites, each under its hosts' names (the layout of
``wget --mirror``, and of a crawl with ``--base-url http://127.0.0.1:PORT/{host}``):

    with ReplicaServer(sites=[Site(300, seed=7), Site(200, seed=8, edition="esperanto")]) as server:
        server.mirror_url                   # http://127.0.0.1:PORT/{host}
        # /esperanto.cri.cn/<path> is <path> of the Esperanto site, /polish.cri.cn/<path> and
        # /polish.cgtn.com/<path> of the Polish one; a path without a host is the first site's.
        server.sites["esperanto"].expected(reach="monitor")
        server.requests.count(path="/api/getData", edition="esperanto")

Overrides and the request log see the path inside the site (``request.path``; the host the
request named is ``request.host``, its site ``request.site``).
"""

from __future__ import annotations

import fnmatch
import json
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from . import e1, e2, e3, e4, listings
from .corpus import Article
from .editions import GATEWAY_HOSTS
from .samples import ZT_PAGE
from .site import Site, section_by_path

JSON_TYPE = "application/json;charset=UTF-8"
HTML_TYPE = "text/html; charset=utf-8"


# -- requests and responses ----------------------------------------------------------------
@dataclass
class Response:
    """What the server sends.  ``delay`` waits before answering; ``truncate_at`` sends only
    that many body bytes (with the full Content-Length) and closes; ``drop`` closes without
    answering at all."""

    status: int = 200
    body: bytes = b""
    content_type: str = HTML_TYPE
    headers: list[tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0
    truncate_at: int | None = None
    drop: bool = False
    # Writes the whole answer itself on the raw connection (tests/replica/faults.py), which is
    # closed after it: for misbehaviour the fields above cannot say (stalls, resets, bombs).
    writer: Callable[[BaseHTTPRequestHandler], None] | None = None

    @classmethod
    def html(cls, text: str, status: int = 200) -> Response:
        return cls(status, text.encode("utf-8"), HTML_TYPE)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        return cls(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), JSON_TYPE)

    @classmethod
    def text(cls, text: str, content_type: str = "text/plain; charset=utf-8", status: int = 200) -> Response:
        return cls(status, text.encode("utf-8"), content_type)

    @classmethod
    def redirect(cls, location: str, status: int = 301) -> Response:
        return cls(status, b"", HTML_TYPE, [("Location", location)])

    @property
    def text_body(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class Request:
    """One incoming request, as overrides and routing see it."""

    method: str
    target: str  # raw request target inside the site: path with query
    path: str  # percent-decoded path inside the site, without query
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    server: ReplicaServer | None = None
    # The site that serves it: named by the first path segment (`/<host>/...`, `host`; the
    # `mount` is what precedes `path`), else the server's first site (`host` and `mount` "").
    site: Site | None = None
    host: str = ""
    mount: str = ""

    @property
    def api_id(self) -> str | None:
        """The ``id`` of a ``POST /api/getData`` body, if any."""
        if self.method != "POST" or not self.body:
            return None
        try:
            data = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None
        value = data.get("id") if isinstance(data, dict) else None
        return value if isinstance(value, str) else None

    def default(self) -> Response:
        """The response normal routing gives (lets an override wrap it: truncate, slow...)."""
        assert self.server is not None
        return self.server.route(self)


@dataclass
class LoggedRequest:
    method: str
    path: str  # inside the site, with query
    body_id: str | None
    status: int = 0
    at: float = 0.0
    host: str = ""  # the host the path named (`/<host>/...`), "" for a path without one
    edition: str = ""  # the edition of the site that served it


class RequestLog:
    """Thread-safe list of requests (admin ``/__replica__/`` calls are not logged)."""

    def __init__(self) -> None:
        self._items: list[LoggedRequest] = []
        self._lock = threading.Lock()

    def append(self, item: LoggedRequest) -> None:
        with self._lock:
            self._items.append(item)

    def snapshot(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def count(self, path: str | None = None, method: str | None = None, body_id: str | None = None,
              *, host: str | None = None, edition: str | None = None) -> int:
        """Requests whose path (without query) equals ``path`` (or matches it as a glob), of
        that method, API ``id``, host named in the path and edition of the site."""

        def ok(item: LoggedRequest) -> bool:
            bare = item.path.split("?", 1)[0]
            if path is not None and not (bare == path or item.path == path or fnmatch.fnmatchcase(bare, path)):
                return False
            if method is not None and item.method != method:
                return False
            if host is not None and item.host != host:
                return False
            if edition is not None and item.edition != edition:
                return False
            return body_id is None or item.body_id == body_id

        return sum(1 for item in self.snapshot() if ok(item))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.snapshot())

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


# -- overrides -------------------------------------------------------------------------------
Matcher = str | re.Pattern[str] | Callable[[Request], bool]
Handler = Callable[[Request], Response | None] | Response


@dataclass
class Override:
    matcher: Matcher
    handler: Handler
    times: int | None = None  # None: forever
    methods: tuple[str, ...] | None = None
    hits: int = 0
    chain: OverrideChain | None = None

    def matches(self, request: Request) -> bool:
        if self.methods and request.method not in self.methods:
            return False
        m = self.matcher
        if isinstance(m, str):
            if any(ch in m for ch in "*?["):
                return fnmatch.fnmatchcase(request.path, m) or fnmatch.fnmatchcase(request.target, m)
            return request.path == m or request.target == m or request.api_id == m
        if isinstance(m, re.Pattern):
            return bool(m.search(request.target) or (request.api_id and m.search(request.api_id)))
        return bool(m(request))

    def remove(self) -> None:
        if self.chain:
            self.chain.remove(self)


class OverrideChain:
    """Route overrides tried in order before normal routing.

    A matcher is a path (exact; globs with ``*``; also compared with the API body ``id``), a
    compiled regex (searched in the target and the API ``id``) or a predicate.  A handler is a
    ``Response`` or a callable returning one (or None to fall through; ``request.default()``
    gives the normal response to wrap).  ``times`` limits how often it fires.
    """

    def __init__(self) -> None:
        self._items: list[Override] = []
        self._lock = threading.Lock()

    def add(
        self,
        matcher: Matcher,
        handler: Handler,
        *,
        times: int | None = None,
        methods: tuple[str, ...] | None = None,
        first: bool = False,
    ) -> Override:
        item = Override(matcher, handler, times, methods, chain=self)
        with self._lock:
            if first:
                self._items.insert(0, item)
            else:
                self._items.append(item)
        return item

    def remove(self, item: Override) -> None:
        with self._lock:
            if item in self._items:
                self._items.remove(item)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    # Conveniences for the usual misbehaviours.
    def fail(self, matcher: Matcher, status: int = 500, *, times: int | None = None) -> Override:
        body = f"<html><body><h1>{status}</h1></body></html>"
        return self.add(matcher, lambda _r: Response.html(body, status), times=times)

    def delay(self, matcher: Matcher, seconds: float, *, times: int | None = None) -> Override:
        def handler(request: Request) -> Response:
            response = request.default()
            response.delay = seconds
            return response

        return self.add(matcher, handler, times=times)

    def truncate(self, matcher: Matcher, keep: int | float = 0.5, *, times: int | None = None) -> Override:
        def handler(request: Request) -> Response:
            response = request.default()
            size = len(response.body)
            response.truncate_at = int(size * keep) if isinstance(keep, float) else min(keep, size)
            return response

        return self.add(matcher, handler, times=times)

    def dispatch(self, request: Request) -> Response | None:
        with self._lock:
            items = list(self._items)
        for item in items:
            if not item.matches(request):
                continue
            with self._lock:
                if item.times is not None and item.hits >= item.times:
                    continue
                item.hits += 1
                if item.times is not None and item.hits >= item.times and item in self._items:
                    self._items.remove(item)
            handler = item.handler
            response = handler if isinstance(handler, Response) else handler(request)
            if response is not None:
                return response
        return None


# -- the HTTP layer --------------------------------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    timeout = 30  # idle keep-alive connections are closed after this

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._handle("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet server
        return

    def _handle(self, method: str) -> None:
        replica: ReplicaServer = self.server.replica  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        split = urlsplit(self.path)
        site, host, path = replica.mounted(unquote(split.path) or "/")
        mount = self.path[: len(host) + 1] if host else ""
        target = self.path[len(mount):]
        request = Request(
            method=method,
            target=target if target.startswith("/") else "/" + target,
            path=path,
            query=parse_qs(split.query),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            server=replica,
            site=site,
            host=host,
            mount=mount,
        )
        logged = None
        if not request.path.startswith("/__replica__/"):
            logged = LoggedRequest(method, request.target, request.api_id, at=time.time(), host=host,
                                   edition=site.edition.name)
            replica.requests.append(logged)
        try:
            response = replica.dispatch(request)
        except Exception as exc:  # noqa: BLE001 - a replica bug must show, not kill the thread
            replica.errors.append(exc)
            response = Response.html(e4.SERVER_ERROR_PAGE, 500)
        if logged is not None:
            logged.status = response.status
        self._send(response, head=method == "HEAD")

    def _send(self, response: Response, head: bool) -> None:
        if response.delay:
            time.sleep(response.delay)
        if response.drop:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if response.writer is not None and not head:
            self.close_connection = True
            try:
                response.writer(self)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        if response.truncate_at is not None:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if head:
            return
        try:
            if response.truncate_at is not None:
                self.wfile.write(response.body[: response.truncate_at])
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
            else:
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], replica: ReplicaServer) -> None:
        self.replica = replica
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request, client_address):  # type: ignore[no-untyped-def]
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):  # type: ignore[no-untyped-def]
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address):  # type: ignore[no-untyped-def]
        # A client that went away (a crawl killed mid-request) is normal here, not an error.
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)

    def wake_connections(self) -> None:
        """Unblock handler threads idling on keep-alive connections so they close them."""
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


# -- the replica -----------------------------------------------------------------------------
class ReplicaServer:
    """The replica site served on ``127.0.0.1`` (port 0: a free one); with ``sites``, several
    editions' sites, each under the names of its hosts (the module's docstring)."""

    def __init__(self, articles: int = 0, seed: int = 1, *, site: Site | None = None,
                 sites: list[Site] | tuple[Site, ...] | None = None, port: int = 0) -> None:
        if sites is not None and site is not None:
            raise ValueError("give site or sites, not both")
        chosen = list(sites) if sites is not None else [site or Site(articles=articles, seed=seed)]
        if not chosen:
            raise ValueError("a replica serves at least one site")
        self.sites: dict[str, Site] = {}  # by edition name, the first site first
        self._by_host: dict[str, Site] = {}
        for one in chosen:
            name = one.edition.name
            if name in self.sites:
                raise ValueError(f"two sites of the edition {name!r}: one server serves one each")
            self.sites[name] = one
            self._by_host.update((host, one) for host in one.edition.hosts)
        self.site = chosen[0]  # also serves every path that names no host
        self.port = port
        self.overrides = OverrideChain()
        self.requests = RequestLog()
        self.errors: list[BaseException] = []
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> ReplicaServer:
        """Bind and serve in a daemon thread (raises OSError if the port is taken)."""
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer(("127.0.0.1", self.port), self)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, name=f"replica-{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.wake_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def mirror_url(self) -> str:
        """The crawler's base URL for the sites by host: ``http://127.0.0.1:PORT/{host}``."""
        return self.base_url + "/{host}"

    def url(self, path_or_url: str) -> str:
        """A local URL for a path or for any real/alias URL of the site (host mapped, the
        big5 gateway kept as a path the replica serves); a URL of another site than the first
        under its host's name."""
        if path_or_url.startswith("/"):
            return self.base_url + path_or_url
        split = urlsplit(path_or_url)
        query = f"?{split.query}" if split.query else ""
        host = (split.hostname or "").lower()
        mount = f"/{host}" if self._by_host.get(host, self.site) is not self.site else ""
        return f"{self.base_url}{mount}{split.path or '/'}{query}"

    def mounted(self, path: str) -> tuple[Site, str, str]:
        """(site, host, path inside the site) of a request path: ``/<host>/<path>`` with a host
        of one of the sites (or the gateway's ``/big5.cri.cn/gate/big5/<host>/<path>``) is
        that site's; any other path is the first site's, as it is (host "")."""
        first, slash, rest = path[1:].partition("/")
        host = first.lower()
        site = self._by_host.get(host)
        if site is not None:
            return site, host, slash + rest or "/"
        if host in GATEWAY_HOSTS:
            parts = rest.split("/", 3)  # gate, big5, <host>, <path>
            if len(parts) > 2 and parts[:2] == ["gate", "big5"]:
                site = self._by_host.get(parts[2].lower())
            if site is not None:
                return site, host, slash + rest
        return self.site, "", path

    # dispatch
    def dispatch(self, request: Request) -> Response:
        return self.overrides.dispatch(request) or self.route(request)

    def route(self, request: Request) -> Response:
        """Normal routing (no overrides), by the request's site: its answer names that
        edition's hosts."""
        site = request.site or self.site
        response = self._route(request, site)
        if not site.edition.is_polish and response.body:
            response.body = site.edition.localise_body(response.body)
        return response

    def _route(self, request: Request, site: Site) -> Response:
        path = request.path
        if path.startswith("/__replica__/"):
            return self._admin(request, site)
        if path == "/api/getData":
            if request.method != "POST":
                response = Response.json(e4.failure("method not allowed", 405), 405)
                response.headers.append(("Allow", "POST"))
                return response
            return self._api(request, site)
        if request.method == "POST":
            return Response.html(listings.NOT_FOUND_HTML, 405)
        return self._page(path, request, site)

    # pages
    def _page(self, path: str, request: Request, site: Site) -> Response:
        here = f"http://{request.headers.get('host', f'127.0.0.1:{self.port}')}{request.mount}"
        if path in ("/", "/index.html", "/index.shtml"):
            return Response.html(listings.home_html(site))
        if path == "/robots.txt":
            return Response.text(listings.ROBOTS_TXT)
        if path == "/sitemap_index.xml":
            return Response.text(listings.sitemap_index(site), "application/xml; charset=utf-8")
        if path in ("/latest_sitemap.xml", "/sitemap/latest_sitemap.xml"):
            return Response.text(listings.latest_sitemap(site), "application/xml; charset=utf-8")
        if path in ("/rss", "/rss/", "/feed", "/feed/"):
            return Response.redirect(f"{here}/", 301 if path.startswith("/rss") else 302)
        if path == "/search.html":
            return Response.html(listings.search_html())
        if path.startswith("/_nuxt/") and path.endswith(".js"):
            # The Nuxt bundle the pages preload: an empty module (rendering is inline).
            return Response.text("export {};\n", "application/javascript; charset=utf-8")
        section, is_section_path = section_by_path(path)
        if is_section_path:
            if section is None:
                return self._not_found()
            return Response.html(listings.section_html(site, section, _page_number(request.query)))
        via_gateway = False
        big5 = site.edition.big5_prefix
        if path.startswith(big5 + "/"):
            path, via_gateway = path[len(big5):], True
        if path.endswith("/_payload.json"):
            resolved = site.resolve(path[: -len("/_payload.json")])
            if resolved and (resolved.kind == "e4" or (resolved.kind == "e3-bare" and resolved.article.migrated)):
                return Response.json(e4.payload(resolved.article))
            return self._not_found()
        if site.is_topic_page(path):
            return Response(200, e1.render_topic(ZT_PAGE, self._topic_teasers(site)), e1.content_type("utf8"))
        resolved = site.resolve(path)
        if resolved is None:
            return self._not_found()
        article = resolved.article
        if resolved.kind == "e4":
            return Response.html(e4.render(article))
        if resolved.kind == "e3":
            legacy = article.knobs.get("legacy", "200") if article.migrated else "200"
            if legacy == "301":  # the old page sends to where the platform serves it now
                return Response.redirect(f"{here}{article.e4_path}", 301)
            if legacy == "404":
                return self._not_found()
            if legacy == "soft404":
                return Response.html(listings.SOFT_404_HTML)
            return Response.html(e3.render(article))
        if resolved.kind == "e3-bare":
            mode = article.knobs.get("noshtml", "301")
            if article.migrated:
                return Response.html(e4.render(article))
            if mode == "200":
                return Response.html(e3.render(article))
            return Response.redirect(f"{here}{article.path}", 301)
        if resolved.kind == "e2":
            return Response.html(e2.render(article, self._neighbours(site, article, 5), via_gateway=via_gateway))
        encoding = article.knobs.get("encoding", "utf8")
        body = e1.render(article, resolved.page, self._neighbours(site, article, 3),
                         self._neighbours(site, article, 2, skip=3))
        return Response(200, body, e1.content_type(encoding))

    def _not_found(self) -> Response:
        return Response.html(listings.NOT_FOUND_HTML, 404)

    def _neighbours(self, site: Site, article: Article, n: int, skip: int = 0) -> list[Article]:
        """Other articles of the same era (for Ranking, Zobacz także, Polecamy links)."""
        fixed = [a for a in (site.article(i) for i in _FIXED_BY_ERA.get(article.era, ())) if a and a.id != article.id]
        g = site.generator
        extra: list[Article] = []
        if g.sizes[article.era]:
            start = g.offsets[article.era]
            for i in range(start, min(start + n + skip + 1, start + g.sizes[article.era])):
                if g.core(i).id != article.id:
                    extra.append(site._generated(i))
        pool = fixed + extra
        return pool[skip : skip + n]

    def _topic_teasers(self, site: Site) -> list[tuple[Article, str]]:
        out = []
        for article_id, text in ZT_PAGE.teasers:
            article = site.article(article_id)
            if article:
                out.append((article, text))
        return out

    # the E4 API
    def _api(self, request: Request, site: Site) -> Response:
        raw = request.api_id
        if raw is None:
            return Response.json(e4.failure("invalid request: a JSON body with an id is required", 400))
        split = urlsplit(raw.strip())
        path = unquote(split.path) or "/"
        big5 = site.edition.big5_prefix
        if path.startswith(big5 + "/"):
            path = path[len(big5):]
        if path in ("/", "/index.html", "/index.shtml"):
            return Response.json(listings.home_answer(site))
        section, is_section_path = section_by_path(path)
        if is_section_path:
            if section is None:
                return Response.json(e4.failure())
            return Response.json(listings.section_answer(site, section, _page_number(parse_qs(split.query))))
        resolved = site.resolve(path)
        if resolved and (resolved.kind == "e4" or (resolved.kind in ("e3", "e3-bare") and resolved.article.migrated)):
            status, data = e4.api_answer(resolved.article)
            if data is None:
                return Response.html(e4.SERVER_ERROR_PAGE, status)
            return Response.json(data, status)
        return Response.json(e4.failure())

    # admin routes (for a replica running as a subprocess)
    def _admin(self, request: Request, site: Site) -> Response:
        try:
            data = json.loads(request.body.decode("utf-8")) if request.body else {}
        except (UnicodeDecodeError, json.JSONDecodeError):
            return Response.json({"ok": False, "error": "invalid JSON"}, 400)
        name = request.path[len("/__replica__/"):]
        query = {k: v[-1] for k, v in request.query.items()}
        try:
            if name == "edit" and request.method == "POST":
                kwargs: dict[str, Any] = {}
                for key in ("paragraphs", "headline", "author"):
                    if key in data:
                        kwargs[key] = data[key]
                article = site.edit(str(data.get("id")), **kwargs)
                return Response.json({"ok": True, "item": article.expected()})
            if name == "add" and request.method == "POST":
                added = site.add_articles(int(data.get("n", 1)))
                return Response.json({"ok": True, "ids": [a.id for a in added], "items": [a.expected() for a in added]})
            if name == "expected":
                since = date.fromisoformat(query["since"]) if query.get("since") else None
                items = site.expected(query.get("reach", "all"), since)
                text = "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)
                return Response.text(text, "application/x-ndjson; charset=utf-8")
            if name == "urls":
                return Response.text("".join(u + "\n" for u in site.urls(query.get("reach", "all"))))
        except KeyError as exc:
            return Response.json({"ok": False, "error": f"unknown article {exc}"}, 404)
        except ValueError as exc:
            return Response.json({"ok": False, "error": str(exc)}, 400)
        return Response.json({"ok": False, "error": "unknown admin route"}, 404)


_FIXED_BY_ERA: dict[str, tuple[str, ...]] = {
    "E1": ("E1-140104", "E1-137428", "E1-135091", "E1-144787", "E1-114938"),
    "E2": ("E2-744781", "E2-569297"),
}


def _page_number(query: dict[str, list[str]]) -> int:
    try:
        return max(1, int(query.get("page", ["1"])[-1]))
    except ValueError:
        return 1
