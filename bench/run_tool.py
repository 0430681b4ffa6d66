"""Run one crawler in this process for `bench/crawl.py`, then record this process's own resource usage.

    python bench/run_tool.py USAGE_JSON storycrawl crawl STORY.toml --out DIR -s NAME=VALUE ...
    python bench/run_tool.py USAGE_JSON trafilatura -i URLS.txt --output-dir DIR ...
    python bench/run_tool.py USAGE_JSON fetch URLS.txt CONNECTIONS
    python bench/run_tool.py USAGE_JSON scrapy-fetch URLS.txt NAME=VALUE ...

`fetch` is the web server's capacity probe: every URL once over CONNECTIONS keep-alive connections
(plain http.client, gzip accepted, nothing parsed); it fails unless every answer is 200.

`scrapy-fetch URLS.txt NAME=VALUE...` is the crawl's fetching floor: Scrapy with those settings and the
crawl's decompression middleware fetches every URL once and parses nothing; it fails unless every answer
is 200.

Host names: the mini-web's outlets are `www.<outlet>.test` names with no DNS. MINIWEB_HOSTS
("name=address,name=address") maps them to their loopback addresses; the socket module's resolver
functions are wrapped before Scrapy, Twisted or urllib3 import them (Twisted binds `getaddrinfo` at import
time). Every other name resolves as usual. That is the only change to either tool.

At exit USAGE_JSON gets {"status", "self_maxrss_kb", "self_cpu_s", "children_maxrss_kb", "children_cpu_s"}:
this process alone (the crawl's main process: the Twisted reactor) and its waited-for children (a
process pool, if the tool uses one), from `resource.getrusage`.
"""

from __future__ import annotations

import http.client
import json
import os
import resource
import socket
import sys
import threading
from types import MappingProxyType
from urllib.parse import urlsplit


def install_host_names(mapping: dict[str, str]) -> None:
    """Resolve the mini-web's names to loopback addresses, in this process and its forked children."""
    real_getaddrinfo, real_gethostbyname, real_gethostbyname_ex = (
        socket.getaddrinfo, socket.gethostbyname, socket.gethostbyname_ex)

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else host
        return real_getaddrinfo(mapping.get(name, host), *args, **kwargs)

    def gethostbyname(host):
        return mapping.get(host) or real_gethostbyname(host)

    def gethostbyname_ex(host):
        if host in mapping:
            return host, [], [mapping[host]]
        return real_gethostbyname_ex(host)

    socket.getaddrinfo, socket.gethostbyname, socket.gethostbyname_ex = getaddrinfo, gethostbyname, gethostbyname_ex


def host_names_from_env() -> dict[str, str]:
    pairs = [p for p in os.environ.get("MINIWEB_HOSTS", "").split(",") if "=" in p]
    return dict(p.split("=", 1) for p in pairs)


def run_storycrawl(args: list[str]) -> int:
    from crawler.cli import main
    return main(args)


def run_trafilatura(args: list[str]) -> int:
    from trafilatura.cli import main
    sys.argv = ["trafilatura", *args]  # its main() reads sys.argv
    try:
        main()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def usage_record(status: int) -> dict:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"status": status,
            "self_maxrss_kb": own.ru_maxrss, "self_cpu_s": round(own.ru_utime + own.ru_stime, 3),
            "children_maxrss_kb": children.ru_maxrss, "children_cpu_s": round(children.ru_utime + children.ru_stime, 3)}


def run_fetch(args: list[str]) -> int:
    urls = [u for u in open(args[0], encoding="utf-8").read().split() if u]
    connections = int(args[1]) if len(args) > 1 else 8
    failures = []
    threads = [threading.Thread(target=fetch_share, args=(urls[i::connections], failures)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"fetched": len(urls) - len(failures), "failed": failures[:5]}))
    return 1 if failures else 0


def fetch_share(urls: list[str], failures: list) -> None:
    """One keep-alive connection per host, as a crawler keeps them."""
    connections: dict[str, http.client.HTTPConnection] = {}
    for url in urls:
        parts = urlsplit(url)
        connection = connections.setdefault(parts.netloc, http.client.HTTPConnection(parts.hostname, parts.port))
        connection.request("GET", parts.path, headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            failures.append(f"{response.status} {url}")


def run_scrapy_fetch(args: list[str]) -> int:
    """Scrapy alone: every URL fetched once by a spider whose callback does nothing; NAME=VALUE settings
    after the URL file. The crawl's fetching floor: what Scrapy costs before any page is parsed."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    urls = [u for u in open(args[0], encoding="utf-8").read().split() if u]
    settings = {"LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False, "ROBOTSTXT_OBEY": False,
                "DOWNLOADER_MIDDLEWARES": dict(DECOMPRESSION_AS_CRAWLED), **dict(arg.split("=", 1) for arg in args[1:])}

    class FetchOnly(scrapy.Spider):
        name = "fetch-only"

        async def start(self):
            for url in urls:
                yield scrapy.Request(url, callback=self.parse)

        def parse(self, response):
            self.crawler.stats.inc_value("fetch_only/ok" if response.status == 200 else "fetch_only/not_ok")

    process = CrawlerProcess(settings)
    crawler = process.create_crawler(FetchOnly)
    process.crawl(crawler)
    process.start()
    return 0 if crawler.stats.get_value("fetch_only/ok") == len(urls) else 1


# The crawl's own decompression (crawler/decompression.py): Scrapy's, minus a charset detection over the gzip
# bytes of pages served without a charset; the floor fetches as the crawl does.
DECOMPRESSION_AS_CRAWLED = MappingProxyType({
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.decompression.PlainBodyDecompressionMiddleware": 590,
})


TOOLS = MappingProxyType({"storycrawl": run_storycrawl, "trafilatura": run_trafilatura, "fetch": run_fetch,
                          "scrapy-fetch": run_scrapy_fetch})


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] not in TOOLS:
        print(f"usage: run_tool.py USAGE_JSON {{{'|'.join(TOOLS)}}} ARGS...", file=sys.stderr)
        return 2
    usage_path, tool, args = argv[0], argv[1], argv[2:]
    install_host_names(host_names_from_env())
    status = TOOLS[tool](args)
    with open(usage_path, "w", encoding="utf-8") as fh:
        json.dump(usage_record(status), fh)
    if tool == "storycrawl":  # it ends as the `storycrawl` command does (crawler/cli.py's entry)
        from crawler.cli import exit_now
        exit_now(status)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
