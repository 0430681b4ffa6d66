"""The Scrapy add-on that makes a crawl a story crawl: it installs storycrawler's pipelines, middlewares,
extensions, scheduler and duplicate filter (crawler/settings.py enables it in ADDONS).

A component named in the project's or the command line's own component dictionaries keeps the order (or the
None that disables it) given there: the add-on only sets what is not set. The settings these components read
have their documented defaults in crawler/settings.py.
"""

from __future__ import annotations

from collections.abc import Mapping

from scrapy.utils.misc import load_object

from .warc import REPLAY_SETTINGS

ITEM_PIPELINES = {  # each stage does one thing; rejections carry a reason into the run report
    "crawler.pipelines.WindowPipeline": 100,
    "crawler.pipelines.RelevancePipeline": 200,
    "crawler.pipelines.DuplicatePipeline": 300,
    "crawler.pipelines.NearDuplicatePipeline": 400,
    "crawler.story_gates.LanguagePipeline": 250,  # the story's `languages`
    "crawler.story_gates.ArticleCapPipeline": 700,  # the story's `max_articles`: just before the writer
    "crawler.pipelines.CorpusWriterPipeline": 800,
}
# Next to the downloader (above Scrapy's own, the highest being HttpCacheMiddleware at 900): they see requests as
# sent and responses as received, before decompression (590), redirects (600) and retries (550). Each is off
# unless its setting is given (WARC_DIR, WARC_REPLAY).
DOWNLOADER_MIDDLEWARES = {
    "crawler.warc.WarcWriterMiddleware": 950,
    "crawler.warc.WarcReplayMiddleware": 960,
    "crawler.story_memory.RejudgeReplayMiddleware": 955,  # --rejudge: a re-decided page from the corpus's WARC files
    "crawler.story_gates.CapAtDownloadMiddleware": 90,  # the story's `max_articles`, reached while a request waited
    # crawler/middlewares.py: retries that wait (RETRY_BACKOFF_*) instead of Scrapy's immediate ones, and guards
    # that see each redirect just before Scrapy follows it (3xx at 600, meta refresh at 580): no loops, no
    # article candidate leaving its outlet's domains.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    "crawler.middlewares.MaxSizeMessageMiddleware": 940,  # names DOWNLOAD_MAXSIZE when Scrapy cancels a body silently
    "crawler.middlewares.MetaRefreshGuardMiddleware": 585,
    # crawler/meta_refresh.py: Scrapy's meta refresh, minus a charset detection for a page whose bytes rule one out
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.meta_refresh.BytesFirstMetaRefreshMiddleware": 580,
    "crawler.middlewares.RedirectGuardMiddleware": 610,
    # crawler/robots.py: Scrapy's robots.txt middleware, whose copy of a host's robots.txt also answers the spider's
    # own request for it (a story listing robots.txt for its sitemaps): fetched once, not twice.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.SharedRobotsTxtMiddleware": 100,
    "crawler.budget.RequestBudgetMiddleware": 50,  # MAX_REQUESTS*: before robots.txt, so a refused request costs none
    # crawler/decompression.py: Scrapy's decompression, minus a charset detection over the gzip bytes of every page
    # served without a charset
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.decompression.PlainBodyDecompressionMiddleware": 590,
}
EXTENSIONS = {
    # The story, URL identity, frontier and crawl state every component shares: made before any other component.
    "crawler.run.StoryRun": -100,
    "crawler.report.RunReport": 500,
    "crawler.report.ProgressLine": 510,
    "scrapy.extensions.spiderstate.SpiderState": None,  # crawler/jobdir.py's, which an unreadable file cannot stop
    "crawler.jobdir.ResilientSpiderState": 0,
    "crawler.faults.DiskFullGuard": 100,  # a full disk: one message naming the path, the crawl stops (disk_full)
    # Log records no handler keeps (Scrapy's DEBUG lines at the default LOG_LEVEL) are not built while the engine runs
    "crawler.log_levels.UnheardRecordsDropped": 110,
    "crawler.story_memory.StoryMemory": 530,  # the story the corpus's decisions were made with (state/story.json)
}
SPIDER_MIDDLEWARES = {
    # Article requests a cap (the story's max_articles) or a dry run (DRY_RUN) stops before they are fetched.
    "crawler.story_gates.CandidateGateMiddleware": 20,
    # --rejudge (REJUDGE): earlier story decisions requested again before the seeds (and through the gate above)
    "crawler.story_memory.RejudgeMiddleware": 30,
}
COMPONENTS: dict[str, Mapping[str, int | None]] = {"ITEM_PIPELINES": ITEM_PIPELINES, "DOWNLOADER_MIDDLEWARES": DOWNLOADER_MIDDLEWARES,
              "EXTENSIONS": EXTENSIONS, "SPIDER_MIDDLEWARES": SPIDER_MIDDLEWARES}
CLASSES = {
    # Scrapy's JOBDIR keeps the pending requests on disk, so a killed crawl resumes them (`storycrawl crawl` sets it
    # to <CORPUS_DIR>/state/jobdir). Its filter of requests already made lasts one run (see crawler/state.py).
    "DUPEFILTER_CLASS": "crawler.state.RunDupeFilter",
    # Scrapy's scheduler, reading the JOBDIR's queue files itself at open (crawler/jobdir.py): a 0-byte or torn
    # queue file, or an empty active.json, costs the requests it held (found again from the listings), never the crawl.
    "SCHEDULER": "crawler.jobdir.ResilientScheduler",
    "LOG_FORMATTER": "crawler.report.QuietDropsLogFormatter",
}
REDIS_SCHEDULER = "crawler.distributed.RedisScheduler"  # one worker of a distributed crawl: the frontier is in Redis
# Only with REDIS_URL (the `redis` extra: a single-process crawl never imports scrapy-redis).
REDIS_COMPONENTS: dict[str, Mapping[str, int | None]] = {
    # heartbeat, dead workers' requests put back, the idle stop
    "EXTENSIONS": {"crawler.distributed.RedisWorker": 520},
    # A worker's request stays in its in-flight hash in Redis until the callback's items went through the
    # pipelines. Outermost (lowest number), so it sees the output after every other spider middleware.
    "SPIDER_MIDDLEWARES": {"crawler.distributed.FrontierAckMiddleware": 10},
}


class StoryCrawlAddon:
    def update_settings(self, settings) -> None:
        redis = bool(settings.get("REDIS_URL"))
        for components_of in (COMPONENTS, REDIS_COMPONENTS) if redis else (COMPONENTS,):
            for name, components in components_of.items():
                for path, order in components.items():
                    settings.setdefault_in_component_priority_dict(name, load_object(path), order)
        for name, path in CLASSES.items():
            settings.set(name, path, priority="addon")
        # Above the project's settings (crawler/settings.py), as a spider's own settings would be; -s still wins.
        if redis:
            settings.set("SCHEDULER", REDIS_SCHEDULER, priority="spider")
        if settings.getlist("WARC_REPLAY"):  # a replay answers one recorded exchange at a time, in recorded order
            settings.setdict(REPLAY_SETTINGS, priority="spider")
