"""A fetched article candidate: cleaned in its turn, judged, and handed to the pipelines as an ArticleItem, or
decided; copies of one article (a redirect's target also listed, AMP and other alternates naming a canonical page)
become one article with its other URLs."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.http import HtmlResponse, Response

from cleaners import Article, Draft
from cleaners.dates import parse_day

from .candidates import Candidates, failure_reason
from .canonical import CanonicalPolicy
from .cleaning import ArrivalOrder
from .discovery import Listing
from .fetch_cost import fetched_listing_page
from .items import ArticleItem
from .listings_flow import ListingsFlow
from .page_facts import PageFacts
from .report import candidate_found, record_decision, utc_now
from .run import StoryRun
from .verdicts import NotAnArticle, PageJudge, page_facts


class ArticleFlow:
    """The spider's article callback and errback. `logger`: the spider's."""

    def __init__(self, crawler, run: StoryRun, candidates: Candidates, listings: ListingsFlow, judge: PageJudge,
                 logger):
        self.crawler = crawler
        self.run = run
        self.urls, self.frontier = run.urls, run.frontier
        self.candidates = candidates
        self.listings = listings
        self.judge = judge
        self.logger = logger
        self.canonicals = CanonicalPolicy(crawler.settings.getint("CANONICAL_SHARED_LIMIT"), self.urls.identity)
        self.waiting_copies: dict[str, list] = {}  # canonical page's identity -> [(response, article)] waiting for it
        self.arrival = ArrivalOrder()
        self.last_cleaned_record: tuple[str, int] | None = None  # (WARC file, offset) of the last page cleaned: see note_cleaning_order

    async def parse(self, response: Response) -> list:
        """The page is drafted off the reactor (crawler/cleaning.py), then finished, with site memory, in its
        turn: pages are finished in the order they were received (their WARC order), which site template
        learning depends on and `reclean` replays."""
        candidate = response.meta["candidate"]
        if response.status == 304:
            record_decision(self.crawler, url=response.url, outlet=candidate["outlet"], reason="unchanged",
                            detail="HTTP 304", via=candidate["via"])
            return []
        turn = self.arrival.turn()
        self.note_cleaning_order(response)
        try:
            draft = await self.judge.draft(response)
            await turn.wait()
            if self.frontier.was_cleaned(self.urls.identity(response.url)):
                return self.fetched_again(response, draft)
            verdict = self.judge.listing_or(self.judge.article_from(draft, page_facts(response)), response)
            self.frontier.mark_cleaned(self.urls.identity(url) for url in reached_urls(response))
            outputs = self.article_outputs(response, verdict)
            if isinstance(verdict, NotAnArticle) and found_by_following(candidate):
                self.crawler.signals.send_catch_log(fetched_listing_page, outlet=candidate["outlet"])
            if (isinstance(response, HtmlResponse) and candidate["follow_depth"] is not None
                    and self.leads_to_story(verdict, page_facts(response))):
                outputs.extend(self.listings.follow(response, self.candidates.source_of(response),
                                                    candidate["follow_depth"]))
            outputs.extend(self.listings.article_led_from(candidate, verdict))
            return outputs
        finally:
            turn.done()

    def leads_to_story(self, verdict: Article | NotAnArticle, facts: PageFacts | None = None) -> bool:
        """Whether a page's links lead to the story. A page that is no article is a listing: its links are followed.
        An article's links are followed when it is of the story (in the window, on topic): its related links are
        likely coverage too; another article's lead to its neighbours in the archive, not to the story.
        The same however the page was found (a start page's link, a feed's, sitemap's or GDELT entry, the story's
        `urls`): each is one hop from its listing, and the source's `follow.depth` bounds the hops (`follow`)."""
        if isinstance(verdict, NotAnArticle):
            return True
        if not self.run.story.in_window(parse_day(verdict.published) if verdict.published else None):
            return False
        if facts is not None and facts.describes(verdict.title, verdict.text):
            return facts.relevance.on_topic
        return self.run.relevance.match(verdict.title, verdict.text).on_topic

    def fetched_again(self, response: Response, draft: Draft | NotAnArticle | None) -> list:
        """A page this run cleaned already: a redirect's target also listed, an AMP copy its canonical page
        declared, or, after a resume, a pending request of the killed run that the new run found again. The
        first one cleaned is the article."""
        detail = "fetched again: cleaned once already in this run"
        canonical = draft.meta.canonical_url if isinstance(draft, Draft) else None
        copy = bool(canonical and self.is_other_page_of_same_site(canonical, response.url))
        if copy:  # settled, like an alternate copy, by its canonical article's record
            detail += f", as a copy of {canonical}"
        record_decision(self.crawler, url=response.url, outlet=response.meta["candidate"]["outlet"], reason="duplicate",
                        detail=detail, via=response.meta["candidate"]["via"], kind="same_url", provisional=copy)
        return []

    def article_outputs(self, response: Response, verdict: Article | NotAnArticle) -> list:
        candidate = response.meta["candidate"]
        if isinstance(verdict, NotAnArticle):
            record_decision(self.crawler, url=response.url, outlet=candidate["outlet"], reason="not_article",
                            detail=verdict.reason, via=candidate["via"])
            return self.canonical_failed(reached_urls(response))
        if verdict.wall:
            record_decision(self.crawler, url=response.url, outlet=candidate["outlet"], reason="wall",
                            detail=verdict.wall, via=candidate["via"])
            return self.canonical_failed(reached_urls(response))
        canonical = verdict.canonical_url
        if canonical and self.is_other_page_of_same_site(canonical, response.url):
            doubt = self.canonicals.doubt(canonical, response.url)
            if doubt:  # copies still waiting for a canonical now named too widely are decided on their own too
                return self.on_own_merits(response, verdict, doubt) + self.release_copies(canonical, doubt)
            if not self.in_corpus_or_cleaned(canonical):
                return self.alternate_copy(response, verdict, canonical)
        for url in reached_urls(response):  # settled by this article: its copies are among its other URLs
            self.waiting_copies.pop(self.urls.identity(url), None)
        # A copy whose canonical page was cleaned already goes on as an article: the pipelines record it as
        # another URL of that page (duplicate_of), or decide what it is if that page was not kept.
        item = self.article_item(response, verdict)
        if verdict.amp_url and self.is_other_page_of_same_site(verdict.amp_url, response.url):
            self.take_declared_amp_copy(item, self.urls.clean(verdict.amp_url))
        return [item]

    def take_declared_amp_copy(self, item: ArticleItem, amp_url: str) -> None:
        """The AMP copy a page declares is another URL of its article, never fetched after it: so the corpus
        is the same whichever of the two pages a crawl met first. An AMP copy fetched already (met first)
        is among the item's other URLs by its alias; one still in flight is a page cleaned already."""
        identity = self.urls.identity(amp_url)
        if amp_url not in item.other_urls:
            item.other_urls.append(amp_url)
        self.frontier.mark_cleaned([identity])
        if self.frontier.claim(identity, item.url):  # met here first: a candidate found, with its one decision
            self.crawler.signals.send_catch_log(candidate_found, outlet=item.outlet, url=amp_url)
            record_decision(self.crawler, url=amp_url, outlet=item.outlet, reason="duplicate",
                            detail=f"declared AMP copy of {item.url}", via={"kind": "link", "url": item.url},
                            kind="same_url", provisional=True)

    def in_corpus_or_cleaned(self, url: str) -> bool:
        """Cleaned by this run, or in the corpus from an earlier one (a resumed or scheduled run)."""
        identity = self.urls.identity(url)
        if self.frontier.was_cleaned(identity):
            return True
        known = self.run.known(identity)
        return known is not None and known.in_corpus

    def alternate_copy(self, response: Response, article: Article, canonical: str) -> list:
        """An AMP or other copy of a canonical page not cleaned yet: that page is the article (fetched once,
        whichever way it came), and lists the URLs of this copy among its other URLs. The copy waits for it:
        if that page cannot be had (crawler/canonical.py), the copy is decided on its own merits."""
        candidate = response.meta["candidate"]
        requests = list(self.candidates.candidate(Listing(canonical), self.candidates.source_of(response),
                                                  candidate["via"]))
        if not requests and self.canonical_unavailable(canonical):
            return self.on_own_merits(response, article, f"canonical {canonical} could not be had")
        identity = self.urls.identity(canonical)
        self.frontier.add_aliases(identity, reached_urls(response))
        record_decision(self.crawler, url=response.url, outlet=candidate["outlet"], reason="duplicate",
                        detail=f"alternate of canonical {canonical}", via=candidate["via"], kind="same_url",
                        provisional=True)
        self.waiting_copies.setdefault(identity, []).append((response, article))
        return requests

    def canonical_unavailable(self, canonical: str) -> bool:
        """Fetched without an article in this run, or decided so by an earlier one."""
        if self.canonicals.has_failed(canonical):
            return True
        known = self.run.known(self.urls.identity(canonical))
        return known is not None and known.final and not known.in_corpus

    def on_own_merits(self, response: Response, article: Article, doubt: str) -> list:
        """The page as the article, its canonical not believed (`doubt` says why)."""
        self.logger.info("%s: %s: decided on its own merits", response.url, doubt)
        self.crawler.stats.inc_value("storycrawl/canonical_not_believed")
        item = self.article_item(response, article)
        item.canonical_url = response.url
        return [item]

    def release_copies(self, canonical: str, doubt: str) -> list:
        """The copies waiting for this canonical page, each decided on its own merits."""
        identity = self.urls.identity(canonical)
        copies = self.waiting_copies.pop(identity, [])
        if copies:
            self.frontier.pop_aliases(identity)
        return [item for response, article in copies for item in self.on_own_merits(response, article, doubt)]

    def canonical_failed(self, urls: list[str]) -> list:
        """A page fetched without an article (or not fetched): no copy waits for it any longer."""
        released = []
        for url in urls:
            self.canonicals.mark_failed(url)
            released.extend(self.release_copies(url, f"canonical {url} could not be had"))
        return released

    def article_item(self, response: Response, article: Article) -> ArticleItem:
        candidate, meta = response.meta["candidate"], response.meta
        reached = reached_urls(response)
        copies = [url for reached_as in reached for url in self.frontier.pop_aliases(self.urls.identity(reached_as))]
        return ArticleItem(
            url=response.url, canonical_url=article.canonical_url, outlet=candidate["outlet"], title=article.title,
            text=article.text, language=article.language, declared_language=article.declared_language,
            authors=article.authors, published=article.published, modified=article.modified,
            published_from=article.published_from,
            description=article.description, sitename=article.sitename, discovered_via=candidate["via"],
            fetched_at=meta.get("fetched_at") or utc_now(), warc=meta.get("warc"),
            other_urls=[url for url in dict.fromkeys([*reached, *copies]) if url != response.url],
            etag=header(response, "ETag"), last_modified=header(response, "Last-Modified"),
            previous=candidate.get("previous"), facts=page_facts(response),
        )

    def note_cleaning_order(self, response: Response) -> None:
        """`reclean` replays pages in the order of their WARC records; warn if this crawl cleaned one out of it."""
        warc = response.meta.get("warc")
        if not warc:
            return
        position = (warc["file"], warc["offset"])
        last = self.last_cleaned_record
        if last and last[0] == position[0] and position[1] < last[1]:
            self.crawler.stats.inc_value("storycrawl/cleaned_out_of_warc_order")
            self.logger.warning("%s was cleaned after a page received later: reclean may not reproduce this "
                                "corpus byte for byte", response.url)
        self.last_cleaned_record = position

    def is_other_page_of_same_site(self, canonical: str, url: str) -> bool:
        same_site = urlsplit(canonical).hostname == urlsplit(url).hostname
        return same_site and self.urls.identity(canonical) != self.urls.identity(url)

    def failed(self, failure) -> list:
        """An article request that failed: its decision, and what waited for it."""
        request = failure.request
        reason, detail = failure_reason(failure)
        candidate = request.meta["candidate"]
        if request.url != candidate["url"]:  # failed after a redirect: the decision stays the candidate's
            detail = f"{detail} (at {request.url})"
        record_decision(self.crawler, url=candidate["url"], outlet=candidate["outlet"], reason=reason, detail=detail,
                        via=candidate["via"])
        self.frontier.done(request)
        return self.listings.article_led_from(candidate, None) + self.canonical_failed([candidate["url"]])


def found_by_following(candidate: dict) -> bool:
    """Reached by a link on a followed page (a start page, a section page): if it is no article, it is a listing
    page the following fetched (the fetch cost's `page`). A feed's, sitemap's or GDELT entry, a URL of the story's
    `urls`, or a copy's canonical page that is no article stays an `article` fetched: an article candidate that
    was none."""
    return candidate["via"].get("kind") == "link" and candidate["follow_depth"] is not None


def header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def reached_urls(response: Response) -> list[str]:
    """The URLs this page was reached by, in order: as listed, each redirect hop, and its own."""
    listed = response.meta["candidate"].get("listed_url")
    return [url for url in (listed, *response.meta.get("redirect_urls", []), response.url) if url]
