"""cleaners/dates.py: the one place dates are read, from listings, pages, HTTP headers and the corpus itself."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners.dates import iso_date, overlaps_window, parse_datetime, parse_day, parse_http_date, parse_timestamp

DAY = dt.date(2024, 10, 25)


@pytest.mark.parametrize("value", [
    "2024-10-25", "2024-10-25T09:44:00+00:00", "2024-10-25T09:44:00.123Z", "20241025T134500Z",
    "Fri, 25 Oct 2024 09:44:00 +0000", "Fri, 25 Oct 2024 09:44:00 GMT", "25 Oct 2024 09:44 EST", "Fri, 25 Oct 24 09:44 PDT",
    "Friday, 25-Oct-24 09:44:00 GMT", "Fri Oct 25 09:44:00 2024",
])
def test_standard_forms(value):
    assert parse_day(value) == DAY


@pytest.mark.parametrize("value", [
    "October 25, 2024", "25. Oktober 2024", "Freitag, 25. Oktober 2024, 09:44 Uhr",
    "vendredi 25 octobre 2024", "25 de octubre de 2024", "25 октября 2024 г.", "25 жовтня 2024, 09:44",
    "25 października 2024", "25. október 2024", "Fr, 25 Okt 2024 09:44:00 +0200",
])
def test_month_and_weekday_names_in_the_crawls_languages(value):
    assert parse_day(value) == DAY


def test_a_twelve_hour_time_and_a_zone_name_keep_the_stated_day():
    assert parse_datetime("October 25, 2024 11:30 PM EST").isoformat() == "2024-10-25T23:30:00-05:00"


def test_a_dotted_date_is_day_first():
    assert parse_datetime("05.10.2024 09:44") == dt.datetime(2024, 10, 5, 9, 44)


def test_the_day_is_the_day_in_the_stated_zone_not_in_utc():
    assert parse_day("Sat, 26 Oct 2024 00:30:00 +0200") == dt.date(2024, 10, 26)
    assert parse_day("2024-10-25T23:30:00-05:00") == DAY


@pytest.mark.parametrize("value", ["yesterday", "Oct 2024", "2024", "12", "", "   ", None, 20241025, "Episode 12 of 2024"])
def test_what_names_no_whole_date_is_none_never_today(value):
    assert parse_day(value) is None


def test_iso_dates_are_kept_as_written_and_other_forms_rewritten():
    assert iso_date("2024-10-25T09:44:00+02:00") == "2024-10-25T09:44:00+02:00"
    assert iso_date("October 25, 2022") == "2022-10-25"
    assert iso_date("25.10.2024 09:44") == "2024-10-25T09:44:00"
    assert iso_date("sometime") is None


def test_an_offset_of_a_day_or_more_is_dropped_and_the_stated_day_kept():
    assert parse_datetime("2024-10-25T23:59:59-99:99").isoformat() == "2024-10-25T23:59:59"


def test_timestamps_are_aware_utc_when_no_zone_is_stated():
    assert parse_timestamp("2024-10-25T09:44:00") == dt.datetime(2024, 10, 25, 9, 44, tzinfo=dt.timezone.utc)
    assert parse_timestamp("garbage") is None


def test_http_dates_in_utc():
    assert parse_http_date(b"Fri, 25 Oct 2024 11:44:00 +0200") == dt.datetime(2024, 10, 25, 9, 44, tzinfo=dt.timezone.utc)
    assert parse_http_date("Friday, 25-Oct-24 09:44:00 GMT") == dt.datetime(2024, 10, 25, 9, 44, tzinfo=dt.timezone.utc)


def test_iso_ordinal_and_two_digit_year_dates():
    assert parse_day("2003-335") == dt.date(2003, 12, 1)
    assert parse_day("03-12-31") == dt.date(2003, 12, 31)


def test_forms_only_feedparser_reads_come_last_as_a_utc_day():
    assert parse_day("Κυρ, 11 Ιούλ 2004 12:00:00 EST") == dt.date(2004, 7, 11)


@pytest.mark.parametrize("value", ["2003-12", "2003", "Dec 2003"])
def test_a_month_or_a_year_is_no_day_even_for_feedparser(value):
    assert parse_day(value) is None


@settings(max_examples=500, deadline=2000)
@given(st.one_of(st.text(max_size=80), st.from_regex(r"[0-9 .,:/+TZ-]{1,30}", fullmatch=True),
                 st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}", fullmatch=True),
                 st.builds(lambda a, b, c: f"{a} {b} {c}", st.integers(-99, 99999), st.sampled_from(["Oct", "октября", "x"]),
                           st.integers(-99, 99999))))
def test_any_string_reads_as_a_writable_moment_or_none_never_an_error(value):
    moment = parse_datetime(value)
    assert moment is None or moment.isoformat()
    assert iso_date(value) is None or parse_day(iso_date(value)) == moment.date()


def test_a_window_holds_the_days_that_share_a_day_with_it_ends_included_and_none_an_open_end():
    october = (dt.date(2024, 10, 1), dt.date(2024, 10, 31))
    assert overlaps_window(*october, dt.date(2024, 10, 31), None)
    assert not overlaps_window(*october, dt.date(2024, 11, 1), None)
    assert overlaps_window(*october, None, dt.date(2024, 10, 1))
    assert not overlaps_window(*october, None, dt.date(2024, 9, 30))
    assert overlaps_window(*october, None, None)
