"""Chat requests -> briefing requests (pure, fast)."""

from __future__ import annotations

import pytest

from briefing.briefings.requests import BriefingRequest, follow_up, parse_request

# The nine requests of issue 9: every one is a briefing, of the kind it asks for.
NINE = [
    ("Summarize the article in a few points", "summary"),
    ("Brief me on the latest", "changes"),
    ("What's the timeline of the controls?", "timeline"),
    ("Brief me on the general licence regime", "summary"),
    ("What changed in December 2025?", "changes"),
    ("Give me a quick rundown of what each side committed to at Busan", "summary"),
    ("Give me an overview of China's 9 October measures", "summary"),
    ("Summarize where the sources disagree", "disagreements"),
    ("When do the various suspensions run out?", "timeline"),
]


@pytest.mark.parametrize(("text", "kind"), NINE)
def test_the_nine_requests_are_briefings(text: str, kind: str) -> None:
    request = parse_request(text)
    assert request is not None and request.kind == kind


def test_scope_read_from_the_request() -> None:
    r = parse_request("What changed in December 2025?")
    assert (r.since, r.until, r.topic) == ("2025-12-01", "2025-12-31", None)
    r = parse_request("Summarize the article in a few points")
    assert (r.document, r.topic) == ("the article", None)
    r = parse_request("When do the various suspensions run out?")
    assert r.topic == "the various suspensions"
    r = parse_request("What's happened since the Busan summit?")
    assert (r.kind, r.since_event) == ("changes", "the Busan summit")
    r = parse_request("What's happened to dysprosium prices since April?")
    assert (r.kind, r.since_event, r.topic) == ("changes", "April", "dysprosium prices")
    assert parse_request("Brief me on the latest").latest
    r = parse_request("Walk me through what happened in October and November 2025")
    assert (r.kind, r.since, r.until) == ("timeline", "2025-10-01", "2025-11-30")
    # A date that names something is not a date range.
    r = parse_request("Sum up the April 2025 controls note for me")
    assert (r.since, r.document) == (None, "the April 2025 controls note")
    assert parse_request("Give me five key points on the Busan deal").max_points == 5


@pytest.mark.parametrize(
    "question",
    [
        "Which firms got licences?",
        "When does the suspension run out?",
        "What did the 9 October 2025 measures cover?",
        "How long are the new rare-earth general licences valid?",
        "What did Xi say to reporters after Busan?",
    ],
)
def test_ordinary_questions_are_not_briefings(question: str) -> None:
    assert parse_request(question) is None


def test_follow_ups_narrow_or_switch_the_previous_briefing() -> None:
    previous = BriefingRequest(kind="summary", topic="Busan commitments")
    narrowed = follow_up("and what about the US side?", previous)
    assert narrowed == BriefingRequest(kind="summary", topic="Busan commitments: the US side")
    switched = follow_up("And the timeline?", previous)
    assert switched is not None and switched.kind == "timeline"
    assert switched.topic == "Busan commitments"
    assert follow_up("How long do those licences last?", previous) is None
