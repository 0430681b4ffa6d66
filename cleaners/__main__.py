"""`python -m cleaners PAGE.html [--url U] [--json]`: print a page's clean text, or its JSON."""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

from . import extract


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cleaners", description=__doc__)
    parser.add_argument("page", type=Path, help="an HTML file (.html or .html.gz), or - for standard input")
    parser.add_argument("--url", help="the page's URL (resolves relative links, picks a site profile)")
    parser.add_argument("--json", action="store_true", help="print the whole Article as JSON")
    args = parser.parse_args(argv)
    raw = sys.stdin.buffer.read() if str(args.page) == "-" else args.page.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    article = extract(raw, url=args.url)
    if article is None:
        print("no article text found", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(article.as_text_file())
    return 0


if __name__ == "__main__":
    sys.exit(main())
