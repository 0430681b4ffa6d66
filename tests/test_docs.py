"""The documentation stays true to the code: the settings reference is generated from crawler/settings.py and
current, the README stays a short front page with its three result tables, and links between the documents lead
to files that exist."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_the_settings_reference_is_current():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "settings_reference.py"), "--check"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_the_settings_reference_names_every_setting_with_its_default_and_comment():
    reference = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert "### `KEEP_UNDATED_ARTICLES`\n\nDefault: `True`\n\nA page whose publication date cannot be read" in reference
    assert "### `RETRY_BACKOFF_MAX`\n\nDefault: `60.0`\n\nthe longest wait before a retry" in reference


def test_the_readme_is_a_short_front_page():
    assert len((ROOT / "README.md").read_bytes()) < 10 * 1024


def test_the_readme_keeps_the_extraction_ablation_and_crawl_speed_tables():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "| set | pages | cleaners P / R / F1 | trafilatura P / R / F1 |" in readme
    assert "| step off | aeb-dev |" in readme
    assert "| pages | (a) crawl | (b) cleaners" in readme


def test_links_between_the_documents_lead_to_files_that_exist():
    for doc in DOCS:
        for target in LINK.findall(doc.read_text(encoding="utf-8")):
            if "://" not in target:
                assert (doc.parent / target).exists(), f"{doc.name} links to {target}"


def test_no_internal_issue_labels_in_user_documentation():
    for doc in [*DOCS, *ROOT.glob("fixtures/*/README.md"), ROOT / "cleaners" / "sites" / "README.md"]:
        assert not re.search(r"\bIssue \d+/\d+", doc.read_text(encoding="utf-8")), doc
