"""The corpus on disk: safe file names, atomic writes, an append-only manifest; `read` gives its articles back
as records (crawler/export.py writes them to one JSON Lines or Parquet file)."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

from cleaners.atomic import write_atomic as write_atomic  # (re-exported) the crawl writes its files this one way

MAX_SLUG_CHARS = 80
# ...and UTF-8 bytes: 80 CJK characters are 240 bytes, and a file name (date, slug, ".txt", and the temporary
# name write_atomic adds 14 bytes to) must stay under the 255 bytes file systems allow.
MAX_SLUG_BYTES = 160
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def slugify(text: str, max_chars: int = MAX_SLUG_CHARS) -> str:
    """Lowercase letters (any script), digits and single hyphens: never a path separator or dot name."""
    text = unicodedata.normalize("NFKC", text).casefold()
    slug = re.sub(r"[^\w]+|_+", "-", text).strip("-")
    slug = slug[:max_chars].encode()[:MAX_SLUG_BYTES].decode("utf-8", "ignore").rstrip("-")
    if slug in WINDOWS_RESERVED:
        slug += "-"
    return slug


def article_slug(url: str, title: str) -> str:
    """The URL's last path segment says what the site calls the article; the title when it says nothing."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    last = re.sub(r"\.(?:s?html?|php|aspx?)$", "", unquote(segments[-1])) if segments else ""
    slug = slugify(last)
    if not re.search(r"[^\W\d_]", slug):  # only digits or empty: an id, not a name
        slug = slugify(title) or slug
    return slug or "article"


def article_path(language: str | None, outlet: str, day: str | None, slug: str) -> Path:
    lang = language if language and re.fullmatch(r"[a-z]{2,3}", language) else "und"
    return Path(lang) / slugify(outlet) / f"{day or 'undated'}-{slug}.txt"


class JsonLines:
    """An append-only JSON Lines file; every record is handed to the OS whole before the next (a killed
    process loses none), with `sync` also to the disk (a power cut loses none). Closing always syncs.

    A record the disk had no room for is taken back (the file truncated to where it was), and a line a crash
    left torn is ended at open: the next record never runs into half of one."""

    def __init__(self, path: Path, sync: bool = True):
        self.path = path
        self.sync = sync
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = path.open("ab+", buffering=0)
        if self._fh.seek(0, os.SEEK_END) and not self._ends_with_newline():
            self._write(b"\n")

    def _ends_with_newline(self) -> bool:
        self._fh.seek(-1, os.SEEK_END)
        return self._fh.read(1) == b"\n"

    def _write(self, data: bytes) -> None:
        start = self._fh.seek(0, os.SEEK_END)
        try:
            view = memoryview(data)
            while view:
                view = view[self._fh.write(view):]
        except BaseException:
            os.ftruncate(self._fh.fileno(), start)
            raise

    def append(self, record: dict) -> None:
        self._write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
        if self.sync:
            os.fsync(self._fh.fileno())

    def close(self) -> None:
        try:
            os.fsync(self._fh.fileno())
        finally:
            self._fh.close()


def read_jsonl(path: Path) -> list[dict]:
    """Records of a JSON Lines file; a torn last line (a crash mid-write) is skipped."""
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records


class CorpusReadError(Exception):
    """A corpus that cannot be read back: no manifest, or a text file the manifest names is gone."""


def read(corpus: str | Path) -> Iterator[dict]:
    """Each article of the corpus directory, as its manifest record plus `text`, in manifest order."""
    corpus = Path(corpus)
    manifest = corpus / "manifest.jsonl"
    if not manifest.is_file():
        raise CorpusReadError(f"{corpus}: no manifest.jsonl (not a corpus directory)")
    records = [record for record in read_jsonl(manifest) if record.get("path")]
    replaced = {record["previous_version"] for record in records if record.get("previous_version")}
    for record in records:
        if record["path"] in replaced:
            continue
        path = corpus / record["path"]
        try:
            content = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CorpusReadError(f"{path}: the text file of {record['url']} is missing") from None
        yield {**record, "text": body_of(content, record.get("title") or "")}


def body_of(content: str, title: str) -> str:
    """The text file is the title, a blank line, then the body."""
    head = title + "\n\n"
    return (content[len(head):] if content.startswith(head) else content).rstrip("\n")
