"""Scrapy settings for storycrawler: every setting the project reads has its documented default here.

Override any of them with `-s NAME=VALUE` (both `storycrawl crawl` and `scrapy crawl` take it).
"""

BOT_NAME = "storycrawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Politeness: on by default. A story file's `user_agent` overrides USER_AGENT. ---------------------
USER_AGENT = "storycrawler/0.1 (news research crawler; +https://pypi.org/project/storycrawler/)"
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_DELAY = 0.25  # the floor AutoThrottle never goes below, per host
CONCURRENT_REQUESTS = 32  # across all outlets
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # per outlet (Scrapy's download slot is the host)
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 2  # retries after the first try: of RETRY_HTTP_CODES answers (500, 503, 429...), timeouts, refusals
RETRY_BACKOFF_BASE = 1.0  # seconds before a request's first retry, doubled before each next one (crawler/middlewares.py)
RETRY_BACKOFF_MAX = 60.0  # the longest wait before a retry, a server's Retry-After header included; 0: retry at once
COOKIES_ENABLED = False
# Only http(s) is ever fetched: a listing naming file:///etc/passwd or a data: URI is a decision (crawler/urls.py,
# UrlPolicy), and Scrapy's handlers for those schemes are off so nothing could read them anyway.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "ftp": None, "s3": None}
URLLENGTH_LIMIT = 2083  # a longer URL is decided `fetch_error` "URL too long" (Scrapy's own check drops it silently)
# Scrapy's remote control (on by default in Scrapy 2.19): an HTTP server on localhost that runs the Python code it
# is sent, and a job file in the user's profile naming its port and token, removed when the crawl stops (not when
# it is killed). A crawl needs no console into itself: -s turns it on.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False  # Scrapy's telnet console into a running crawl: off likewise
# The pipelines are synchronous CPU work, so the items of one page gain nothing from running concurrently, and
# Scrapy starts CONCURRENT_ITEMS asyncio tasks for every callback's output: at its default (100) that was a tenth
# of the crawl's main-process time.
CONCURRENT_ITEMS = 1

# --- storycrawler's components: its pipelines, middlewares, extensions and scheduler (crawler/addon.py). ------
ADDONS = {"crawler.addon.StoryCrawlAddon": 0}
LOG_LEVEL = "INFO"

# --- storycrawler's own settings --------------------------------------------------------------------------
STORY = None  # path of the story file, when not given as `-a story=...`
CORPUS_DIR = "corpus"  # where text files, manifest.jsonl, decisions.jsonl and report.json go
MIN_ARTICLE_WORDS = 40  # an extracted page with fewer words is "not an article"
UNTYPED_ARTICLE_WORDS = 120  # ...and a page that declares no article type needs this many and a date
# A page whose publication date cannot be read (not from its metadata in any form cleaners/dates.py knows, nor by
# htmldate in the page) cannot be placed in the story's window: True keeps it (published: null, published_from:
# "unknown" in the manifest, counted as undated in the report); False drops it with the decision `undated`.
KEEP_UNDATED_ARTICLES = True
GDELT_ENDPOINT = "https://api.gdeltproject.org/api/v2/doc/doc"  # a story's gdelt.endpoint overrides it
DEDUP_MODE = "mark"  # near-duplicates (wire copies): keep (cluster_id only) | mark (+ near_duplicate_of) | drop
NEAR_DUPLICATE_THRESHOLD = 0.5  # Jaccard similarity of word-5-gram sets (MinHash LSH) that makes two texts one cluster
SITE_MEMORY_ENABLED = True  # learn each site's template blocks (text recurring on many of its pages) and drop them
SITE_MEMORY_DIR = None  # where that per-site memory persists between crawls; None: "<CORPUS_DIR>/state/site-memory"
# Every text file is written to a temporary file and renamed, every manifest and decision record is handed to the
# OS whole before the next: a killed crawl loses nothing. SYNC_WRITES also waits for the disk each time (fsync),
# so a power cut or kernel crash loses nothing either, at about 2 ms an article. manifest.jsonl and decisions.jsonl
# are synced at the end either way.
SYNC_WRITES = False
# --- Scheduled runs: what earlier runs decided is in <CORPUS_DIR>/state/crawl.sqlite (crawler/state.py). ---------
STATE_ENABLED = True  # False: every run fetches every candidate again (the manifest still keeps one file per article)
# The crawl state's changes (state/crawl.sqlite) are committed in batches this old at most: a kill loses at most that
# batch, whose URLs are decided again; 0: every change at once.
STATE_COMMIT_SECONDS = 1.0
# An undated listing entry of an article in the corpus is re-checked (a conditional request) this long after its last
# check; 0: never.
RECHECK_AFTER_HOURS = 24.0
RETRY_FAILED_RUNS = 3  # a URL that failed to fetch (timeout, 5xx) is tried by this many runs in a row, then left
# Worker processes cleaning pages off the reactor (crawler/cleaning.py); None: one per core, 0: none, pages are
# cleaned in the crawl's own process.
CLEANING_PROCESSES = None
# A page's canonical URL (another page of its site) is believed only if it is no homepage or section above the page,
# it can be fetched as an article, and no more than this many other pages of the crawl name it (crawler/canonical.py)
CANONICAL_SHARED_LIMIT = 2
# --- Bounded cost per page (crawler/bounds.py): what is worked on, not what is fetched. ---------------------------
CLEAN_MAX_CHARS = 4_000_000  # HTML characters of a page cleaned (inline data: URIs emptied first); links read from as many bytes
NEAR_DUPLICATE_MAX_WORDS = 20_000  # words of an article's text its near-duplicate signature reads
FOLLOW_MAX_LINKS = 5_000  # links taken from one followed page (a start or section page); more are recorded as capped
# Sitemaps, feeds and robots.txt have their own download limit: the sitemap protocol allows 50 MB uncompressed (also
# the most a gzipped one may inflate to), far more than a page (DOWNLOAD_MAXSIZE).
LISTING_MAXSIZE = 50 * 1024 * 1024
SITEMAP_MAX_DEPTH = 4  # sitemap indexes nested deeper than this are not followed
# --- Windowed discovery (crawler/windowing.py): what of a ten-year archive need not be fetched ----------------------
# Dates in URLs (/2024/10/25/, sitemap-2024-10.xml, ?yyyy=2024&mm=10: crawler/url_dates.py) rule out sitemaps,
# archive pages and articles wholly outside the story's window, unfetched. False: URLs are not read for dates (an
# outlet whose URLs lie; a source's `url_dates = false` in the story file does it for one outlet).
URL_DATES_ENABLED = True
# Links never followed from a page (searched in the URL's path, case-insensitive): log-in, registration,
# subscription, account, search and sharing pages, which hold no article and often answer 404 to a crawler.
SERVICE_LINK_PATTERNS = [
    r"/(?:log-?in|log-?out|sign-?in|sign-?up|sign-?out|register|registration|account|accounts|my-?account|profile)(?:/|$|\.)",
    r"/(?:subscribe|subscription|subscriptions|newsletter-signup|checkout|cart|search|share|print|password)(?:/|$|\.)",
]
# Request budgets (crawler/budget.py), per process: each worker of a distributed crawl has its own.
MAX_REQUESTS = 0  # the crawl's request budget (robots.txt included); 0: none. A story file's top-level max_requests overrides it
MAX_REQUESTS_PER_SOURCE = 0  # each source's request budget; 0: none. A source's max_requests in the story file overrides it
TRACKING_PARAMETERS = [  # dropped from every URL before it is fetched or compared (utm_* by prefix)
    "utm_*", "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid",
    "igshid", "_ga", "_gl", "ocid", "cmpid", "at_medium", "at_campaign", "ref_src", "xtor",
]
WARC_DIR = None  # a folder: every request and response of the crawl into one WARC file there (crawler/warc.py); None: off
WARC_REPLAY: list[str] = []  # WARC files that answer every request instead of the network, articles replayed in order (reclean)
# --- Distributed crawls (crawler/distributed/): workers on any hosts share one frontier in Redis (scrapy-redis) ---
# Each worker writes its own corpus directory (a shard); `storycrawl merge OUT SHARD...` joins them.
REDIS_URL = None  # redis://HOST:PORT/DB: this crawl is one worker of a distributed crawl (`storycrawl crawl --redis`)
REDIS_KEY_PREFIX = "storycrawl:{%(story)s}"  # the run's Redis keys, %(story)s: the story id; one run per story at a time
REDIS_IDLE_SECONDS = 10.0  # a worker stops once the frontier has been empty, and no live worker busy, this long
REDIS_WORKER_TIMEOUT = 30.0  # a worker silent this long is dead: its requests in flight go back into the queue
# Discovery only (`storycrawl crawl --dry-run`): listings are read, no article is fetched; each article candidate
# is decided `would_fetch` with the reason. The command runs it on a copy of the corpus's state, so nothing is written.
DRY_RUN = False
# Re-decide URLs earlier runs decided off_topic, out_of_window, off_language or over_cap, with the story as it is now
# (`storycrawl crawl --rejudge`, after editing the story): from the corpus's WARC files when they hold the page,
# else fetched again. Without it, a changed story is only noticed (one line at the start).
REJUDGE = False
PROGRESS_INTERVAL = 5.0  # seconds between progress lines on standard error; 0 turns them off
