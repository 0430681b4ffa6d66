"""Every date the crawl reads, read one way: listings' dates, the pages' own dates, HTTP dates, the corpus's
timestamps.

A date is read as it is stated: the day of "Sat, 26 Oct 2024 00:30 +0200" is the 26th (the outlet's day), not
the UTC day. Standard forms first (ISO 8601, RFC 822 and its variants), then python-dateutil with month and
weekday names in the languages the crawl meets. A value that does not name a whole date (year, month and day)
is no date: "yesterday" or "Oct 2024" reads as None, never as today or the 1st. The forms only feedparser's
date handlers read (Korean, Greek...) come last, as a UTC day.

Never raises on any input: a date that cannot be read is None, and the caller decides what an unknown date means.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

from dateutil import parser as dateutil_parser
from dateutil.tz import tzoffset

FEEDPARSER_HANDLERS: tuple[Callable[[str], Any], ...]
try:  # feedparser's handlers of the forms only it reads (Korean, Greek, Hungarian, Perforce): the last resort.
    # Not its whole chain: its lax ISO 8601 handler reads "2013-xx-27" as the 1st of December.
    from feedparser.datetimes import (
        _parse_date_greek,
        _parse_date_hungarian,
        _parse_date_nate,
        _parse_date_onblog,
        _parse_date_perforce,
    )
    FEEDPARSER_HANDLERS = (_parse_date_greek, _parse_date_hungarian, _parse_date_nate, _parse_date_onblog,
                           _parse_date_perforce)
except ImportError:  # private names: a feedparser without them only loses the rare forms they alone read
    FEEDPARSER_HANDLERS = ()

# Month names as listings and pages write them, nominative and genitive ("25 октября"), with common
# abbreviations. dateutil compares them lowercased; a trailing dot is a separator to it.
MONTH_NAMES = [
    # English, German, French, Spanish, Italian, Portuguese, Dutch, Scandinavian, Icelandic, Finnish, Polish,
    # Czech, Russian, Ukrainian, Turkish
    "jan january januar janvier enero gennaio janeiro januari janúar tammikuu tammikuuta styczeń stycznia leden ledna "
    "январь января янв січень січня січ ocak jänner janv ene gen",
    "feb february februar février fevrier febrero febbraio fevereiro februari febrúar helmikuu helmikuuta luty lutego "
    "únor února февраль февраля фев лютий лютого лют şubat févr fév fevr fev",
    "mar march märz mars marzo março maart marts mars mar mars maaliskuu maaliskuuta marzec marca březen března "
    "март марта мар березень березня бер mart mär mrz",
    "apr april avril abril aprile apríl huhtikuu huhtikuuta kwiecień kwietnia duben dubna апрель апреля апр "
    "квітень квітня кві nisan avr abr",
    "may mai mayo maggio maio mei maí toukokuu toukokuuta maj maja květen května май мая травень травня тра mayıs "
    "mag",
    "jun june juni juin junio giugno junho júní kesäkuu kesäkuuta czerwiec czerwca červen června июнь июня июн "
    "червень червня чер haziran giu",
    "jul july juli juillet julio luglio julho júlí heinäkuu heinäkuuta lipiec lipca červenec července июль июля "
    "июл липень липня лип temmuz juil lug",
    "aug august août aout agosto augustus ágúst elokuu elokuuta sierpień sierpnia srpen srpna август августа авг "
    "серпень серпня сер ağustos ago ag",
    "sep sept september septembre septiembre settembre setembro september september syyskuu syyskuuta wrzesień "
    "września září сентябрь сентября сен вересень вересня вер eylül set",
    "oct october oktober octobre octubre ottobre outubro oktober október lokakuu lokakuuta październik "
    "października říjen října октябрь октября окт жовтень жовтня жов ekim okt ott out",
    "nov november novembre noviembre novembro nóvember marraskuu marraskuuta listopad listopada listopadu "
    "ноябрь ноября ноя листопад листопада лис kasım",
    "dec december dezember décembre decembre diciembre dicembre dezembro desember december desember "
    "joulukuu joulukuuta grudzień grudnia prosinec prosince декабрь декабря дек грудень грудня гру aralık "
    "dez déc dic des",
]
WEEKDAY_NAMES = [
    "mon monday montag lundi lunes lunedì lunedi segunda maandag mandag mánudagur maanantai poniedziałek pondělí "
    "понедельник пн понеділок pazartesi lun",
    "tue tuesday dienstag mardi martes martedì martedi terça dinsdag tirsdag tisdag þriðjudagur tiistai wtorek "
    "úterý вторник вт вівторок salı",
    "wed wednesday mittwoch mercredi miércoles mercoledì mercoledi quarta woensdag onsdag miðvikudagur keskiviikko "
    "środa středa среда ср середа çarşamba mer mié",
    "thu thursday donnerstag jeudi jueves giovedì giovedi quinta donderdag torsdag fimmtudagur torstai czwartek "
    "čtvrtek четверг чт четвер perşembe jeu jue gio",
    "fri friday freitag vendredi viernes venerdì venerdi sexta vrijdag fredag föstudagur perjantai piątek pátek "
    "пятница пт п'ятниця cuma ven vie",
    "sat saturday samstag samedi sábado sabato sábado zaterdag lørdag lördag laugardagur lauantai sobota "
    "суббота сб субота cumartesi sam sáb sab",
    "sun sunday sonntag dimanche domingo domenica zondag søndag söndag sunnudagur sunnuntai niedziela neděle "
    "воскресенье вс неділя pazar dim dom",
]
# Words between a date's parts that say nothing about it ("25 de octubre de 2024", "25 октября 2024 г.").
FILLER_WORDS = ["de", "del", "di", "du", "le", "la", "à", "um", "uhr", "am", "den", "der", "kl", "klokken",
                "kello", "klo", "klukkan", "г", "года", "р", "року", "в", "о", "godz", "às", "alle",
                "ore", "om", "published", "updated", "posted"]


class _Names(dateutil_parser.parserinfo):
    def __init__(self):
        self.MONTHS = [tuple(dict.fromkeys(names.split())) for names in MONTH_NAMES]
        self.WEEKDAYS = [tuple(dict.fromkeys(names.split())) for names in WEEKDAY_NAMES]
        self.JUMP = dateutil_parser.parserinfo.JUMP + FILLER_WORDS
        super().__init__()


NAMES = _Names()
# Zone abbreviations feeds and pages use beside RFC 822's own (which email.utils reads), as the fixed offsets they
# name, so a stated time keeps its day.
ZONES = {name: tzoffset(name, hours * 3600) for name, hours in {
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "MET": 1, "CEST": 2, "MEST": 2,
    "EET": 2, "EEST": 3, "MSK": 3, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8,
    "PDT": -7,
}.items()}
RFC822_SHAPE = re.compile(r"(?:[^\W\d_]+,?\s*)?\d{1,2}\s+[^\W\d_]{3,}\.?\s+\d{2,4}\b")  # [Fri,] 25 Oct 2024
AM_PM = re.compile(r"\d\s*[AaPp]\.?[Mm]\b")
COMPACT = re.compile(r"(\d{8})T(\d{6})Z?")  # GDELT's 20241025T134500Z
ORDINAL = re.compile(r"(\d{4})-?(\d{3})")  # ISO 8601's day of the year: 2024-299
YEAR_FIRST = re.compile(r"\d{2,4}-\d|\d{6}$")  # 24-10-25, 241025: dashed or bare numeric dates are ISO's order
DAY_FIRST = re.compile(r"\d\s*\.\s*\d")  # 25.10.2024: dotted dates are day first wherever they are written
LEADING_WORD = re.compile(r"^\s*([^\W\d_]{1,12})\.?\s*,\s*")  # "Fr, 25 Okt 2024": a weekday, whatever its language
TWO_DEFAULTS = (dt.datetime(2001, 2, 3), dt.datetime(2002, 4, 6))  # a field read from neither default is stated


def parse_datetime(value) -> dt.datetime | None:
    """The moment a string states, with its own offset when it gives one (naive otherwise); None when the string
    names no whole date."""
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())[:200]  # no date is longer: a paragraph handed over by mistake is not one
    if not value:
        return None
    moment = _iso(value) or _compact(value) or _ordinal(value) or _rfc822(value) or _free_form(value) or _feedparser(value)
    return _writable(moment) if moment else None


def _writable(moment: dt.datetime) -> dt.datetime:
    """An offset of a day or more ("-99:99") is no offset: the moment is kept as stated, without it (Python
    could not write it, nor compare it)."""
    try:
        moment.utcoffset()
    except ValueError:
        return moment.replace(tzinfo=None)
    return moment


def parse_day(value) -> dt.date | None:
    """The day a string states, in its own time zone: "2024-10-25T23:30:00-05:00" is the 25th."""
    moment = parse_datetime(value)
    return moment.date() if moment else None


def parse_timestamp(value) -> dt.datetime | None:
    """A timestamp the crawl wrote (ISO 8601) or a date a server sent, always aware: UTC where none is stated."""
    moment = parse_datetime(value)
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def parse_http_date(value) -> dt.datetime | None:
    """An HTTP date (Retry-After, Last-Modified): RFC 822's form and its two obsolete ones, as UTC."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    moment = parse_timestamp(value)
    return moment.astimezone(dt.timezone.utc) if moment else None


def overlaps_window(first: dt.date, last: dt.date, since: dt.date | None, until: dt.date | None) -> bool:
    """The days `first`..`last` (one day, a month a URL names...) share a day with the window `since`..`until`, each
    end inclusive and None for an open end: a story's window, read the same way for a page's day and a URL's span."""
    return (since is None or last >= since) and (until is None or first <= until)


def iso_date(value) -> str | None:
    """The date a page states, as ISO 8601: kept as written when it is ISO already (the corpus files it as the
    page gives it), rewritten when it is another form ("October 25, 2022" -> "2022-10-25"); None if unreadable."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if _iso(value):
        return value
    moment = parse_datetime(value)
    if moment is None:
        return None
    if (moment.hour, moment.minute, moment.second, moment.tzinfo) == (0, 0, 0, None):
        return moment.date().isoformat()
    return moment.isoformat()


def _iso(value: str) -> dt.datetime | None:
    if not value[:4].isdigit():
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        return None


def _compact(value: str) -> dt.datetime | None:
    match = COMPACT.fullmatch(value)
    if not match:
        return None
    try:
        return dt.datetime.strptime("".join(match.groups()), "%Y%m%d%H%M%S").replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return None


def _ordinal(value: str) -> dt.datetime | None:
    match = ORDINAL.fullmatch(value)
    if not match or not 1 <= int(match.group(2)) <= 366:
        return None
    start = dt.datetime(int(match.group(1)), 1, 1)
    moment = start + dt.timedelta(days=int(match.group(2)) - 1)
    return moment if moment.year == start.year else None


def _feedparser(value: str) -> dt.datetime | None:
    """feedparser's handlers of the forms only it reads, as a UTC moment (they give no other)."""
    for handler in FEEDPARSER_HANDLERS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed = handler(value)
            if parsed:
                year, month, day, hour, minute, second = parsed[:6]
                return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.timezone.utc)
        except (ValueError, OverflowError, TypeError, IndexError, KeyError, AttributeError):
            continue
    return None


def _rfc822(value: str) -> dt.datetime | None:
    """email.utils for what has RFC 822's shape (it also takes other shapes, wrongly: "October 25, 2024 11:30 PM
    EST" would be 11:30 with no zone); the rest goes to dateutil."""
    if not RFC822_SHAPE.match(value) or AM_PM.search(value):
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _free_form(value: str) -> dt.datetime | None:
    """dateutil with the names above; the date counts only if year, month and day were all stated."""
    if not any(c.isdigit() for c in value):
        return None
    leading = LEADING_WORD.match(value)
    if leading and NAMES.month(leading.group(1)) is None:
        value = value[leading.end():]
    day_first = bool(DAY_FIRST.search(value))
    year_first = bool(YEAR_FIRST.match(value))
    readings = []
    for default in TWO_DEFAULTS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # dateutil warns about zone names it does not know
                readings.append(dateutil_parser.parse(value, parserinfo=NAMES, default=default, dayfirst=day_first,
                                                      yearfirst=year_first, tzinfos=ZONES))
        except (ValueError, OverflowError, TypeError, IndexError, AttributeError):
            return None
    first, second = readings
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return None  # a part of the date was taken from the default: the string does not state it
    if not 1 <= first.year <= 9999:
        return None
    return first
