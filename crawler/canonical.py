"""When a page's canonical URL is believed: only when it names a different article that can be had.

A page that names another page of its site as canonical (an AMP copy, a print version) is settled by that
page: the spider fetches it instead and lists the copy among its other URLs. Sites get this wrong: a template
may name the homepage, or the section, as every article's canonical; a relative canonical may point to a URL
that answers 404, or one robots.txt forbids. Believed blindly, such a canonical loses the article (recorded a
`duplicate` of a page that is none, or of nothing). `CanonicalPolicy` says why a canonical is not believed:

- it names the homepage, or a section the page lies under (its path an ancestor of the page's path);
- more than CANONICAL_SHARED_LIMIT other pages of this crawl named it (a template's constant, not a copy's);
- fetching it failed, or gave no article (`failed`, told by the spider).

A page whose canonical is not believed is decided on its own merits. Pages waiting for a canonical page that
then fails are decided on their own merits as well (the spider keeps them until it is fetched).
"""

from __future__ import annotations

from urllib.parse import urlsplit


class CanonicalPolicy:
    def __init__(self, shared_limit: int, identity):
        self.shared_limit = shared_limit
        self.identity = identity  # URL -> identity (UrlCleaner.identity)
        self.named_by: dict[str, set[str]] = {}  # canonical identity -> identities of the pages naming it
        self.failed: set[str] = set()  # identities of pages fetched without an article, or not fetched

    def doubt(self, canonical: str, url: str) -> str | None:
        """Why this page's canonical (another page of its site) is not believed, or None."""
        target = self.identity(canonical)
        namers = self.named_by.setdefault(target, set())
        namers.add(self.identity(url))
        if is_homepage(canonical):
            return f"canonical {canonical} is the homepage"
        if is_section_of(canonical, url):
            return f"canonical {canonical} is a section the page lies under"
        if target in self.failed:
            return f"canonical {canonical} could not be had"
        if self.shared_limit and len(namers) > self.shared_limit:
            return f"canonical {canonical} is named by {len(namers)} pages of this crawl"
        return None

    def shared_too_widely(self, canonical: str) -> bool:
        return bool(self.shared_limit) and len(self.named_by.get(self.identity(canonical), ())) > self.shared_limit

    def mark_failed(self, url: str) -> None:
        self.failed.add(self.identity(url))

    def has_failed(self, url: str) -> bool:
        return self.identity(url) in self.failed


def is_homepage(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path.strip("/") in ("", "index.html", "index.htm", "index.php") and not parts.query


def is_section_of(canonical: str, url: str) -> bool:
    """The canonical's path is a folder the page's path lies in: `/politics/` for `/politics/2024/story`."""
    folder = urlsplit(canonical).path.rstrip("/") + "/"
    path = urlsplit(url).path
    return not urlsplit(canonical).query and folder != "/" and path.startswith(folder) and path != folder
