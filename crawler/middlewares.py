"""Downloader middlewares: retries that back off, and redirects that neither loop nor leave the outlet.

BackoffRetryMiddleware replaces Scrapy's RetryMiddleware (550), which retries at once. MaxSizeMessageMiddleware
(940) names DOWNLOAD_MAXSIZE when Scrapy cancels a body without saying why. The redirect guards
see a redirect just before Scrapy follows it: RedirectGuardMiddleware (610) a 3xx answer before
RedirectMiddleware (600), MetaRefreshGuardMiddleware (585) a meta refresh after decompression (590) and
before MetaRefreshMiddleware (580, crawler/meta_refresh.py's). What they refuse fails the request with an IgnoreRequest subclass, so its
errback records a decision whose detail names the exception and what was refused.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urljoin, urlsplit
from weakref import WeakKeyDictionary

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Request
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import get_meta_refresh
from w3lib.url import canonicalize_url, safe_url_string

from cleaners.dates import parse_http_date

from .meta_refresh import refresh_ruled_out
from .run import story_run
from .urls import WEB_SCHEMES, on_domains

REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries (RETRY_TIMES, RETRY_HTTP_CODES, RETRY_EXCEPTIONS), each after a wait: RETRY_BACKOFF_BASE
    seconds before the first retry of a request, twice as long before each next one, never more than
    RETRY_BACKOFF_MAX. A Retry-After header (seconds, or an HTTP date) on the failed answer replaces the
    computed wait, capped the same way.

    The wait is a sleep awaited on the reactor's loop: nothing blocks, and the host's download slot is free
    meanwhile (Scrapy frees it when an answer arrives); the waiting request still counts towards
    CONCURRENT_REQUESTS.
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE")
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX")

    # Scrapy awaits a downloader middleware's coroutine method; its base class declares a plain return.
    async def process_response(self, request, response, spider=None):  # type: ignore[override]
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await sleep(self.delay(result.meta["retry_times"], response.headers.get("Retry-After")))
        return result

    async def process_exception(self, request, exception, spider=None):  # type: ignore[override]
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await sleep(self.delay(result.meta["retry_times"], None))
        return result

    def delay(self, retry: int, retry_after: bytes | None) -> float:
        """Seconds to wait before retry number `retry` (1 for the first)."""
        asked = retry_after_seconds(retry_after)
        wanted = asked if asked is not None else self.backoff_base * 2 ** (retry - 1)
        return max(0.0, min(wanted, self.backoff_max))


def retry_after_seconds(value: bytes | None, now: dt.datetime | None = None) -> float | None:
    """A Retry-After header in seconds: `120` or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    when = parse_http_date(text)
    if when is None:
        return None
    return max(0.0, (when - (now or dt.datetime.now(dt.timezone.utc))).total_seconds())


class MaxSizeMessageMiddleware:
    """A body that grows past DOWNLOAD_MAXSIZE without a Content-Length to check up front (a chunked answer,
    most dynamic pages) is cancelled by Scrapy with an empty DownloadCancelledError: the decision would say
    nothing. This counts each download's bytes and puts the size and the limit into the message."""

    def __init__(self, crawler):
        self.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        self.received: WeakKeyDictionary = WeakKeyDictionary()  # request -> bytes of its body so far
        crawler.signals.connect(self.bytes_received, signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def bytes_received(self, data, request, spider=None):
        self.received[request] = self.received.get(request, 0) + len(data)

    def process_response(self, request, response, spider=None):
        self.received.pop(request, None)
        return response

    def process_exception(self, request, exception, spider=None):
        received = self.received.pop(request, 0)
        limit = request.meta.get("download_maxsize", self.maxsize)
        if isinstance(exception, DownloadCancelledError) and not str(exception) and limit and received > limit:
            raise DownloadCancelledError(f"Received {received} bytes (no Content-Length) which is larger than "
                                         f"download max size ({limit}) in request {request}.") from exception
        return None


class RedirectLoop(IgnoreRequest):
    """The redirect leads back to a URL of its own chain (Scrapy's duplicate filter would drop it silently)."""


class RedirectLimit(IgnoreRequest):
    """More redirects in a row than REDIRECT_MAX_TIMES."""


class OffsiteRedirect(IgnoreRequest):
    """An article candidate redirected to a host that is none of its outlet's (a consent or login wall, another
    site): not the outlet's article, not followed."""


class RedirectGuardMiddleware:
    """Refuses a 3xx redirect that loops, that exceeds REDIRECT_MAX_TIMES, or that takes an article candidate off
    its outlet's domains: the source's hosts and allowed_domains (`Source.hosts()`) and the candidate's own host
    (GDELT finds articles on any host), each with its subdomains, `www.` or not. So may no listing that another
    listing named (`on_outlet`: a sitemap of an index or of robots.txt, an announced feed). The story file's own
    listings and robots.txt may redirect anywhere."""

    enabled_setting = "REDIRECT_ENABLED"

    def __init__(self, crawler):
        if not crawler.settings.getbool(self.enabled_setting):
            raise NotConfigured()
        self.sources = story_run(crawler).sources
        self.max_redirects = crawler.settings.getint("REDIRECT_MAX_TIMES")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        location = response.headers.get("Location")
        if response.status in REDIRECT_STATUSES and location and not request.meta.get("dont_redirect"):
            self.check(request, urljoin(request.url, safe_url_string(location)))
        return response

    def check(self, request, target: str) -> None:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if urlsplit(target).scheme not in WEB_SCHEMES:
            return  # Scrapy does not follow it either
        if canonicalize_url(target) in {canonicalize_url(url) for url in chain}:
            raise RedirectLoop(" -> ".join([*chain, target]))
        if len(chain) > self.max_redirects:
            raise RedirectLimit(f"more than {self.max_redirects} redirects from {chain[0]} (the last to {target})")
        if "candidate" in request.meta or request.meta.get("on_outlet"):  # a listing another listing named too
            domains = self.outlet_domains(request, chain[0])
            if domains is not None and not on_domains(urlsplit(target).hostname, domains):
                raise OffsiteRedirect(f"to {target}, off the outlet's domains ({', '.join(sorted(domains))}): "
                                      "not followed")

    def outlet_domains(self, request, first_url: str) -> set[str] | None:
        source = self.sources.get(request.meta.get("source"))
        if source is None:
            return None
        return {host for host in (*source.hosts(), urlsplit(first_url).hostname) if host}


class MetaRefreshGuardMiddleware(RedirectGuardMiddleware):
    """The same refusals for a `<meta http-equiv="refresh">` that MetaRefreshMiddleware would follow."""

    enabled_setting = "METAREFRESH_ENABLED"

    def __init__(self, crawler):
        super().__init__(crawler)
        self.ignore_tags = crawler.settings.getlist("METAREFRESH_IGNORE_TAGS")
        self.max_delay = crawler.settings.getint("METAREFRESH_MAXDELAY")

    def process_response(self, request, response, spider=None):
        if (isinstance(response, HtmlResponse) and request.method != "HEAD" and not request.meta.get("dont_redirect")
                and not refresh_ruled_out(response)):  # crawler/meta_refresh.py: no charset detection for nothing
            interval, url = get_meta_refresh(response, ignore_tags=self.ignore_tags)
            if url and interval < self.max_delay:
                self.check(request, url)
        return response

