"""`storycrawl demo` from the built wheel installed in a fresh virtual environment, away from the checkout: the
fixture web and the demo story come with the package (package data)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.11", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding the wheel built from this checkout. Its dependencies are this test run's own
    (a .pth line adds their site-packages, without running that folder's own .pth files: the checkout's
    editable install stays out), so nothing is downloaded and nothing is installed but the wheel."""
    work = tmp_path_factory.mktemp("installed")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                            "-w", str(work / "dist"), str(ROOT)], capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr[-3000:]
    wheel = next((work / "dist").glob("storycrawler-*.whl"))
    venv.create(work / "venv", with_pip=False)
    python = work / "venv" / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-index",
                              "--no-deps", "-q", str(wheel)], capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr[-3000:]
    return work / "venv"


def test_the_installed_package_is_the_wheel_not_the_checkout(installed, tmp_path):
    where = subprocess.run([str(installed / "bin" / "python"), "-c", "import crawler, crawler.fixture_web as w, "
                            "crawler.cli as c; print(crawler.__file__); print(w.FIXTURE_ROOT); print(c.DEMO_STORY)"],
                           capture_output=True, text=True, cwd=tmp_path, check=True).stdout.split()
    assert all(Path(path).is_relative_to(installed) for path in where), where


def test_storycrawl_demo_runs_from_the_installed_package(installed, tmp_path):
    result = subprocess.run([str(installed / "bin" / "storycrawl"), "demo", "--port", str(free_port()), "--out",
                             "corpus", "-s", "PROGRESS_INTERVAL=0", "-s", "AUTOTHROTTLE_START_DELAY=0.05",
                             "-s", "DOWNLOAD_DELAY=0.05"], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "corpus" / "report.json").read_text())
    assert report["totals"]["written"] > 10 and report["finish_reason"] == "finished"
    assert (tmp_path / "corpus" / "report.html").is_file()


def test_the_installed_package_has_the_distributed_crawls_scripts(installed, tmp_path):
    """The Redis scripts are package data: each one the checkout has is read from the wheel's copy."""
    checkout = sorted(path.name for path in (ROOT / "crawler" / "distributed" / "scripts").glob("*.lua"))
    read = subprocess.run([str(installed / "bin" / "python"), "-c",
                           "from importlib.resources import files; import crawler.distributed as d; "
                           "print(d.__file__); scripts = files(d) / 'scripts'; "
                           "print(*sorted(p.name for p in scripts.iterdir() if p.read_text().strip()))"],
                          capture_output=True, text=True, cwd=tmp_path, check=True).stdout.split()
    assert Path(read[0]).is_relative_to(installed)
    assert read[1:] == checkout and "push.lua" in checkout
