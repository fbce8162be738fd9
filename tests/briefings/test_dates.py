"""The date grammar on the corpus's own expressions (pure, fast)."""

from __future__ import annotations

import pytest

from briefing.briefings.dates import find_dates, parse_user_date, primary_date
from briefing.errors import BriefRequestError

CASES = [
    ("9 October 2025: MOFCOM issues Announcements No. 61", "2025-10-09", "2025-10-09", "on"),
    ("Early May 2025: European dysprosium oxide reaches $700–1,000/kg", "2025-05-01",
     "2025-05-10", "on"),
    ("Trade press reported that by late November 2025 dysprosium was about $910/kg.",
     "2025-11-21", "2025-11-30", "by"),
    ("2026–2028: China buys 25 million tonnes of US soybeans a year", "2026-01-01",
     "2028-12-31", "on"),
    ("2008: JL Mag Rare-Earth is founded in Ganzhou", "2008-01-01", "2008-12-31", "on"),
    ("No European company had confirmed a licence as of 18 December 2025.", "2025-12-18",
     "2025-12-18", "as of"),
    ("BIS suspended the Affiliates Rule from 10 November 2025 to 9 November 2026.",
     "2025-11-10", "2025-11-10", "from"),
    ("It suspends clause 2 of Announcement No. 46 of 2024 until 27 November 2026.",
     "2026-11-27", "2026-11-27", "until"),
    ("JL Mag's exports in the first quarter of 2025 were 312 million yuan.", "2025-01-01",
     "2025-03-31", "on"),
    ("China buys 12 million tonnes of US soybeans in late 2025 under the deal.", "2025-09-01",
     "2025-12-31", "on"),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "start", "end", "role"), CASES)
def test_primary_date_of_corpus_expressions(sentence, start, end, role) -> None:
    main = primary_date(find_dates(sentence, 2025))
    assert main is not None
    assert (main.date.start, main.date.end, main.date.role) == (start, end, role)


def test_not_dates_regulation_numbers_titles_references_and_figures() -> None:
    # "No. 46 of 2024" numbers a regulation; "Summaries 2025" titles a report.
    assert [m.date.text for m in find_dates("Announcement No. 46 of 2024 is suspended.")] == []
    found = find_dates("The USGS (Mineral Commodity Summaries 2025) estimates 270,000 t in 2024.")
    assert [m.date.text for m in found] == ["2024"]
    # "the first meeting since 2019" and "the 9 October measures" are references.
    assert primary_date(find_dates("It was the first meeting since 2019.")) is None
    assert primary_date(find_dates("China suspended the 9 October measures.", 2025)) is None
    assert find_dates("EU firms had filed about 2,000 applications.") == []


def test_a_year_less_date_needs_a_default_year() -> None:
    assert find_dates("set to take effect on December 1.") == []
    assert find_dates("set to take effect on December 1.", 2025)[0].date.start == "2025-12-01"


def test_user_dates() -> None:
    assert parse_user_date("2025-12-01", field="since") == "2025-12-01"
    assert parse_user_date("December 2025", field="until", end=True) == "2025-12-31"
    assert parse_user_date("1 December 2025") == "2025-12-01"
    assert parse_user_date("") is None
    with pytest.raises(BriefRequestError, match="since '2025-13-01' is not a calendar date"):
        parse_user_date("2025-13-01", field="since")
    with pytest.raises(BriefRequestError, match="until 'soon' is not a date"):
        parse_user_date("soon", field="until")
