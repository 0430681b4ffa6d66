"""Raw markup read without a parse, in linear time: what charset detection and the wall cue scan read.

Both work on bytes or text. A page may be hostile (thousands of unclosed `<script>` or `<!--`, a run of
`<` without `>`): a plain `<script.*?</script>` tries every later character from every opening tag, which
takes seconds on such a page; here every character is looked at a bounded number of times.
"""

from __future__ import annotations

import re
from typing import Any, AnyStr

_OPENINGS = r"<(script|style|template)\b|<!--"
_ENDS = {"script": r"</script\s*>", "style": r"</style\s*>", "template": r"</template\s*>", "": r"-->"}
_TAG = r"<[^<>]*>"  # stops at the next "<": an unclosed "<" is not a tag, and costs no scan to the end

_PATTERNS: dict[type, tuple[re.Pattern[Any], dict[str, re.Pattern[Any]], re.Pattern[Any]]] = {
    kind: (re.compile(cast(_OPENINGS), re.I),
           {name: re.compile(cast(end), re.I) for name, end in _ENDS.items()},
           re.compile(cast(_TAG)))
    for kind, cast in ((str, str), (bytes, lambda p: p.encode("ascii")))
}


def visible_markup(page: AnyStr) -> AnyStr:
    """The page without its scripts, styles, templates and comments (each replaced by a space). An
    unclosed one runs to the end of the page, as it does in a browser."""
    openings, ends, _ = _PATTERNS[type(page)]
    space = " " if isinstance(page, str) else b" "
    parts, position = [], 0
    while (opening := openings.search(page, position)) is not None:
        parts.append(page[position:opening.start()])
        name = opening.group(1) or ""
        end = ends[name.lower() if isinstance(name, str) else name.decode("ascii").lower()].search(page, opening.end())
        if end is None:
            return space.join(parts)
        position = end.end()
    parts.append(page[position:])
    return space.join(parts)


def without_tags(markup: AnyStr) -> AnyStr:
    """Every tag replaced by a space; character references are left as they are."""
    return _PATTERNS[type(markup)][2].sub(" " if isinstance(markup, str) else b" ", markup)
