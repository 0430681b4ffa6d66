"""The demo crawl's corpus is a fixed point: refactors must leave every byte of it as it is.

`fixtures/golden/demo-corpus.json` holds the text files' sha256 digests, the manifest and the decisions of the demo
crawl, with what must vary from run to run taken out (the fixture web's port, the checkout's path, clock times).
After a deliberate change of behaviour, write it anew with
`storycrawl demo --out C -s CONCURRENT_REQUESTS_PER_DOMAIN=1 && python tests/test_demo_corpus_golden.py C`
and say why in the commit.

One request at a time per outlet: a URL two listings name (a feed and a section page) is credited to the one
read first, and two copies of one article are told apart by which arrived first. With two requests in flight
per outlet, which one that is depends on the machine's load (about one run in five under pytest); served one
after the other, an outlet's pages arrive in the order they were asked for.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import pytest

from conftest import FAST, run_storycrawl
from crawler.fixture_web import DEMO_PORT

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "golden" / "demo-corpus.json"
CLOCK_FIELDS = {"fetched_at", "at"}
ONE_AT_A_TIME = ["-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
pytestmark = pytest.mark.slow


def normalised(value, port: int, root: str):
    """One record with the run's port, the checkout's path and clock times replaced by fixed markers."""
    if isinstance(value, dict):
        return {key: "<clock>" if key in CLOCK_FIELDS else normalised(item, port, root) for key, item in value.items()}
    if isinstance(value, list):
        return [normalised(item, port, root) for item in value]
    if isinstance(value, str):
        return re.sub(rf":{port}\b", ":<port>", value.replace(root, "<root>"))
    return value


def snapshot(corpus: Path, port: int) -> dict:
    root = str(Path(__file__).resolve().parents[1])
    def records(name: str) -> list:
        lines = (corpus / name).read_text(encoding="utf-8").splitlines()
        found = [normalised(json.loads(line), port, root) for line in lines]
        return sorted(found, key=lambda record: json.dumps(record, sort_keys=True))
    texts = {p.relative_to(corpus).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(corpus.rglob("*.txt"))}
    return {"texts": texts, "manifest": records("manifest.jsonl"), "decisions": records("decisions.jsonl")}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    """`storycrawl demo`, exactly as a user runs it (its own fixture web on the demo port)."""
    corpus = tmp_path_factory.mktemp("demo") / "corpus"
    result = run_storycrawl("demo", "--out", str(corpus), *FAST, *ONE_AT_A_TIME)
    assert result.returncode == 0, result.stderr[-3000:]
    return snapshot(corpus, DEMO_PORT)


@pytest.fixture(scope="module")
def golden() -> dict:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_the_demo_texts_are_byte_identical_to_the_golden_corpus(demo, golden):
    assert demo["texts"] == golden["texts"]


def test_the_demo_manifest_is_identical_to_the_golden_corpus(demo, golden):
    assert demo["manifest"] == golden["manifest"]


def test_the_demo_decisions_are_identical_to_the_golden_corpus(demo, golden):
    assert demo["decisions"] == golden["decisions"]


if __name__ == "__main__":
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(json.dumps(snapshot(Path(sys.argv[1]), DEMO_PORT), indent=1, ensure_ascii=False) + "\n")
