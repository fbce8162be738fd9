"""Briefing metrics: pure functions on small hand-made points."""

from __future__ import annotations

from briefing.evaluation import briefing_metrics as bm

DOC = "JL Mag got a licence. Ningbo Yunsheng got one too. The suspension ends in 2026."
DOCS = {"d": DOC}


def point(text: str, start: int, *, date=None, doc="d", quote=None):  # type: ignore[no-untyped-def]
    quote = text if quote is None else quote
    return {
        "text": text,
        "date": date,
        "citations": [{"doc_id": doc, "start": start, "end": start + len(quote), "quote": quote}],
    }


def test_key_point_recall_counts_only_point_text() -> None:
    points = [point("JL Mag got a licence.", 0)]
    assert bm.key_point_recall(points, [["JL Mag"], ["Ningbo"]]) == 0.5
    assert bm.missing_key_points(points, [["JL Mag"], ["Ningbo"]]) == [["Ningbo"]]


def test_verbatim_rate_checks_offsets_and_text() -> None:
    good = point("JL Mag got a licence.", 0)
    shifted = point("JL Mag got a licence.", 1)  # offsets point elsewhere
    reworded = point("JL Mag received a licence.", 0, quote="JL Mag got a licence.")
    assert bm.verbatim_rate([good], DOCS) == 1.0
    assert bm.verbatim_rate([good, shifted, reworded], DOCS) == 1 / 3


def test_redundancy_flags_repeats_not_distinct_facts() -> None:
    a = point("JL Mag got a general licence from MOFCOM.", 0)
    b = point("MOFCOM gave JL Mag a general licence.", 0)
    c = point("Ningbo Yunsheng got one too.", 22)
    assert bm.redundancy([a, c]) == 0.0
    assert bm.redundancy([a, b, c]) == 1 / 3


def test_precision_dates_documents_and_topic_terms() -> None:
    inside = point("The suspension ends in 2026.", 51,
                   date={"start": "2026-01-01", "end": "2026-12-31"})  # fmt: skip
    undated = point("JL Mag got a licence.", 0)
    assert bm.point_precision([inside, undated], since="2026-01-01") == 0.5
    assert bm.point_precision([inside], doc_ids=["other"]) == 0.0
    assert bm.point_precision([inside, undated], topic_terms=["suspen"]) == 0.5
    assert bm.point_precision([]) is None


def test_timeline_order_and_dates() -> None:
    early = point("a", 0, date={"start": "2025-01-01", "end": "2025-01-01"})
    late = point("b", 0, date={"start": "2026-01-01", "end": "2026-01-01"})
    assert bm.in_date_order([early, late]) == 1.0
    assert bm.in_date_order([late, early]) == 0.0
    assert bm.dated_share([early, point("c", 0)]) == 0.5
