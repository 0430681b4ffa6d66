"""`-s NAME=VALUE` checked before a crawl starts: an unknown name is warned about with the closest known one
(a typo would otherwise be ignored in silence), and a value that cannot be read as the setting's type is a
one-line error naming the setting (instead of a traceback from deep inside the crawl)."""

from __future__ import annotations

import difflib
import json

# Scrapy reads these with getfloat although their defaults are whole numbers: 7.5 is a good value.
SCRAPY_FLOAT_SETTINGS = {"DOWNLOAD_TIMEOUT", "DOWNLOAD_DELAY", "AUTOTHROTTLE_START_DELAY", "AUTOTHROTTLE_MAX_DELAY",
                         "AUTOTHROTTLE_TARGET_CONCURRENCY", "CLOSESPIDER_TIMEOUT", "DNS_TIMEOUT",
                         "MEMUSAGE_CHECK_INTERVAL_SECONDS", "LOGSTATS_INTERVAL"}


class SettingError(ValueError):
    pass


def known_settings() -> dict:
    """Every setting with its default: the project's (crawler/settings.py) over Scrapy's."""
    from scrapy.settings import default_settings

    from . import settings as project

    defaults = {name: getattr(default_settings, name) for name in dir(default_settings) if name.isupper()}
    defaults.update({name: getattr(project, name) for name in dir(project) if name.isupper()})
    return defaults


def check_overrides(overrides: dict[str, str], known: dict | None = None) -> list[str]:
    """Warnings for unknown names; raises SettingError for a value its setting cannot take."""
    known = known_settings() if known is None else known
    warnings = []
    for name, value in overrides.items():
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
            hint = f" (did you mean {close[0]}?)" if close else ""
            warnings.append(f"-s {name}: no such setting{hint}; it is passed on, but nothing reads it")
            continue
        if isinstance(value, str):
            check_value(name, value, known[name])
    return warnings


def check_value(name: str, value: str, default) -> None:
    """As Scrapy's Settings.getbool/getint/getfloat/getlist/getdict would read it."""
    try:
        if isinstance(default, bool):
            if value.strip().lower() not in ("1", "0", "true", "false"):
                raise ValueError
        elif isinstance(default, int):
            float(value) if name in SCRAPY_FLOAT_SETTINGS else int(value)
        elif isinstance(default, float):
            float(value)
        elif isinstance(default, dict) and value.strip():
            if not isinstance(json.loads(value), dict):
                raise ValueError
    except ValueError:
        kind = "a number" if name in SCRAPY_FLOAT_SETTINGS else KIND_NAMES[kind_of(default)]
        raise SettingError(f"-s {name}={value}: {name} takes {kind} (default {default!r})") from None


def kind_of(default) -> type:
    return next(kind for kind in (bool, int, float, dict) if isinstance(default, kind))


KIND_NAMES = {bool: "True or False", int: "a whole number", float: "a number", dict: "a JSON object"}
