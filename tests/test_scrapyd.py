"""Scrapyd (issue 5/7): a real scrapyd on loopback, the project deployed with scrapyd-client, `story` scheduled
through the HTTP API on the fixture web; the corpus is the one `storycrawl crawl` writes."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

from conftest import FAST, ROOT, story_for
from crawler.corpus import read_jsonl

BIN = Path(sys.executable).parent
NOT_DEPLOYED = shutil.ignore_patterns(".venv", ".git", "__pycache__", ".pytest_cache", ".hypothesis", "build",
                                      "*.egg-info", "corpus*", "bench", "docs")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(f"{base}/{endpoint}", data=body, timeout=30) as answer:
        return json.loads(answer.read())


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory):
    """scrapyd from the test dependencies, on 127.0.0.1, with everything it keeps in a temporary folder."""
    work = tmp_path_factory.mktemp("scrapyd")
    port = free_port()
    (work / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {work / 'eggs'}\n"
        f"logs_dir = {work / 'logs'}\nitems_dir =\ndbs_dir = {work / 'dbs'}\npoll_interval = 0.2\nmax_proc = 1\n")
    log = (work / "scrapyd.log").open("wb")
    process = subprocess.Popen([str(BIN / "scrapyd")], cwd=work, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if api(base, "daemonstatus.json")["status"] == "ok":
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(f"scrapyd did not start: {(work / 'scrapyd.log').read_text()[-2000:]}")
        yield base, work
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def scheduled_crawl(scrapyd, fixture_web):
    base, work = scrapyd
    project = work / "project"
    shutil.copytree(ROOT, project, ignore=NOT_DEPLOYED)
    config = project / "scrapy.cfg"
    config.write_text(config.read_text().replace("http://localhost:6800/", f"{base}/"))
    deploy = subprocess.run([str(BIN / "scrapyd-deploy"), "local"], cwd=project, capture_output=True, text=True,
                            timeout=180)
    story = story_for(fixture_web, work)
    corpus = work / "corpus"
    settings = [("setting", f"CORPUS_DIR={corpus}")] + [("setting", v) for k, v in zip(FAST[::2], FAST[1::2])]
    job = api(base, "schedule.json", [("project", "storycrawler"), ("spider", "story"), ("story", str(story)), *settings])
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        jobs = api(base, "listjobs.json?project=storycrawler")
        if any(j["id"] == job.get("jobid") for j in jobs["finished"]):
            break
        time.sleep(0.5)
    return deploy, job, corpus, work


@pytest.mark.slow
def test_scrapyd_deploy_uploads_the_project(scheduled_crawl):
    deploy, *_ = scheduled_crawl
    assert deploy.returncode == 0, deploy.stderr[-2000:]
    assert '"status": "ok"' in deploy.stdout + deploy.stderr


@pytest.mark.slow
def test_the_scheduled_job_finishes(scheduled_crawl):
    _, job, corpus, _ = scheduled_crawl
    assert job["status"] == "ok"
    assert json.loads((corpus / "report.json").read_text())["finish_reason"] == "finished"


@pytest.mark.slow
def test_the_scheduled_crawl_writes_the_corpus_storycrawl_writes(scheduled_crawl, demo_crawl):
    _, _, corpus, _ = scheduled_crawl
    texts = {p.relative_to(corpus).as_posix(): p.read_text() for p in corpus.rglob("*.txt")}
    expected = {p.relative_to(demo_crawl.corpus).as_posix(): p.read_text() for p in demo_crawl.corpus.rglob("*.txt")}
    assert texts == expected
    assert len(read_jsonl(corpus / "manifest.jsonl")) == len(demo_crawl.manifest)


@pytest.mark.slow
def test_the_deployed_egg_has_the_distributed_crawls_scripts(scheduled_crawl):
    """A worker of a distributed crawl run by scrapyd reads its Redis scripts from the egg (package data)."""
    *_, work = scheduled_crawl
    egg = next((work / "eggs" / "storycrawler").glob("*.egg"))
    in_egg = {Path(name).name for name in zipfile.ZipFile(egg).namelist()
              if name.startswith("crawler/distributed/scripts/")}
    assert in_egg == {path.name for path in (ROOT / "crawler" / "distributed" / "scripts").glob("*.lua")}
