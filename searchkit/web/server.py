"""`searchkit serve`: the search page and its JSON HTTP API, read-only, on the standard library's threading HTTP
server and the public `searchkit.Index` API only (so it serves whichever engine the index uses).

Why no web framework: five GET routes and static files need no routing library, and an OpenAPI document built
from our own parameter tables (`openapi`) says exactly what the server accepts. What the server adds to a faceted
search on Reuters-21578 (HTTP minus the search's own time): 4-11 ms at the median, next to searches of 43-83 ms
(benchmarks/serve.py; the machine was shared and noisy)."""
from __future__ import annotations

import ipaddress
import json
import queue
import sys
import threading
import traceback
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import parse_qs, unquote, urlsplit

from .. import serialize
from ..errors import QueryError, SearchkitError
from . import openapi, params

STATIC = Path(__file__).with_name("static")
_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
          ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
PAGES = {"/": "index.html", "/api": "api.html"}
# Nothing but this server's own files: no inline script or style, no other origin, no plugins, no framing.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}
MAX_URL_CHARS = 8192


class IndexPool:
    """`searchkit.Index` objects lent to one request at a time. An Index keeps one searcher and its caches and is
    not safe for two threads at once, so each request borrows one; `size` bounds how many are open (each holds
    its own searcher and facet data). Size 1 makes requests take turns: 20 concurrent clients on two shared cores
    got 5.5-10 answers a second with 1 and 7.6-14.5 with 2, in four runs of benchmarks/serve.py, too noisy to
    choose 2 and its second copy of the caches by default."""

    def __init__(self, open_index: Callable[[], object], size: int = 1, first=None):
        self._open = open_index
        self._free: queue.LifoQueue = queue.LifoQueue()
        self._opened: list = [first] if first is not None else []
        for index in self._opened:
            self._free.put(index)
        self._lock = threading.Lock()
        self.size = size

    @contextmanager
    def borrow(self) -> Iterator:
        index = self._take()
        try:
            yield index
        finally:
            self._free.put(index)

    def _take(self):
        try:
            return self._free.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if len(self._opened) < self.size:
                self._opened.append(self._open())
                return self._opened[-1]
        return self._free.get()

    def close(self) -> None:
        with self._lock:
            for index in self._opened:
                index.close()
            self._opened.clear()


class SearchServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], pool: IndexPool, index_name: str, quiet: bool = False):
        super().__init__(address, Handler)
        self.pool = pool
        self.index_name = index_name
        self.quiet = quiet
        host, port = self.server_address[:2]
        self.url = f"http://{_url_host(host)}:{port}/"
        # A page on another site may make the browser send requests to 127.0.0.1 under a name of its own (DNS
        # rebinding): a loopback server answers only requests addressed to loopback names.
        self.allowed_hosts = (
            {f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]")} if is_loopback(host) else None
        )

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


class Handler(BaseHTTPRequestHandler):
    server: SearchServer
    server_version = "searchkit"
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; with Nagle's algorithm the body then waited for the client's delayed
    # ACK on a kept-alive connection, as browsers keep them: 44 ms added to every answer (benchmarks/serve.py).
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def __getattr__(self, name: str):
        if name.startswith("do_"):  # any other method, which http.server would answer with a 501
            return self._refuse
        raise AttributeError(name)

    def _refuse(self) -> None:
        self.close_connection = True  # its body, if any, is not read
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, _error(f"{self.command} is not allowed: the API is read-only (use GET)"),
                   extra={"Allow": "GET, HEAD", "Connection": "close"})

    def _answer(self, send_body: bool) -> None:
        self._send_body = send_body
        if len(self.path) > MAX_URL_CHARS:
            return self._send(HTTPStatus.REQUEST_URI_TOO_LONG, _error(f"the URL is longer than {MAX_URL_CHARS} characters"))
        allowed = self.server.allowed_hosts
        if allowed is not None and self.headers.get("Host", "") not in allowed:
            return self._send(HTTPStatus.MISDIRECTED_REQUEST, _error("this server answers only to 127.0.0.1 or localhost"))
        url = urlsplit(self.path)
        try:
            query = parse_qs(url.query, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            return self._send(HTTPStatus.BAD_REQUEST, _error("the query string is not UTF-8"))
        try:
            self._route(url.path, query)
        except QueryError as exc:
            self._send(HTTPStatus.BAD_REQUEST, _error(str(exc)))
        except SearchkitError as exc:  # a missing or damaged index: the server cannot help it
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, _error(str(exc)))
        except Exception:  # a bug: said on stderr, and a plain 500 to the client
            traceback.print_exc(file=sys.stderr)
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, _error("internal error (see the server's log)"))

    def _route(self, path: str, query: dict[str, list[str]]) -> None:
        if path in PAGES:  # the page's state is in its query string, read by its script
            return self._static(PAGES[path])
        if path.startswith("/static/"):
            return self._static(path[len("/static/"):])
        if path == "/api/openapi.json":
            return self._json(openapi.document(), query, ())
        if path == "/api/search":
            arguments = params.search_arguments(query)
            with self.server.pool.borrow() as ix:
                return self._send_json(serialize.results_json(ix.search(**arguments)))
        if path == "/api/articles":
            return self._articles(params.read(params.ARTICLES, query))
        if path.startswith("/api/articles/"):
            return self._article(unquote(path[len("/api/articles/"):], errors="strict"), query)
        if path == "/api/actors":
            wanted = params.read(params.ACTORS, query)
            with self.server.pool.borrow() as ix:
                found = ix.actors(wanted["kind"])[: wanted["limit"]]
            return self._send_json([serialize.actor_json(a) for a in found])
        if path == "/api/stats":
            params.read((), query)
            with self.server.pool.borrow() as ix:
                return self._send_json(serialize.stats_json(ix.stats()))
        self._send(HTTPStatus.NOT_FOUND, _error(f"no page {path!r} (the API is described at /api)"))

    def _articles(self, wanted: dict) -> None:
        with self.server.pool.borrow() as ix:
            found = ix.articles()
        first = (wanted["page"] - 1) * wanted["limit"]
        self._send_json([serialize.summary_json(a) for a in found[first:first + wanted["limit"]]])

    def _article(self, article_id: str, query: dict) -> None:
        params.read((), query)
        with self.server.pool.borrow() as ix:
            article = ix.article(article_id) if article_id else None
        if article is None:
            message = f"no article {article_id!r} in {self.server.index_name} (see /api/articles)"
            return self._send(HTTPStatus.NOT_FOUND, _error(message))
        self._send_json(serialize.article_json(article))

    def _json(self, data, query, table) -> None:
        params.read(table, query)
        self._send_json(data)

    def _static(self, name: str) -> None:
        file = STATIC / name
        if name not in _static_files() or file.suffix not in _TYPES:
            return self._send(HTTPStatus.NOT_FOUND, _error(f"no file {name!r}"))
        self._send(HTTPStatus.OK, file.read_bytes(), _TYPES[file.suffix], cache="no-cache")

    def _send_json(self, data) -> None:
        self._send(HTTPStatus.OK, data)

    def _send(self, status: HTTPStatus, body, content_type: str = "application/json; charset=utf-8",
              cache: str = "no-store", extra: dict | None = None) -> None:
        if not isinstance(body, bytes):
            body = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        for name, value in {**SECURITY_HEADERS, "Content-Type": content_type, "Cache-Control": cache,
                            "Content-Length": str(len(body)), **(extra or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if getattr(self, "_send_body", True) and self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)


def _error(message: str) -> dict:
    return {"error": message}


def _static_files() -> set[str]:
    return {p.name for p in STATIC.iterdir() if p.is_file()}


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_server(index_path: str, host: str = "127.0.0.1", port: int = 8000, readers: int = 1,
                quiet: bool = False) -> SearchServer:
    """A server for the index at `index_path` (not yet serving: call serve_forever). Raises NoIndexError at once
    when there is no index there; port 0 picks a free port (see `.url`)."""
    from ..api import Index

    first = Index(index_path, create=False)
    first.stats()  # fails now, not on the first request, when the index cannot be read
    pool = IndexPool(lambda: Index(index_path, create=False), size=readers, first=first)
    try:
        return SearchServer((host, port), pool, first.location, quiet=quiet)
    except OSError as exc:
        first.close()
        raise SearchkitError(f"cannot listen on {host}:{port} ({exc.strerror}; try another --port)") from exc


def serve(index_path: str, host: str = "127.0.0.1", port: int = 8000, readers: int = 1) -> None:
    """Serve until Ctrl-C, saying where on stdout; binding to a non-loopback address is warned about on stderr."""
    server = make_server(index_path, host, port, readers)
    if not is_loopback(host):
        print(f"searchkit: warning: serving on {host}, not loopback: anyone who can reach this machine on port "
              f"{server.server_address[1]} can read the index (use --host 127.0.0.1 to keep it local)", file=sys.stderr)
    print(f"searchkit: serving {server.index_name} at {server.url} (HTTP API: {server.url}api; Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
