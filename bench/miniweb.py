"""A generated mini-web of news outlets covering one story, and a loopback server for it.

Used by `bench/crawl.py`. Each outlet has a host name under the reserved `.test` domain and its own
127.0.0.N address (all on one port): Scrapy's download slot and trafilatura's per-domain queue are both
per host, as on the real web. Host names, not addresses, because trafilatura's sitemap discovery
(courlan) refuses IP-address hosts; `bench/run_tool.py` resolves them for the crawlers it runs. An
outlet serves:

    /robots.txt         with `Sitemap:` lines for its sitemap index and its news sitemap
    /sitemap.xml        a sitemap index of monthly sitemaps (/sitemaps/YYYY-MM-K.xml, at most 1,000 URLs each)
    /sitemap-news.xml   a Google News sitemap of its last two days
    /rss.xml            RSS 2.0, its 50 newest articles
    /                   a front page of headlines
    article pages       one of three page templates (see `render_article`), with the outlet's URL pattern

Articles carry JSON-LD NewsArticle, OpenGraph, a canonical link, a byline, share tools, "most read" and
related links to other articles of the outlet, a newsletter box, a footer and a cookie banner; their
6-12 paragraphs come from `prose.py`. Two outlets write in German and Spanish. Same seed, same web.

The server answers from bytes built once (gzip too, when the client accepts it), with keep-alive.

    python bench/miniweb.py WORKDIR [--pages 2000] [--seed 7]

generates the web into WORKDIR/web/, writes WORKDIR/story.toml, WORKDIR/pages.tsv (file<TAB>url per
article) and WORKDIR/web.json (port, host names, origins, counts), prints that JSON on one line once it
serves, and serves until its standard input closes. `bench/crawl.py` runs it as its own process so that
the benchmark's measuring process stays small: a child's peak RSS (wait4's ru_maxrss) starts from its
parent's high-water mark, which Linux carries across fork and exec.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import html
import json
import random
import re
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import MappingProxyType

from prose import LEXICONS, Lexicon, person_names

STORY_ID = "meridian-skarvik-bench"
STORY_TITLE = "Meridian Lithium's Skarvik mine licence (benchmark mini-web)"
STORY_GROUPS = (("Meridian",), ("Skarvik*",))
WINDOW = (dt.date(2025, 3, 1), dt.date(2025, 6, 30))
SITEMAP_MAX_URLS = 1000
FEED_ITEMS = 50
NEWS_SITEMAP_DAYS = 2
GZIP_LEVEL = 6  # what a typical web server's gzip module uses


@dataclass(frozen=True)
class Outlet:
    name: str  # the source name in the story file
    brand: str
    language: str
    host: str  # a reserved .test name: crawlers resolve it to `address` through bench/run_tool.py
    address: str  # its own loopback address
    template: str  # "classic", "modern" or "portal": see render_article
    url_pattern: str  # fields: section, y, m, d, slug, id
    sections: tuple[str, ...]
    weight: float  # its share of the pages


OUTLETS = (
    Outlet("harbour-herald", "The Harbour Herald", "en", "www.harbour-herald.test", "127.0.0.41", "classic",
           "/news/{section}/{y}/{m}/{d}/{slug}/", ("world", "business", "climate", "politics", "local"), 0.22),
    Outlet("northgate-times", "Northgate Times", "en", "www.northgate-times.test", "127.0.0.42", "modern",
           "/{section}/{slug}-{id}", ("news", "business", "environment", "opinion"), 0.20),
    Outlet("daily-ledger", "The Daily Ledger", "en", "www.daily-ledger.test", "127.0.0.43", "portal",
           "/article/{id}/{slug}.html", ("markets", "energy", "europe", "companies"), 0.18),
    Outlet("coastline-post", "Coastline Post", "en", "www.coastline-post.test", "127.0.0.44", "modern",
           "/{y}/{m}/{d}/{section}/{slug}/", ("region", "nature", "economy", "people"), 0.16),
    Outlet("rheintal-rundschau", "Rheintal Rundschau", "de", "www.rheintal-rundschau.test", "127.0.0.45", "portal",
           "/{section}/{slug}-a-{id}.html", ("wirtschaft", "politik", "umwelt", "ausland"), 0.12),
    Outlet("correo-del-sur", "El Correo del Sur", "es", "www.correo-del-sur.test", "127.0.0.46", "classic",
           "/{section}/{y}-{m}-{d}/{slug}.html", ("internacional", "economia", "sociedad", "medio-ambiente"), 0.12),
)

LABELS = MappingProxyType({
    "en": MappingProxyType({
        "most_read": "Most read", "related": "Related coverage", "share": "Share this article", "by": "By",
        "read_more": "Read more", "newsletter": "Get the morning briefing in your inbox",
        "newsletter_button": "Sign up", "comments": "Comments", "topics": "Topics", "home": "Home",
        "cookie": "We use cookies to measure traffic and personalise ads. You can change your choice at any time.",
        "accept": "Accept all", "subscribe": "Subscribe", "login": "Log in", "updated": "Updated",
        "photo": "Photo", "advert": "Advertisement", "latest": "Latest news", "search": "Search",
        "footer": ("About us", "Contact", "Careers", "Advertise", "Terms of use", "Privacy policy", "Cookie settings",
                   "Corrections", "Newsletters", "Podcasts", "Archive", "Accessibility", "Help centre", "RSS feeds"),
        "rights": "All rights reserved.", "months": ("January", "February", "March", "April", "May", "June",
                                                     "July", "August", "September", "October", "November", "December"),
    }),
    "de": MappingProxyType({
        "most_read": "Meistgelesen", "related": "Mehr zum Thema", "share": "Artikel teilen", "by": "Von",
        "read_more": "Lesen Sie auch", "newsletter": "Der Morgen-Newsletter direkt in Ihr Postfach",
        "newsletter_button": "Anmelden", "comments": "Kommentare", "topics": "Themen", "home": "Startseite",
        "cookie": "Wir verwenden Cookies, um Zugriffe zu messen und Werbung zu personalisieren.",
        "accept": "Alle akzeptieren", "subscribe": "Abonnieren", "login": "Anmelden", "updated": "Aktualisiert",
        "photo": "Foto", "advert": "Anzeige", "latest": "Neueste Meldungen", "search": "Suche",
        "footer": ("Impressum", "Kontakt", "Karriere", "Werben", "Nutzungsbedingungen", "Datenschutz",
                   "Cookie-Einstellungen", "Newsletter", "Podcasts", "Archiv", "Barrierefreiheit", "RSS"),
        "rights": "Alle Rechte vorbehalten.", "months": ("Januar", "Februar", "März", "April", "Mai", "Juni",
                                                         "Juli", "August", "September", "Oktober", "November", "Dezember"),
    }),
    "es": MappingProxyType({
        "most_read": "Lo más leído", "related": "Noticias relacionadas", "share": "Compartir", "by": "Por",
        "read_more": "Lea también", "newsletter": "Recibe el boletín de la mañana en tu correo",
        "newsletter_button": "Suscribirme", "comments": "Comentarios", "topics": "Temas", "home": "Portada",
        "cookie": "Usamos cookies para medir el tráfico y personalizar la publicidad.",
        "accept": "Aceptar todo", "subscribe": "Suscríbete", "login": "Entrar", "updated": "Actualizado",
        "photo": "Foto", "advert": "Publicidad", "latest": "Última hora", "search": "Buscar",
        "footer": ("Quiénes somos", "Contacto", "Trabaja con nosotros", "Publicidad", "Aviso legal",
                   "Política de privacidad", "Configuración de cookies", "Boletines", "Podcasts", "Hemeroteca", "RSS"),
        "rights": "Todos los derechos reservados.", "months": ("enero", "febrero", "marzo", "abril", "mayo", "junio",
                                                               "julio", "agosto", "septiembre", "octubre", "noviembre",
                                                               "diciembre"),
    }),
})
SHARE_NETWORKS = ("Facebook", "X", "LinkedIn", "WhatsApp", "Email", "Copy link")
SUBSECTIONS = ("analysis", "video", "live", "data", "interviews", "graphics", "explainers", "archive")
TAGS = ("Lithium", "Mining", "Skarvik", "Meridian Lithium", "Fisheries", "Energy transition", "Regulation")


# --- the articles of an outlet --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ArticleInfo:
    number: int
    url: str
    path: str
    title: str
    section: str
    published: dt.datetime
    authors: tuple[str, ...]


@dataclass
class GeneratedWeb:
    """What `generate_web` built: every resource per outlet address, and the article pages on disk."""

    root: Path
    origins: dict[str, str]  # outlet name -> http://address:port
    resources: dict[str, dict[str, tuple[str, bytes]]] = field(default_factory=dict)  # address -> path -> (type, body)
    pages: list[tuple[str, str]] = field(default_factory=list)  # (file relative to root, URL)
    html_bytes: int = 0


def page_counts(total: int, outlets: tuple[Outlet, ...]) -> dict[str, int]:
    """Split `total` by the outlets' weights; the rounding remainder goes to the first outlets."""
    weight_sum = sum(o.weight for o in outlets)
    counts = {o.name: int(total * o.weight / weight_sum) for o in outlets}
    for outlet in outlets[: total - sum(counts.values())]:
        counts[outlet.name] += 1
    return counts


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80]


def unique_path(taken: set[str], path_for, slug: str) -> str:
    """Two headlines alike on one day would share a URL where the pattern has no id: number the later slug,
    as blog engines do."""
    path, n = path_for(slug), 1
    while path in taken:
        n += 1
        path = path_for(f"{slug}-{n}")
    taken.add(path)
    return path


def plan_articles(outlet: Outlet, count: int, origin: str, seed: int) -> list[ArticleInfo]:
    """Titles, dates and URLs of an outlet's articles, oldest first (pages link to each other by these)."""
    rng = random.Random(f"{seed}:{outlet.name}:plan")
    lexicon = LEXICONS[outlet.language]
    start = dt.datetime.combine(WINDOW[0], dt.time(6), tzinfo=dt.timezone(dt.timedelta(hours=2)))
    span = (WINDOW[1] - WINDOW[0]).days * 86400 + 12 * 3600  # until 18:00 on the last day: inside the window
    moments = sorted(start + dt.timedelta(seconds=rng.randrange(span)) for _ in range(count))
    staff = [person_names(rng, lexicon) for _ in range(12)]
    articles, paths = [], set()
    for index, published in enumerate(moments):
        number = 40000 + index * 7 + rng.randrange(7)
        title = lexicon.headline(rng)
        section = rng.choice(outlet.sections)
        path = unique_path(paths, lambda slug: outlet.url_pattern.format(
            section=section, y=published.year, m=f"{published.month:02d}", d=f"{published.day:02d}", slug=slug, id=number),
            slugify(title))
        authors = tuple(rng.sample(staff, rng.choice((1, 1, 1, 2))))
        articles.append(ArticleInfo(number, origin + path, path, title, section, published, authors))
    return articles


# --- page rendering -----------------------------------------------------------------------------------------

def esc(text: str) -> str:
    return html.escape(text, quote=True)


def local_date(moment: dt.datetime, language: str) -> str:
    month = LABELS[language]["months"][moment.month - 1]
    if language == "de":
        return f"{moment.day}. {month} {moment.year}, {moment:%H:%M} Uhr"
    if language == "es":
        return f"{moment.day} de {month} de {moment.year}, {moment:%H:%M}"
    return f"{moment.day} {month} {moment.year}, {moment:%H:%M}"


def outlet_stylesheet(outlet: Outlet) -> str:
    """A few kilobytes of critical CSS inlined in every page, as most news sites do."""
    rng = random.Random(f"css:{outlet.name}")
    rules = []
    for i in range(90):
        name = f"{outlet.name[:3]}-{rng.choice(('c', 'l', 'u', 'm'))}{i:02d}"
        rules.append(f".{name}{{margin:{rng.randint(0, 24)}px {rng.randint(0, 24)}px;"
                     f"font-size:{rng.randint(11, 28)}px;color:#{rng.randrange(0x1000000):06x};"
                     f"line-height:{rng.randint(12, 18) / 10}}}")
    return "\n".join(rules)


@dataclass(frozen=True)
class PageParts:
    """The outlet-wide blocks of an article page: the same bytes on every page of the outlet."""

    stylesheet: str
    nav: str
    footer: str
    cookie: str


def page_parts(outlet: Outlet, origin: str) -> PageParts:
    labels = LABELS[outlet.language]
    rng = random.Random(f"nav:{outlet.name}")
    menu = "".join(f'<li class="nav__item"><a href="{origin}/{s}/">{esc(s.replace("-", " ").title())}</a>'
                   f'<ul class="nav__sub">' + "".join(f'<li><a href="{origin}/{s}/{t}/">{esc(t.title())}</a></li>'
                                                      for t in rng.sample(SUBSECTIONS, 6))
                   + "</ul></li>" for s in outlet.sections)
    trending = "".join(f'<li><a href="{origin}/topics/{slugify(t)}/">{esc(t)}</a></li>' for t in TAGS)
    nav = (f'<header class="site-header"><div class="topbar"><a class="skip" href="#main">Skip to content</a>'
           f'<a href="{origin}/account/login">{labels["login"]}</a> <a class="btn" href="{origin}/subscribe">'
           f'{labels["subscribe"]}</a></div><a class="logo" href="{origin}/"><img src="{origin}/static/logo.svg" '
           f'alt="{esc(outlet.brand)}" width="220" height="40"></a><form class="search" action="{origin}/search/">'
           f'<input name="q" placeholder="{labels["search"]}"></form><nav class="nav" aria-label="Main"><ul>'
           f'<li class="nav__item"><a href="{origin}/">{labels["home"]}</a></li>{menu}</ul></nav>'
           f'<div class="trending"><span>{labels["topics"]}</span><ul>{trending}</ul></div></header>')
    links = "".join(f'<li><a href="{origin}/info/{slugify(item)}">{esc(item)}</a></li>' for item in labels["footer"])
    section_map = "".join(f'<div class="footer__col"><h3><a href="{origin}/{s}/">{esc(s.title())}</a></h3><ul>'
                          + "".join(f'<li><a href="{origin}/{s}/{t}/">{esc(t.title())}</a></li>' for t in SUBSECTIONS)
                          + "</ul></div>" for s in outlet.sections)
    social = "".join(f'<li><a href="https://social.example/{slugify(n)}">{icon(n)}</a></li>' for n in SHARE_NETWORKS[:4])
    footer = (f'<footer class="site-footer"><div class="footer__brand">{esc(outlet.brand)}</div>'
              f'<div class="footer__sitemap">{section_map}</div><ul class="footer__links">{links}</ul>'
              f'<ul class="footer__social">{social}</ul>'
              f'<p class="footer__legal">© 2025 {esc(outlet.brand)}. {labels["rights"]}</p></footer>')
    cookie = (f'<div id="cmp" class="consent-banner" role="dialog"><p>{labels["cookie"]}</p>'
              f'<button class="consent__accept">{labels["accept"]}</button></div>')
    return PageParts(outlet_stylesheet(outlet), nav, footer, cookie)


@dataclass(frozen=True)
class ArticleBody:
    dek: str
    paragraphs: tuple[str, ...]
    subheads: dict  # paragraph index -> subheading before it
    read_more_at: int | None  # paragraph index after which a "read more" link sits
    caption: str
    photographer: str


def write_body(rng: random.Random, lexicon: Lexicon) -> ArticleBody:
    count = rng.randint(6, 12)
    paragraphs = tuple(lexicon.paragraph(rng, lead=i == 0) for i in range(count))
    subheads = {rng.randint(3, count - 2): lexicon.subhead(rng)} if rng.random() < 0.45 else {}
    read_more_at = rng.randint(1, count - 2) if rng.random() < 0.5 else None
    return ArticleBody(dek=lexicon.sentence(rng), paragraphs=paragraphs, subheads=subheads, read_more_at=read_more_at,
                       caption=lexicon.sentence(rng), photographer=person_names(rng, lexicon))


def head_html(outlet: Outlet, origin: str, article: ArticleInfo, body: ArticleBody, parts: PageParts) -> str:
    image = f"{origin}/images/{article.number}.jpg"
    json_ld = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
        "description": body.dek, "datePublished": article.published.isoformat(),
        "dateModified": (article.published + dt.timedelta(minutes=47)).isoformat(),
        "author": [{"@type": "Person", "name": a, "url": f"{origin}/authors/{slugify(a)}"} for a in article.authors],
        "publisher": {"@type": "Organization", "name": outlet.brand,
                      "logo": {"@type": "ImageObject", "url": f"{origin}/static/logo.png"}},
        "image": [image], "mainEntityOfPage": {"@type": "WebPage", "@id": article.url},
        "inLanguage": outlet.language, "articleSection": article.section, "keywords": list(TAGS[:4]),
    }
    breadcrumbs = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": 1, "name": outlet.brand, "item": origin + "/"},
        {"@type": "ListItem", "position": 2, "name": article.section, "item": f"{origin}/{article.section}/"}]}
    return (
        f'<head><meta charset="utf-8"><title>{esc(article.title)} | {esc(outlet.brand)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="description" content="{esc(body.dek)}"><link rel="canonical" href="{article.url}">'
        f'<meta property="og:type" content="article"><meta property="og:title" content="{esc(article.title)}">'
        f'<meta property="og:description" content="{esc(body.dek)}"><meta property="og:url" content="{article.url}">'
        f'<meta property="og:image" content="{image}"><meta property="og:site_name" content="{esc(outlet.brand)}">'
        f'<meta property="article:published_time" content="{article.published.isoformat()}">'
        f'<meta property="article:section" content="{article.section}"><meta name="twitter:card" content="summary_large_image">'
        f'<link rel="alternate" type="application/rss+xml" title="{esc(outlet.brand)}" href="{origin}/rss.xml">'
        f'<style>{parts.stylesheet}</style>'
        f'<script type="application/ld+json">{json.dumps(json_ld, ensure_ascii=False)}</script>'
        f'<script type="application/ld+json">{json.dumps(breadcrumbs, ensure_ascii=False)}</script>'
        f'<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{"pageType":"article","section":"{article.section}",'
        f'"articleId":{article.number},"wordCount":{sum(len(p.split()) for p in body.paragraphs)}}});</script>'
        f'<script async src="{origin}/static/app.{article.number % 97:02d}.js"></script>'
        f'<script>window.adConfig={ad_config(outlet, article)};</script>{preloads(origin, article)}</head>'
    )


def ad_config(outlet: Outlet, article: ArticleInfo) -> str:
    """The ad-slot configuration object that ad-funded pages inline: kilobytes of script, no text."""
    slots = [{"id": f"ad-{name}-{i}", "sizes": [[300, 250], [728, 90], [970, 250]], "targeting": {
        "section": article.section, "pos": name, "lang": outlet.language, "kw": [slugify(t) for t in TAGS]}}
        for i, name in enumerate(("top", "mid-article", "sidebar", "bottom", "sticky", "inread"))]
    return json.dumps({"network": 21700000 + len(outlet.name), "slots": slots, "lazyLoad": {"marginPercent": 150}})


def preloads(origin: str, article: ArticleInfo) -> str:
    fonts = "".join(f'<link rel="preload" as="font" crossorigin href="{origin}/static/fonts/{f}.woff2">'
                    for f in ("serif-regular", "serif-bold", "sans-regular", "sans-bold"))
    return fonts + f'<link rel="preload" as="image" href="{origin}/images/{article.number}-w1200.jpg">'


def link_list(css: str, heading: str, items: list[ArticleInfo], ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    entries = "".join(f'<li><a href="{a.url}">{esc(a.title)}</a></li>' for a in items)
    return f'<section class="{css}"><h2>{heading}</h2><{tag}>{entries}</{tag}></section>'


def icon(name: str) -> str:
    """An inline SVG icon, as share buttons and footers carry them (markup the cleaners must skip)."""
    seed = sum(map(ord, name))
    return (f'<svg class="icon icon--{slugify(name)}" viewBox="0 0 24 24" aria-hidden="true"><path d="M{seed % 9} {seed % 7}'
            f'h{seed % 13}v{seed % 11}H{seed % 5}z"/><circle cx="12" cy="12" r="{seed % 6 + 2}"/></svg>'
            f'<span class="visually-hidden">{esc(name)}</span>')


def teaser_cards(css: str, heading: str, items: list[ArticleInfo], language: str, origin: str) -> str:
    """Recirculation as most sites do it: cards with an image, a kicker, a headline and a time."""
    cards = "".join(
        f'<article class="teaser"><a class="teaser__link" href="{a.url}"><div class="teaser__media"><picture>'
        f'<source srcset="{origin}/images/{a.number}-w400.webp" type="image/webp"><img src="{origin}/images/{a.number}-w400.jpg" '
        f'alt="" loading="lazy" width="400" height="225"></picture></div><span class="teaser__kicker">{esc(a.section.title())}'
        f'</span><h3 class="teaser__title">{esc(a.title)}</h3></a><time datetime="{a.published.isoformat()}">'
        f'{local_date(a.published, language)}</time></article>' for a in items)
    return f'<section class="{css}"><h2>{heading}</h2><div class="teaser-grid">{cards}</div></section>'


def comment_section(rng: random.Random, lexicon: Lexicon, labels, article: ArticleInfo) -> str:
    """Readers' comments rendered in the page (some sites do): text that is not the article."""
    shown = rng.randint(0, 5)
    items = "".join(
        f'<li class="comment"><div class="comment__author">{esc(person_names(rng, lexicon))}</div>'
        f'<time datetime="{(article.published + dt.timedelta(hours=i + 1)).isoformat()}">{i + 1} h</time>'
        f'<p class="comment__text">{esc(lexicon.sentence(rng))}</p><button class="comment__reply">↩</button></li>'
        for i in range(shown))
    return (f'<section class="comments" id="comments"><h2>{labels["comments"]} ({shown + rng.randint(0, 240)})</h2>'
            f'<ol class="comment-list">{items}</ol></section>')


def share_tools(labels, url: str) -> str:
    buttons = "".join(f'<li><a class="share--{slugify(n)}" href="https://share.example/{slugify(n)}?u={url}">{icon(n)}</a></li>'
                      for n in SHARE_NETWORKS)
    return f'<div class="share-tools" aria-label="{labels["share"]}"><span>{labels["share"]}</span><ul>{buttons}</ul></div>'


def byline(language: str, origin: str, article: ArticleInfo) -> str:
    names = " &amp; ".join(f'<a rel="author" href="{origin}/authors/{slugify(a)}">{esc(a)}</a>' for a in article.authors)
    return (f'<div class="byline">{LABELS[language]["by"]} {names} · <time datetime="{article.published.isoformat()}">'
            f'{local_date(article.published, language)}</time></div>')


def body_blocks(body: ArticleBody, labels, related: list[ArticleInfo], paragraph_tag: str) -> list[str]:
    """The paragraphs with their subheadings, an in-body "read more" link and, in long bodies, an ad slot."""
    blocks = []
    for i, text in enumerate(body.paragraphs):
        if i in body.subheads:
            blocks.append(f"<h2>{esc(body.subheads[i])}</h2>")
        blocks.append(paragraph_tag.format(text=esc(text)))
        if i == body.read_more_at and related:
            blocks.append(f'<p class="read-more"><strong>{labels["read_more"]}:</strong> '
                          f'<a href="{related[0].url}">{esc(related[0].title)}</a></p>')
        if i == 3:
            blocks.append(f'<div class="ad-slot" data-slot="mid-article"><span>{labels["advert"]}</span></div>')
    return blocks


def render_article(outlet: Outlet, origin: str, article: ArticleInfo, neighbours: list[ArticleInfo],
                   parts: PageParts, rng: random.Random) -> str:
    """One article page in the outlet's template: classic (<article>), modern (div soup with a JSON copy of
    the body, as React sites ship), or portal (sectioned, ads between paragraphs, a sidebar)."""
    lexicon = LEXICONS[outlet.language]
    labels = LABELS[outlet.language]
    body = write_body(rng, lexicon)
    most_read = rng.sample(neighbours, min(8, len(neighbours)))
    related = rng.sample(neighbours, min(4, len(neighbours)))
    figure = (f'<figure class="lead-image"><img src="{origin}/images/{article.number}.jpg" alt="" width="1200" '
              f'height="675"><figcaption>{esc(body.caption)} {labels["photo"]}: {esc(body.photographer)}</figcaption></figure>')
    tags = "".join(f'<li><a href="{origin}/topics/{slugify(t)}/">{esc(t)}</a></li>' for t in rng.sample(TAGS, 3))
    tag_list = f'<div class="tags"><span>{labels["topics"]}</span><ul>{tags}</ul></div>'
    newsletter = (f'<aside class="newsletter-signup"><p>{labels["newsletter"]}</p><form action="{origin}/newsletter">'
                  f'<input type="email" name="email"><button>{labels["newsletter_button"]}</button></form></aside>')
    more = teaser_cards("more-stories", labels["latest"], rng.sample(neighbours, min(10, len(neighbours))), outlet.language, origin)
    comments = more + comment_section(rng, lexicon, labels, article)
    render = {"classic": classic_layout, "modern": modern_layout, "portal": portal_layout}[outlet.template]
    main = render(outlet, origin, article, body, labels, figure, related, most_read, tag_list, newsletter, comments)
    return (f'<!DOCTYPE html><html lang="{outlet.language}">{head_html(outlet, origin, article, body, parts)}'
            f'<body class="article-page">{parts.nav}{main}{parts.footer}{parts.cookie}</body></html>')


def classic_layout(outlet, origin, article, body, labels, figure, related, most_read, tag_list, newsletter, comments):
    paragraphs = "".join(body_blocks(body, labels, related, "<p>{text}</p>"))
    return (f'<main id="main"><article class="story"><header class="story__header">'
            f'<a class="kicker" href="{origin}/{article.section}/">{esc(article.section.title())}</a>'
            f'<h1>{esc(article.title)}</h1><p class="standfirst">{esc(body.dek)}</p>{byline(outlet.language, origin, article)}'
            f'{share_tools(labels, article.url)}</header>{figure}<div class="story__body">{paragraphs}</div>'
            f'{tag_list}{share_tools(labels, article.url)}</article>{newsletter}'
            f'{link_list("related", labels["related"], related)}{link_list("most-read", labels["most_read"], most_read, True)}'
            f'{comments}</main>')


def modern_layout(outlet, origin, article, body, labels, figure, related, most_read, tag_list, newsletter, comments):
    paragraphs = "".join(body_blocks(body, labels, related,
                                     '<div data-component="text-block" class="css-1q9x3b"><p class="css-83cqas">{text}</p></div>'))
    state = {"props": {"pageProps": {"article": {"id": article.number, "headline": article.title,
                                                 "body": [{"type": "paragraph", "text": p} for p in body.paragraphs]}}}}
    return (f'<div id="__next"><div class="css-k008qs"><main id="main" class="css-1ay9vb9"><div class="css-1e4a9xz">'
            f'<span class="css-kicker">{esc(article.section.title())}</span><h1 class="css-gw5b1p">{esc(article.title)}</h1>'
            f'<p class="css-dek">{esc(body.dek)}</p></div>{figure}<div class="css-byline">{byline(outlet.language, origin, article)}'
            f'{share_tools(labels, article.url)}</div><div class="css-article-body">{paragraphs}</div>{tag_list}'
            f'</main><aside class="css-rail">{link_list("css-mostread", labels["most_read"], most_read, True)}'
            f'{newsletter}</aside>{link_list("css-related", labels["related"], related)}{comments}</div></div>'
            f'<script id="__NEXT_DATA__" type="application/json">{esc(json.dumps(state, ensure_ascii=False))}</script>')


def portal_layout(outlet, origin, article, body, labels, figure, related, most_read, tag_list, newsletter, comments):
    paragraphs = "".join(body_blocks(body, labels, related, '<p class="article__paragraph">{text}</p>'))
    breadcrumb = (f'<ol class="breadcrumb"><li><a href="{origin}/">{labels["home"]}</a></li>'
                  f'<li><a href="{origin}/{article.section}/">{esc(article.section.title())}</a></li></ol>')
    return (f'<div class="page"><main id="main" class="page__main">{breadcrumb}<section class="article">'
            f'<div class="article__header"><h1 class="article__title">{esc(article.title)}</h1>'
            f'<div class="article__intro">{esc(body.dek)}</div>{byline(outlet.language, origin, article)}</div>{figure}'
            f'{share_tools(labels, article.url)}<section class="article__content">{paragraphs}</section>{tag_list}'
            f'</section>{link_list("teaser-list", labels["related"], related)}{comments}</main>'
            f'<aside class="page__sidebar">{link_list("ranking", labels["most_read"], most_read, True)}{newsletter}'
            f'<div class="ad-slot" data-slot="sidebar"><span>{labels["advert"]}</span></div></aside></div>')


# --- listings -------------------------------------------------------------------------------------------------

def robots_txt(origin: str) -> str:
    return (f"User-agent: *\nDisallow: /search/\nDisallow: /account/\nAllow: /\n\n"
            f"Sitemap: {origin}/sitemap.xml\nSitemap: {origin}/sitemap-news.xml\n")


def monthly_sitemaps(articles: list[ArticleInfo]) -> dict[str, list[ArticleInfo]]:
    """/sitemaps/YYYY-MM-K.xml -> its articles: a month per sitemap, split at SITEMAP_MAX_URLS."""
    by_month: dict[str, list[ArticleInfo]] = {}
    for article in articles:
        by_month.setdefault(f"{article.published:%Y-%m}", []).append(article)
    sitemaps = {}
    for month, items in by_month.items():
        for k, start in enumerate(range(0, len(items), SITEMAP_MAX_URLS), 1):
            sitemaps[f"/sitemaps/{month}-{k}.xml"] = items[start:start + SITEMAP_MAX_URLS]
    return sitemaps


def sitemap_index(origin: str, sitemaps: dict[str, list[ArticleInfo]]) -> str:
    entries = "".join(f"<sitemap><loc>{origin}{path}</loc><lastmod>{items[-1].published.isoformat()}</lastmod></sitemap>"
                      for path, items in sitemaps.items())
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>\n'


def url_sitemap(articles: list[ArticleInfo]) -> str:
    entries = "".join(f"<url><loc>{esc(a.url)}</loc><lastmod>{a.published.isoformat()}</lastmod></url>" for a in articles)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>\n'


def news_sitemap(outlet: Outlet, articles: list[ArticleInfo]) -> str:
    newest = articles[-1].published if articles else None
    recent = [a for a in articles if newest - a.published <= dt.timedelta(days=NEWS_SITEMAP_DAYS)][-SITEMAP_MAX_URLS:]
    entries = "".join(
        f"<url><loc>{esc(a.url)}</loc><news:news><news:publication><news:name>{esc(outlet.brand)}</news:name>"
        f"<news:language>{outlet.language}</news:language></news:publication><news:publication_date>"
        f"{a.published.isoformat()}</news:publication_date><news:title>{esc(a.title)}</news:title></news:news></url>"
        for a in recent)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</urlset>\n')


def rss_feed(outlet: Outlet, origin: str, articles: list[ArticleInfo]) -> str:
    items = "".join(f"<item><title>{esc(a.title)}</title><link>{esc(a.url)}</link><guid>{esc(a.url)}</guid>"
                    f"<pubDate>{format_datetime(a.published)}</pubDate></item>" for a in reversed(articles[-FEED_ITEMS:]))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>{esc(outlet.brand)}</title>'
            f"<link>{origin}/</link><description>{esc(outlet.brand)}</description><language>{outlet.language}</language>"
            f"{items}</channel></rss>\n")


def front_page(outlet: Outlet, origin: str, articles: list[ArticleInfo], parts: PageParts) -> str:
    labels = LABELS[outlet.language]
    latest = link_list("latest", labels["latest"], list(reversed(articles[-40:])))
    return (f'<!DOCTYPE html><html lang="{outlet.language}"><head><meta charset="utf-8"><title>{esc(outlet.brand)}</title>'
            f'<link rel="alternate" type="application/rss+xml" href="{origin}/rss.xml"></head><body>{parts.nav}'
            f'<main id="main">{latest}</main>{parts.footer}</body></html>')


# --- the whole web --------------------------------------------------------------------------------------------

def generate_web(root: Path, total_pages: int, seed: int, origins: dict[str, str],
                 outlets: tuple[Outlet, ...] = OUTLETS) -> GeneratedWeb:
    """Write every outlet's pages under root/<outlet>/ and return all resources for the server."""
    web = GeneratedWeb(root=root, origins=origins)
    for outlet, count in zip(outlets, page_counts(total_pages, outlets).values()):
        web.resources[outlet.address] = generate_outlet(web, outlet, count, seed)
    return web


def generate_outlet(web: GeneratedWeb, outlet: Outlet, count: int, seed: int) -> dict[str, tuple[str, bytes]]:
    origin = web.origins[outlet.name]
    articles = plan_articles(outlet, count, origin, seed)
    parts = page_parts(outlet, origin)
    resources = {}
    for index, article in enumerate(articles):
        neighbours = articles[max(0, index - 30):index] + articles[index + 1:index + 31]
        page = render_article(outlet, origin, article, neighbours, parts, random.Random(f"{seed}:{outlet.name}:{article.number}"))
        body = page.encode("utf-8")
        resources[article.path] = ("text/html; charset=utf-8", body)
        web.pages.append((save_page(web.root, outlet, article.path, body), article.url))
        web.html_bytes += len(body)
    sitemaps = monthly_sitemaps(articles)
    xml = "application/xml; charset=utf-8"
    resources.update({path: (xml, url_sitemap(items).encode()) for path, items in sitemaps.items()})
    resources["/sitemap.xml"] = (xml, sitemap_index(origin, sitemaps).encode())
    resources["/sitemap-news.xml"] = (xml, news_sitemap(outlet, articles).encode())
    resources["/rss.xml"] = ("application/rss+xml; charset=utf-8", rss_feed(outlet, origin, articles).encode())
    resources["/robots.txt"] = ("text/plain; charset=utf-8", robots_txt(origin).encode())
    resources["/"] = ("text/html; charset=utf-8", front_page(outlet, origin, articles, parts).encode())
    save_listings(web.root, outlet, resources, {a.path for a in articles})
    return resources


def save_page(root: Path, outlet: Outlet, path: str, body: bytes) -> str:
    relative = Path(outlet.name) / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    return relative.as_posix()


def save_listings(root: Path, outlet: Outlet, resources: dict, article_paths: set[str]) -> None:
    """The sitemaps, feed, robots.txt and front page too, so a kept web can be read."""
    for path, (_, body) in resources.items():
        if path not in article_paths:
            save_page(root, outlet, path, body)


def story_toml(origins: dict[str, str], outlets: tuple[Outlet, ...] = OUTLETS) -> str:
    """The story file for the crawl: every outlet through its robots.txt (sitemaps) and its RSS feed."""
    groups = ", ".join("[" + ", ".join(json.dumps(t) for t in group) + "]" for group in STORY_GROUPS)
    lines = [f'id = "{STORY_ID}"', f"title = {json.dumps(STORY_TITLE)}", f"since = {WINDOW[0].isoformat()}",
             f"until = {WINDOW[1].isoformat()}", "", "[match]", f"groups = [{groups}]"]
    for outlet in outlets:
        origin = origins[outlet.name]
        lines += ["", "[[sources]]", f'name = "{outlet.name}"', f'sitemaps = ["{origin}/robots.txt"]',
                  f'feeds = ["{origin}/rss.xml"]']
    return "\n".join(lines) + "\n"


# --- the server -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Response:
    """Head and body bytes built once; the gzip variant for clients that accept it."""

    plain: bytes
    gzipped: bytes

    @classmethod
    def build(cls, content_type: str, body: bytes, status: str = "200 OK") -> "Response":
        def head(payload: bytes, extra: str = "") -> bytes:
            return (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n"
                    f"Vary: Accept-Encoding\r\n{extra}\r\n").encode("latin-1")
        packed = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
        return cls(head(body) + body, head(packed, "Content-Encoding: gzip\r\n") + packed)


NOT_FOUND = Response.build("text/html; charset=utf-8", b"<html><body><h1>Not found</h1></body></html>", "404 Not Found")


class _HostServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # a crawler opens dozens of connections at once

    def __init__(self, address):
        self.responses: dict[str, Response] = {}
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _HostServer
    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True  # one write per response: no need to wait for more

    def log_message(self, format, *args):  # noqa: A002 - the signature is BaseHTTPRequestHandler's
        pass

    def do_GET(self):
        self.wfile.write(self._response_bytes())

    def do_HEAD(self):
        raw = self._response_bytes()
        self.wfile.write(raw[: raw.index(b"\r\n\r\n") + 4])

    def _response_bytes(self) -> bytes:
        response = self.server.responses.get(self.path.split("?", 1)[0], NOT_FOUND)
        accepts_gzip = "gzip" in (self.headers.get("Accept-Encoding") or "")
        return response.gzipped if accepts_gzip else response.plain


class MiniWebServer:
    """One ThreadingHTTPServer per outlet address, all on one port: bind first (URLs name the port), then
    `serve` the generated resources."""

    def __init__(self, outlets: tuple[Outlet, ...] = OUTLETS, port: int = 0):
        self.outlets = outlets
        self.port = port  # 0: any free one
        self._servers: dict[str, _HostServer] = {}
        self._serving = False

    def bind(self) -> "MiniWebServer":
        for outlet in self.outlets:
            server = _HostServer((outlet.address, self.port))
            self.port = server.server_address[1]
            self._servers[outlet.address] = server
        return self

    def origins(self) -> dict[str, str]:
        """Port 80 goes unnamed, as on the web: a crawler that ignores allowed domains with a port (Scrapy's
        OffsiteMiddleware does, so news-please's spiders) can then crawl the mini-web."""
        port = "" if self.port == 80 else f":{self.port}"
        return {o.name: f"http://{o.host}{port}" for o in self.outlets}

    def host_map(self) -> dict[str, str]:
        """Host name -> loopback address: what a resolver must answer for this web."""
        return {o.host: o.address for o in self.outlets}

    def serve(self, resources: dict[str, dict[str, tuple[str, bytes]]]) -> None:
        for address, server in self._servers.items():
            server.responses = {path: Response.build(kind, body) for path, (kind, body) in resources[address].items()}
        for address, server in self._servers.items():
            threading.Thread(target=server.serve_forever, name=f"miniweb-{address}", daemon=True).start()
        self._serving = True

    def stop(self) -> None:
        for server in self._servers.values():
            if self._serving:  # shutdown() waits for serve_forever to return: only call it on a serving server
                server.shutdown()
            server.server_close()
        self._servers, self._serving = {}, False

    def __enter__(self) -> "MiniWebServer":
        return self.bind()

    def __exit__(self, *exc) -> None:
        self.stop()


# --- as a process ---------------------------------------------------------------------------------------------

def write_web_files(workdir: Path, web: GeneratedWeb, server: MiniWebServer, seconds: float) -> dict:
    """story.toml, pages.tsv and web.json beside the web: what the benchmark's runs read."""
    (workdir / "story.toml").write_text(story_toml(web.origins), encoding="utf-8")
    (workdir / "pages.tsv").write_text("".join(f"{f}\t{u}\n" for f, u in web.pages), encoding="utf-8")
    summary = {"port": server.port, "hosts": server.host_map(), "origins": web.origins, "pages": len(web.pages),
               "outlets": len(server.outlets), "html_bytes": web.html_bytes, "seconds": round(seconds, 1)}
    (workdir / "web.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--port", type=int, default=0, help="the outlets' port (default: any free one; 80 needs root)")
    args = parser.parse_args(argv)
    with MiniWebServer(port=args.port) as server:
        started = time.perf_counter()
        web = generate_web(args.workdir / "web", args.pages, args.seed, server.origins())
        server.serve(web.resources)
        web.resources.clear()  # the server keeps its own copies
        summary = write_web_files(args.workdir, web, server, time.perf_counter() - started)
        print(json.dumps(summary), flush=True)
        sys.stdin.read()  # serve until the benchmark closes our standard input (or goes away)
    return 0


if __name__ == "__main__":
    sys.exit(main())
