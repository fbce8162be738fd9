"""Measure the libraries considered for briefings against our own code (not a test).

Usage::

    .venv/bin/pip install sumy dateparser      # not dependencies of the project
    .venv/bin/python benchmarks/briefing_libraries.py

1. sumy (LexRank, TextRank, LSA) against ``Assistant.brief`` on the dev briefing cases
   that summarise whole documents: key-point recall of 10-sentence summaries. sumy's own
   tokenizer needs NLTK's ``punkt_tab`` data (not downloadable here): the script records
   that and gives sumy our sentence splitter instead.
2. dateparser against ``briefings.dates`` on the corpus's date expressions: how many it
   normalises to the right first and last day.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXPRESSIONS = [  # (text, first day, last day)
    ("9 October 2025", "2025-10-09", "2025-10-09"),
    ("Early May 2025", "2025-05-01", "2025-05-10"),
    ("Late November 2025", "2025-11-21", "2025-11-30"),
    ("2026–2028", "2026-01-01", "2028-12-31"),
    ("2008", "2008-01-01", "2008-12-31"),
    ("as of 18 December 2025", "2025-12-18", "2025-12-18"),
    ("November 2025", "2025-11-01", "2025-11-30"),
    ("the first quarter of 2025", "2025-01-01", "2025-03-31"),
    ("October 30, 2025", "2025-10-30", "2025-10-30"),
    ("late 2025", "2025-09-01", "2025-12-31"),
]


def dates() -> None:
    from briefing.briefings.dates import find_dates

    ours = sum(
        1
        for text, a, b in EXPRESSIONS
        if (found := find_dates(text)) and (found[0].date.start, found[0].date.end) == (a, b)
    )
    print(f"dates: ours {ours}/{len(EXPRESSIONS)} right (first and last day)")
    try:
        import dateparser
    except ImportError:
        print("dates: dateparser not installed (pip install dateparser)")
        return
    right = 0
    for text, a, _ in EXPRESSIONS:
        got = dateparser.parse(text, languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first"})
        ok = got is not None and got.date().isoformat() == a
        right += ok
        print(
            f"  dateparser {text!r:32} -> {got.date() if got else None} {'ok' if ok else 'WRONG'}"
        )
    print(f"dates: dateparser {right}/{len(EXPRESSIONS)} right on the first day alone "
          "(it returns one datetime, never a range)")  # fmt: skip


def summaries() -> None:
    from briefing import Assistant, Settings
    from briefing.corpus import load_corpus, sentence_spans
    from briefing.evaluation.briefing_cases import load_briefing_cases
    from briefing.evaluation.briefing_metrics import key_point_recall

    cases = [
        c
        for c in load_briefing_cases(REPO / "evals/briefings/dev.yaml")
        if c.kind == "summary" and c.doc_ids and not c.topic
    ]
    docs = {d.id: d.text for d in load_corpus(REPO / "corpus").documents}
    with tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant(Settings(corpus_dir=REPO / "corpus", data_dir=Path(tmp)))
        ours = [
            key_point_recall(
                [p.to_dict() for p in assistant.brief(doc_ids=list(c.doc_ids)).points],
                c.key_points,
            )
            for c in cases
        ]
        assistant.close()
    print(f"summaries: ours key-point recall {sum(ours) / len(ours):.3f} over {len(cases)} cases")
    try:
        from sumy.nlp.stemmers import Stemmer
        from sumy.nlp.tokenizers import Tokenizer
        from sumy.parsers.plaintext import PlaintextParser
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.summarizers.lsa import LsaSummarizer
        from sumy.summarizers.text_rank import TextRankSummarizer
        from sumy.utils import get_stop_words
    except ImportError:
        print("summaries: sumy not installed (pip install sumy)")
        return
    try:
        Tokenizer("english").to_sentences("One. Two.")
        print("sumy's tokenizer: works")
    except LookupError as exc:
        print(f"sumy's tokenizer: fails ({str(exc).strip().splitlines()[0]} ...): NLTK data")

    class OurTokenizer:
        language = "english"

        def to_sentences(self, text: str):  # type: ignore[no-untyped-def]
            return [text[s:e] for s, e in sentence_spans(text)]

        def to_words(self, sentence: str):  # type: ignore[no-untyped-def]
            import re

            return re.findall(r"[A-Za-z0-9][\w'-]*", sentence)

    for name, cls in (("LexRank", LexRankSummarizer), ("TextRank", TextRankSummarizer),
                      ("LSA", LsaSummarizer)):  # fmt: skip
        summarizer = cls(Stemmer("english"))
        summarizer.stop_words = get_stop_words("english")
        scores = []
        for c in cases:
            parser = PlaintextParser.from_string(docs[c.doc_ids[0]], OurTokenizer())
            points = [{"text": str(s)} for s in summarizer(parser.document, 10)]
            scores.append(key_point_recall(points, c.key_points))
        print(f"summaries: sumy {name} key-point recall {sum(scores) / len(scores):.3f}")


if __name__ == "__main__":
    os.environ.setdefault("BRIEFING_MODEL_CACHE_DIR", str(REPO / ".briefing" / "models"))
    dates()
    summaries()
    sys.exit(0)
