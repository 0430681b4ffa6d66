"""The fixture web: a miniature internet served on loopback for the demo, the tests and benchmarks.

Each outlet of `fixtures/web/outlets.toml` gets its own listener on its own 127.0.0.N address (all on
one port), so Scrapy gives every outlet its own download slot, as on the real web. See
`fixtures/web/README.md` for how paths map to files.

An outlet's `_status.toml` answers paths with behaviour of their own instead of a file (`_rule_reply`): a status
or redirect, a delay, failures before the file is served, extra headers, padding, a gzip bomb, a body sent
without Content-Length, generated trap pages. `fixtures/hostile-web/` (the bad-input table) uses them all.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import sys
import threading
import time
import tomllib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit


def packaged_or_checkout(packaged: str, checkout: str) -> Path:
    """A folder of the checkout (fixtures/web, stories) where it exists, else the copy an installed package
    carries as package data (crawler/demo_web, crawler/demo_stories: see pyproject.toml)."""
    here = Path(__file__).resolve().parent
    in_checkout = here.parent / checkout
    return in_checkout if in_checkout.is_dir() else here / packaged


FIXTURE_ROOT = packaged_or_checkout("demo_web", "fixtures/web")
DEMO_PORT = 8950

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".gz": "application/gzip",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
}
TEXT_SUFFIXES = {".html", ".xml", ".json", ".txt"}
NOT_FOUND = b"<html><body><h1>Not found</h1></body></html>"
PLACEHOLDER = re.compile(r"\{\{origin(?::([a-z0-9_-]+))?\}\}")


class FixtureWeb:
    """Serves every outlet of a fixture-web folder; `requests` logs what was asked for."""

    def __init__(self, root: Path = FIXTURE_ROOT, port: int = 0, log_path: Path | None = None):
        self.root = Path(root)
        self.addresses: dict[str, str] = tomllib.loads((self.root / "outlets.toml").read_text())["outlets"]
        self.port = port
        self.log_path = Path(log_path) if log_path else None
        self.requests: list[dict] = []
        self._hits: Counter = Counter()  # (outlet, rule key) -> requests a counted rule has answered
        self._bombs: dict[int, bytes] = {}
        self._lock = threading.Lock()
        self._servers: list[ThreadingHTTPServer] = []
        self._open = threading.Event()  # cleared while `held`: requests wait to be answered
        self._open.set()

    def origin(self, outlet: str) -> str:
        return f"http://{self.addresses[outlet]}:{self.port}"

    def start(self) -> FixtureWeb:
        requested = self.port
        for _attempt in range(20):
            try:
                self._bind_all(requested)
                break
            except OSError:
                self._close_servers()
                if requested:  # a fixed port (the demo's) that is taken: say so rather than move
                    raise
        else:
            raise OSError("could not find one free port on every fixture address")
        for server in self._servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
        self._close_servers()

    def __enter__(self) -> FixtureWeb:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @contextmanager
    def held(self) -> Iterator[None]:
        """Requests arriving in the block wait, unanswered, until it ends: a test lines several crawlers up at
        the start line, so none has crawled the whole web before another has started."""
        self._open.clear()
        try:
            yield
        finally:
            self._open.set()

    def wait_while_held(self) -> None:
        self._open.wait()

    def fetched_paths(self, outlet: str) -> list[str]:
        """The paths (with query) requested from one outlet, in order."""
        with self._lock:
            return [r["path"] for r in self.requests if r["outlet"] == outlet]

    def _bind_all(self, port: int) -> None:
        """Bind every outlet address; port 0 takes the first free port and reuses it for the rest."""
        for outlet, address in self.addresses.items():
            server = _OutletServer((address, port), _Handler, self, outlet)
            port = server.server_address[1]
            self._servers.append(server)
        self.port = port

    def _close_servers(self) -> None:
        for server in self._servers:
            server.server_close()
        self._servers = []

    def log_request(self, record: dict) -> None:
        with self._lock:
            self.requests.append(record)
            if self.log_path:
                with self.log_path.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(record) + "\n")

    def render(self, outlet: str, text: str) -> str:
        return PLACEHOLDER.sub(lambda m: self.origin(m.group(1) or outlet), text)

    def status_rules(self, outlet: str) -> dict:
        rules_file = self.root / outlet / "_status.toml"
        if not rules_file.exists():
            return {}
        return tomllib.loads(rules_file.read_text()).get("paths", {})

    def rule_for(self, outlet: str, path: str, exact: bool) -> tuple[str, dict] | None:
        """The rule keyed by the path itself (exact), or the longest `prefix*` key the path starts with."""
        rules = self.status_rules(outlet)
        if exact:
            return (path, rules[path]) if path in rules else None
        prefixes = [key for key in rules if key.endswith("*") and path.startswith(key[:-1])]
        key = max(prefixes, key=len, default=None)
        return (key, rules[key]) if key else None

    def take_turn(self, outlet: str, key: str, rule: dict) -> bool:
        """Whether the rule answers this request: a rule with `failures = N` answers only the first N."""
        if "failures" not in rule:
            return True
        with self._lock:
            self._hits[outlet, key] += 1
            return self._hits[outlet, key] <= rule["failures"]

    def bomb(self, size: int) -> bytes:
        """Gzip members of 1 MiB of spaces, concatenated (a valid gzip stream): ~1 KB per MiB inflated."""
        with self._lock:
            if size not in self._bombs:
                self._bombs[size] = gzip.compress(b" " * (1 << 20), compresslevel=9) * max(1, size >> 20)
            return self._bombs[size]


class _OutletServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, handler, web: FixtureWeb, outlet: str):
        self.web = web
        self.outlet = outlet
        super().__init__(address, handler)

    def handle_error(self, request, client_address):
        """A client that hangs up (a timeout, a size limit) is part of the bad-input table, not a server error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _OutletServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # the request log replaces stderr noise
        pass

    def do_HEAD(self):
        self._answer(send_body=False)

    def do_GET(self):
        self._answer(send_body=True)

    def _answer(self, send_body: bool) -> None:
        web, outlet = self.server.web, self.server.outlet
        web.wait_while_held()
        arrived = time.time()  # tests read the gaps between requests (retry backoff) from it
        reply = validated(self._resolve(web, outlet, urlsplit(self.path).path), self.headers.get("If-None-Match"))
        web.log_request({"outlet": outlet, "method": self.command, "path": self.path, "status": reply.status,
                         "user_agent": self.headers.get("User-Agent", ""), "at": round(arrived, 4),
                         "if_none_match": self.headers.get("If-None-Match")})
        time.sleep(reply.delay)
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.length_known:
                self.send_header("Content-Length", str(len(reply.body)))
            else:  # the body ends when the connection does: the client cannot check its size up front
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if send_body:
                self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout, a size limit): fine
            self.close_connection = True

    def _resolve(self, web: FixtureWeb, outlet: str, path: str) -> _Reply:
        """An exact rule, then a file, then a `prefix*` rule, then 404."""
        found = web.rule_for(outlet, path, exact=True)
        if found and web.take_turn(outlet, *found):
            return _rule_reply(web, outlet, path, found[1])
        file = _find_file(web.root / outlet, path)
        if file is not None:
            return _Reply(200, {"Content-Type": _content_type(file)}, _file_bytes(web, outlet, file))
        if path.endswith(".gz"):
            plain = _find_file(web.root / outlet, path[:-3])
            if plain is not None:
                return _Reply(200, {"Content-Type": "application/gzip"}, gzip.compress(_file_bytes(web, outlet, plain)))
        found = web.rule_for(outlet, path, exact=False)
        if found and web.take_turn(outlet, *found):
            return _rule_reply(web, outlet, path, found[1])
        return _Reply(404, {"Content-Type": "text/html; charset=utf-8"}, NOT_FOUND)


@dataclass
class _Reply:
    status: int
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0
    length_known: bool = True


def _rule_reply(web: FixtureWeb, outlet: str, path: str, rule: dict) -> _Reply:
    """What a `_status.toml` rule answers; every key is optional (fixtures/hostile-web/README.md lists them)."""
    file = web.root / outlet / rule["file"] if "file" in rule else None
    default_type = _content_type(file) if file else "text/html; charset=utf-8"
    headers = {"Content-Type": rule.get("content_type", default_type), **rule.get("headers", {})}
    if rule.get("trap") == "redirect":  # /chain/N -> /chain/N+1: a redirect chain without end
        rule = {**rule, "redirect": web.origin(outlet) + _next_page(path)}
    if "redirect" in rule:
        headers["Location"] = web.render(outlet, rule["redirect"])
    if file and rule.get("raw"):  # the file's bytes as they are: a page in a legacy charset
        body = file.read_bytes()
    elif file:  # a fixture file; `{{path}}` in it becomes the request path (pages told apart by their URL)
        body = _file_bytes(web, outlet, file).replace(b"{{path}}", html.escape(unquote(path)).encode())
    elif "trap" in rule:
        body = _trap_page(path, rule["trap"])
    elif "bomb" in rule:
        body = web.bomb(rule["bomb"])
    else:
        body = web.render(outlet, rule.get("body", "")).encode()
    if rule.get("padding"):  # whitespace in a comment: the page as a browser shows it, only bigger
        body += b"<!--" + b" " * rule["padding"] + b"-->"
    status = rule.get("status", 302 if "redirect" in rule else 200)
    return _Reply(status, headers, body, delay=rule.get("delay", 0.0), length_known=not rule.get("no_length", False))


def validated(reply: _Reply, if_none_match: str | None) -> _Reply:
    """Every page carries an ETag (its content's hash), as most news sites' servers send one; a conditional
    request naming the current one gets 304 Not Modified and no body."""
    if reply.status != 200:
        return reply
    etag = '"' + hashlib.sha1(reply.body).hexdigest()[:16] + '"'
    if if_none_match == etag:
        return _Reply(304, {"ETag": etag}, b"")
    return _Reply(reply.status, {**reply.headers, "ETag": etag}, reply.body, delay=reply.delay,
                  length_known=reply.length_known)


def _trap_page(path: str, kind: str) -> bytes:
    """A page that links the next one forever: `day` (path ends in a date: the previous and next day) or
    `page` (path ends in a number: the next page). Only the follow depth stops a crawler."""
    head, _, last = path.rstrip("/").rpartition("/")
    if kind == "day":
        day = date.fromisoformat(last)
        links = [f"{head}/{day - timedelta(days=1)}", f"{head}/{day + timedelta(days=1)}"]
    else:
        links = [_next_page(path)]
    items = "".join(f'<li><a href="{link}">{link}</a></li>' for link in links)
    return (f"<!doctype html><html><head><title>Archive {last}</title></head><body><h1>Archive {last}</h1>"
            f"<ul>{items}</ul></body></html>").encode()


def _next_page(path: str) -> str:
    head, _, number = path.rstrip("/").rpartition("/")
    return f"{head}/{int(number) + 1}"


def _find_file(outlet_root: Path, path: str) -> Path | None:
    relative = path.lstrip("/")
    if any(part.startswith((".", "_")) for part in relative.split("/")):
        return None
    base = outlet_root / relative
    candidates = [base / "index.html"] if path.endswith("/") else [base, Path(f"{base}.html"), Path(f"{base}.json"), base / "index.html"]
    for candidate in candidates:
        try:
            if candidate.is_file() and outlet_root.resolve() in candidate.resolve().parents:
                return candidate
        except OSError:  # a path segment longer than the file system allows (the hostile web asks for one)
            return None
    return None


def _content_type(file: Path) -> str:
    return CONTENT_TYPES.get(file.suffix, "application/octet-stream")


def _file_bytes(web: FixtureWeb, outlet: str, file: Path) -> bytes:
    if file.suffix in TEXT_SUFFIXES:
        return web.render(outlet, file.read_text(encoding="utf-8")).encode("utf-8")
    return file.read_bytes()
