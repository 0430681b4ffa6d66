"""The fixture web: a miniature internet served on loopback for the demo, the tests and benchmarks.

Each outlet of `fixtures/web/outlets.toml` gets its own listener on its own 127.0.0.N address (all on
one port), so Scrapy gives every outlet its own download slot, as on the real web. See
`fixtures/web/README.md` for how paths map to files.
"""

from __future__ import annotations

import gzip
import json
import re
import threading
import tomllib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

FIXTURE_ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "web"
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
PLACEHOLDER = re.compile(r"\{\{origin(?::([a-z0-9_-]+))?\}\}")


class FixtureWeb:
    """Serves every outlet of a fixture-web folder; `requests` logs what was asked for."""

    def __init__(self, root: Path = FIXTURE_ROOT, port: int = 0, log_path: Path | None = None):
        self.root = Path(root)
        self.addresses: dict[str, str] = tomllib.loads((self.root / "outlets.toml").read_text())["outlets"]
        self.port = port
        self.log_path = Path(log_path) if log_path else None
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._servers: list[ThreadingHTTPServer] = []

    def origin(self, outlet: str) -> str:
        return f"http://{self.addresses[outlet]}:{self.port}"

    def start(self) -> "FixtureWeb":
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

    def __enter__(self) -> "FixtureWeb":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

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


class _OutletServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, handler, web: FixtureWeb, outlet: str):
        self.web = web
        self.outlet = outlet
        super().__init__(address, handler)


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
        path = urlsplit(self.path).path
        status, headers, body = self._resolve(web, outlet, path)
        web.log_request({"outlet": outlet, "method": self.command, "path": self.path, "status": status,
                         "user_agent": self.headers.get("User-Agent", "")})
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _resolve(self, web: FixtureWeb, outlet: str, path: str) -> tuple[int, dict, bytes]:
        rule = web.status_rules(outlet).get(path)
        if rule:
            headers = {"Content-Type": rule.get("content_type", "text/html; charset=utf-8")}
            if "redirect" in rule:
                headers["Location"] = web.render(outlet, rule["redirect"])
            return rule.get("status", 302), headers, rule.get("body", "").encode()
        file = _find_file(web.root / outlet, path)
        if file is not None:
            return 200, {"Content-Type": _content_type(file)}, _file_bytes(web, outlet, file)
        if path.endswith(".gz"):
            plain = _find_file(web.root / outlet, path[:-3])
            if plain is not None:
                return 200, {"Content-Type": "application/gzip"}, gzip.compress(_file_bytes(web, outlet, plain))
        return 404, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body><h1>Not found</h1></body></html>"


def _find_file(outlet_root: Path, path: str) -> Path | None:
    relative = path.lstrip("/")
    if any(part.startswith((".", "_")) for part in relative.split("/")):
        return None
    base = outlet_root / relative
    candidates = [base / "index.html"] if path.endswith("/") else [base, Path(f"{base}.html"), Path(f"{base}.json"), base / "index.html"]
    for candidate in candidates:
        if candidate.is_file() and outlet_root.resolve() in candidate.resolve().parents:
            return candidate
    return None


def _content_type(file: Path) -> str:
    return CONTENT_TYPES.get(file.suffix, "application/octet-stream")


def _file_bytes(web: FixtureWeb, outlet: str, file: Path) -> bytes:
    if file.suffix in TEXT_SUFFIXES:
        return web.render(outlet, file.read_text(encoding="utf-8")).encode("utf-8")
    return file.read_bytes()
