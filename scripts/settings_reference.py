"""Writes docs/settings.md, the settings reference, from crawler/settings.py: every setting's name, its default
and the comment that documents it (the comment lines just above it and the one at the end of its first line).

    python scripts/settings_reference.py           # writes docs/settings.md
    python scripts/settings_reference.py --check   # exit 1 if docs/settings.md is not current

tests/test_settings_reference.py checks that the file is current, so a setting added or changed in
crawler/settings.py without running this script fails the suite.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = ROOT / "crawler" / "settings.py"
REFERENCE = ROOT / "docs" / "settings.md"
SECTION = re.compile(r"#\s*---\s*(.*?)\s*-*\s*$")  # "# --- Politeness: on by default. ---------"


@dataclass
class Setting:
    name: str
    default: str
    doc: str
    section: str


def comments_by_line(source: str) -> dict[int, str]:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {token.start[0]: token.string for token in tokens if token.type == tokenize.COMMENT}


def read_settings(source: str) -> list[Setting]:
    lines = source.splitlines()
    comments = comments_by_line(source)
    settings, section = [], ""
    sections = {number: match.group(1) for number, text in comments.items()
                if lines[number - 1].lstrip().startswith("#") and (match := SECTION.match(text))}
    for node in ast.parse(source).body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if not isinstance(target, ast.Name) or not target.id.isupper() or node.value is None:
            continue
        section = next((sections[n] for n in sorted(sections, reverse=True) if n < node.lineno), section)
        above = []
        number = node.lineno - 1
        while number in comments and lines[number - 1].lstrip().startswith("#") and number not in sections:
            above.insert(0, comments[number].lstrip("#").strip())
            number -= 1
        inline = comments.get(node.lineno) if not lines[node.lineno - 1].lstrip().startswith("#") else None
        doc = " ".join([*above, *([inline.lstrip("#").strip()] if inline else [])])
        default = ast.get_source_segment(source, node.value) or ""
        settings.append(Setting(target.id, default, doc, section))
    return settings


def default_markdown(default: str) -> str:
    if "\n" in default or len(default) > 80:
        return f"\n```python\n{default}\n```\n"
    return f" `{default}`\n"


def render(source: str) -> str:
    out = ["# Settings reference", "",
           "Generated from `crawler/settings.py` by `scripts/settings_reference.py`: edit the comments there, then run",
           "the script (a test fails while this file is not current). Every setting can be overridden on the command",
           "line with `-s NAME=VALUE` (`storycrawl crawl` and `scrapy crawl` both take it); settings that are",
           "Scrapy's own are documented at https://docs.scrapy.org/en/latest/topics/settings.html.", ""]
    section = None
    for setting in read_settings(source):
        if setting.section != section:
            section = setting.section
            out += [f"## {section or 'Scrapy project'}", ""]
        out.append(f"### `{setting.name}`")
        out.append("")
        out.append("Default:" + default_markdown(setting.default))
        if setting.doc:
            out += [setting.doc, ""]
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv: list[str]) -> int:
    text = render(SETTINGS.read_text(encoding="utf-8"))
    if "--check" in argv:
        current = REFERENCE.read_text(encoding="utf-8") if REFERENCE.exists() else ""
        if current != text:
            print(f"{REFERENCE.relative_to(ROOT)} is not current: run python scripts/settings_reference.py",
                  file=sys.stderr)
            return 1
        return 0
    REFERENCE.parent.mkdir(exist_ok=True)
    REFERENCE.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
