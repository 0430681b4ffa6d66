"""robots.txt fetched once per host, even when the story file lists it as a source of sitemaps.

Scrapy's RobotsTxtMiddleware fetches each host's robots.txt before the host's first request; a story that
names `.../robots.txt` (for its `Sitemap:` lines) had the spider fetch it a second time. Here the spider's
request for a host's robots.txt is answered with the response the middleware fetched.
"""

from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.httpobj import urlparse_cached

SHARED_FLAG = "robots.txt shared"  # a response's flag: not fetched again, the robots middleware's copy


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.responses = {}  # netloc -> the robots.txt response the middleware fetched

    async def process_request(self, request, spider=None):
        await super().process_request(request)
        if request.meta.get("dont_obey_robotstxt"):
            return None
        url = urlparse_cached(request)
        response = self.responses.get(url.netloc)
        if response is not None and url.path == "/robots.txt" and not url.query:
            return response.replace(url=request.url, request=request, flags=[*response.flags, SHARED_FLAG])
        return None

    async def _parse_robots(self, response, netloc, request):
        if response.status == 200:
            self.responses[netloc] = response
        await super()._parse_robots(response, netloc, request)
