"""One crawl's shared state, a Scrapy extension: the story, URL identity, the frontier, the crawl state.

Every component of a story crawl reads the same story and asks the same frontier; none reaches into the spider
for them. Pipelines, middlewares and the scheduler, built after the extensions, take the run in their
`from_crawler` (`story_run(crawler)`); extensions, built alongside it, when the spider opens.

The run is made before any other component of the crawl (its order in EXTENSIONS is the lowest): it loads the
story (a story's `user_agent` must be set before the settings freeze) and forks the cleaning workers while the
process has no other thread (crawler/cleaning.py). The spider closes it, first of all, when the crawl ends.
"""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy import signals

from cleaners import SiteMemory

from .cleaning import CleaningPool
from .corpus import read_jsonl
from .frontier import LocalFrontier
from .page_facts import PageReader
from .relevance import RelevanceMatcher
from .report import decision_recorded, utc_now
from .state import CrawlState
from .story import Source, Story, load_story
from .urls import UrlCleaner, UrlPolicy
from .warc import WarcArchive
from .windowing import Windowing

logger = logging.getLogger(__name__)


class StoryRun:
    """What the crawl of one story shares. Attributes:

    - `story` (crawler/story.py's Story), `sources` (source name -> Source), `outlet_hosts` (host -> outlet name);
    - `urls` (UrlCleaner: `clean` and `identity`), `url_policy` (UrlPolicy: which URLs are refused, and why);
    - `frontier`: what is taken, cleaned, kept, in memory (LocalFrontier) or in Redis (RedisFrontier);
    - `crawl_state`: what earlier runs decided (CrawlState), None when STATE_ENABLED is off;
    - `site_memory`: each site's template blocks (SiteMemory), None when SITE_MEMORY_ENABLED is off;
    - `relevance` (RelevanceMatcher of the story's term groups), `windowing` (Windowing: what the window rules out);
    - `cleaning`: the pool of cleaning workers; `replay`: the WARC candidates a replay cleans again, else None.
    """

    def __init__(self, story: Story, urls: UrlCleaner, url_policy: UrlPolicy, frontier, cleaning: CleaningPool,
                 windowing: Windowing, crawl_state: CrawlState | None = None, site_memory: SiteMemory | None = None,
                 replay: list[dict] | None = None, relevance: RelevanceMatcher | None = None):
        self.story = story
        self.sources: dict[str, Source] = {s.name: s for s in story.sources}
        self.outlet_hosts: dict[str, str] = {host: s.name for s in story.sources for host in s.hosts() if host}
        self.urls = urls
        self.url_policy = url_policy
        self.frontier = frontier
        self.cleaning = cleaning
        self.windowing = windowing
        self.crawl_state = crawl_state
        self.site_memory = site_memory
        self.replay = replay
        self.relevance = relevance or RelevanceMatcher(story.groups)

    @classmethod
    def from_crawler(cls, crawler) -> StoryRun:
        settings = crawler.settings
        path = settings.get("STORY")
        if not path:
            raise ValueError("no story file: give -a story=PATH or -s STORY=PATH")
        story = load_story(path)
        if story.user_agent:
            settings.set("USER_AGENT", story.user_agent, priority="spider")
        urls = UrlCleaner(settings.getlist("TRACKING_PARAMETERS"))
        frontier = frontier_for(crawler, story.id)
        replayed = settings.getlist("WARC_REPLAY")
        replay = WarcArchive(replayed).candidates if replayed else None
        site_memory = site_memory_from(settings, frontier)
        relevance = RelevanceMatcher(story.groups)
        # the workers read a page's facts beside its draft (crawler/page_facts.py): relevance and signatures too
        reader = PageReader(relevance, settings.getint("NEAR_DUPLICATE_MAX_WORDS"), settings.getint("MIN_ARTICLE_WORDS"),
                            settings.getint("UNTYPED_ARTICLE_WORDS"))
        cleaning = CleaningPool.from_settings(settings, reader).start()
        run = cls(story, urls, UrlPolicy(settings.getint("URLLENGTH_LIMIT")), frontier, cleaning,
                  Windowing.from_settings(settings, story), open_state(settings, urls), site_memory, replay, relevance)
        crawler.signals.connect(run.decision_to_state, decision_recorded)
        if run.crawl_state is not None:  # a batch waits no longer than the work: a full disk is met while crawling
            crawler.signals.connect(run.crawl_state.commit, signals.spider_idle)
        return run

    def known(self, identity: str):
        """What earlier runs decided of this URL identity (crawler/state.py's Known), None if nothing or no state."""
        return self.crawl_state.known(identity) if self.crawl_state is not None else None

    def decision_to_state(self, decision: dict) -> None:
        """Every decision but `written` (the corpus writer records that, after the file and the manifest)."""
        if self.crawl_state is None or decision["reason"] == "written":
            return
        identity = self.urls.identity(decision["url"])
        if decision["reason"] == "known":
            self.crawl_state.touch(identity, decision["at"])
        else:
            self.crawl_state.record_decision(identity, url=decision["url"], outlet=decision["outlet"],
                                             reason=decision["reason"], detail=decision["detail"], at=decision["at"],
                                             final=not decision.get("provisional"))

    def close(self, reason: str) -> None:
        self.cleaning.close()
        if self.crawl_state is not None:
            self.crawl_state.finish_run(utc_now(), reason)
            self.crawl_state.close()
        if self.site_memory is not None:
            self.site_memory.save()


def story_run(crawler) -> StoryRun:
    """The crawl's StoryRun: from a component's `from_crawler` (pipelines, middlewares, the scheduler) or, for an
    extension, once the spider is open."""
    run = crawler.get_extension(StoryRun)
    if run is None:
        raise RuntimeError("the StoryRun extension is not enabled: add crawler.addon.StoryCrawlAddon to ADDONS")
    return run


def frontier_for(crawler, story_id: str):
    """In memory, or in Redis for a worker of a distributed crawl (REDIS_URL)."""
    if not crawler.settings.get("REDIS_URL"):
        return LocalFrontier()
    from .distributed import RedisFrontier  # scrapy-redis and redis only where they are used

    return RedisFrontier.from_crawler(crawler, story_id)


def site_memory_from(settings, frontier) -> SiteMemory | None:
    if not settings.getbool("SITE_MEMORY_ENABLED"):
        return None
    folder = settings.get("SITE_MEMORY_DIR") or Path(settings.get("CORPUS_DIR")) / "state" / "site-memory"
    return frontier.site_memory(folder)


def open_state(settings, urls: UrlCleaner) -> CrawlState | None:
    """The corpus's state, told about manifest records a killed run wrote but did not commit to it."""
    if not settings.getbool("STATE_ENABLED"):
        return None
    corpus = Path(settings.get("CORPUS_DIR"))
    state = CrawlState.for_corpus(corpus, settings.getfloat("STATE_COMMIT_SECONDS"))
    taken = state.reconcile(read_jsonl(corpus / "manifest.jsonl"), urls.identity)
    if taken:
        logger.warning("%d articles of the manifest were not in the crawl state (a killed run): taken in", taken)
    state.begin_run(utc_now())
    return state
