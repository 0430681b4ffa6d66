"""How the crawl's components are wired: the run's shared state is an extension every component fetches from the
crawler (crawler/run.py), never an attribute of the spider; the spider stays small."""

from __future__ import annotations

import re

from scrapy.crawler import Crawler
from scrapy.settings import Settings
from scrapy.utils.conf import build_component_list
from scrapy.utils.python import global_object_name
from scrapy.utils.test import get_crawler

from conftest import DEMO_STORY, ROOT
import crawler.settings as project
from crawler.pipelines import CorpusWriterPipeline, StoryStage
from crawler.run import story_run
from crawler.spiders.story import StorySpider

CRAWLER = ROOT / "crawler"
SPIDERS = CRAWLER / "spiders"


def test_no_component_outside_the_spiders_reaches_into_the_spider_for_run_state():
    reach_in = re.compile(r"crawler\.spider\b")
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in sorted(CRAWLER.rglob("*.py")) if SPIDERS not in path.parents
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if reach_in.search(line)]
    assert found == []


def test_the_story_spider_is_under_200_lines():
    lines = (SPIDERS / "story.py").read_text(encoding="utf-8").splitlines()
    assert len(lines) < 200


def project_settings(**overrides) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(overrides, priority="cmdline")
    return settings


def installed(crawler: Crawler, name: str) -> list[str]:
    """The components Scrapy builds for a component setting, after the add-ons had their say."""
    return [global_object_name(component) if not isinstance(component, str) else component
            for component in build_component_list(crawler.settings.get_component_priority_dict_with_base(name))]


def crawler_with_addons(**overrides) -> Crawler:
    crawler = Crawler(StorySpider, project_settings(**overrides))
    crawler.addons.load_settings(crawler.settings)
    return crawler


def test_the_add_on_installs_the_story_crawls_components_in_their_order():
    crawler = crawler_with_addons()
    assert installed(crawler, "ITEM_PIPELINES") == [
        "crawler.pipelines.WindowPipeline", "crawler.pipelines.RelevancePipeline", "crawler.story_gates.LanguagePipeline",
        "crawler.pipelines.DuplicatePipeline", "crawler.pipelines.NearDuplicatePipeline",
        "crawler.story_gates.ArticleCapPipeline", "crawler.pipelines.CorpusWriterPipeline"]
    assert installed(crawler, "EXTENSIONS")[0] == "crawler.run.StoryRun"
    downloader = installed(crawler, "DOWNLOADER_MIDDLEWARES")
    assert "crawler.middlewares.BackoffRetryMiddleware" in downloader
    assert "scrapy.downloadermiddlewares.retry.RetryMiddleware" not in downloader  # replaced, not doubled
    assert crawler.settings.get("SCHEDULER") == "crawler.jobdir.ResilientScheduler"


def test_a_component_the_settings_disable_stays_disabled():
    crawler = crawler_with_addons(ITEM_PIPELINES={"crawler.pipelines.NearDuplicatePipeline": None})
    assert "crawler.pipelines.NearDuplicatePipeline" not in installed(crawler, "ITEM_PIPELINES")
    assert "crawler.pipelines.CorpusWriterPipeline" in installed(crawler, "ITEM_PIPELINES")


def test_a_worker_of_a_distributed_crawl_takes_its_requests_from_redis():
    crawler = crawler_with_addons(REDIS_URL="redis://127.0.0.1:1/0")
    assert crawler.settings.get("SCHEDULER") == "crawler.distributed.RedisScheduler"


def test_a_replay_fetches_one_recorded_exchange_at_a_time_whatever_the_project_says():
    crawler = crawler_with_addons(WARC_REPLAY=["crawl.warc.gz"])
    assert (crawler.settings.getint("CONCURRENT_REQUESTS"), crawler.settings.getbool("ROBOTSTXT_OBEY")) == (1, False)


def test_the_story_given_to_the_spider_is_the_one_the_run_loads():
    crawler = Crawler(StorySpider, project_settings(STORY="elsewhere.toml"))
    StorySpider.from_crawler(crawler, story=str(DEMO_STORY))
    assert crawler.settings.get("STORY") == str(DEMO_STORY)


def test_every_component_takes_the_run_the_crawler_holds(tmp_path):
    settings = {name: getattr(project, name) for name in dir(project) if name.isupper()}
    crawler = get_crawler(StorySpider, {**settings, "STORY": str(DEMO_STORY), "CORPUS_DIR": str(tmp_path),
                                        "CLEANING_PROCESSES": 0})
    run = story_run(crawler)
    try:
        writer = CorpusWriterPipeline.from_crawler(crawler)
        assert run.story.id == "musk-putin-demo"
        assert writer.urls is run.urls and writer.crawl_state is run.crawl_state
        assert StoryStage.from_crawler(crawler).story is run.story
    finally:
        run.close("finished")


def test_a_crawl_opens_no_console_of_scrapys_into_itself():
    """Scrapy 2.19 turns on its remote control (an HTTP server running the code it is sent) unless told not to."""
    settings = crawler_with_addons().settings
    assert not settings.getbool("REMOTE_CONTROL_ENABLED") and not settings.getbool("TELNETCONSOLE_ENABLED")
