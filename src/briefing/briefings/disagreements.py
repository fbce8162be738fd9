"""Where the sources disagree: both sides side by side, each attributed and cited.

Three ways the corpus shows a disagreement, strongest first:

1. a section about one ("Disagreement: how long the licences last", "Where accounts
   disagree"): its sentences are the sides; a section holding several pairs is cut at
   the sentences that answer the one before ("however", "instead", "by contrast"),
   and a sentence holding both sides ("..., but commentators note ...") stands alone;
2. a sentence elsewhere that sets two speakers against each other ("The White House
   characterized ..., though Chinese officials offered more cautious language") or
   answers the previous one with a comparison ("A magnet distributor cites a longer
   range ...");
3. figures of the same measure that differ across sources: two close sentences (MiniLM)
   with figures in the same unit and no value in common, from different speakers
   ("about 90% of the world's permanent magnets" against "94% of magnet manufacturing").

The same disagreement told in two documents is one, citing both; disputes are ranked
by kind, by how many documents tell them and by relevance to the topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .attribution import speaker, speakers
from .inventory import Inventory, Sentence, VectorCache
from .rank import RankLimits, near_duplicate, word_overlap
from .scope import Scoped
from .summary import Pick

__all__ = ["Dispute", "Side", "find_disputes"]

# Figure disputes compare pairs of in-scope figure sentences: the most relevant 2,000 at
# most (the corpus has about 50). It replaces a similarity matrix of every sentence, which
# needed 831 GiB for a whole-corpus request over an index of 100k chunks.
FIGURE_POOL = 2000
_SECTION = re.compile(r"disagree|differ|dispute|contradict|conflicting|discrepanc", re.I)
_FRAMING = re.compile(r"^(?:sources|accounts|reports|figures|estimates)\b.{0,40}"
                      r"\b(?:disagree|differ|different|vary)", re.I)  # fmt: skip
_ANSWERS = re.compile(
    r"\bhowever\b|\binstead\b|\bby contrast\b|\bin contrast\b|\bon the other hand\b"
    r"|^(?:but|yet)\b|\b(?:a |are |is )?(?:higher|lower|longer|shorter)\b|\boverstate|"
    r"\bunderstate",
    re.IGNORECASE,
)
_BOTH_SIDES = re.compile(r",\s*(?:but|though|although|whereas|while)\s+", re.IGNORECASE)
_FIGURE = re.compile(
    r"(?<![\w.])(\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve)"
    r"(?:\s*(?:to|–|-)\s*(\d+(?:[.,]\d+)?))?\s*"
    r"(%|percent\b|per cent\b|years?\b|months?\b|/kg\b|t\b|tonnes\b|working days\b)",
    re.IGNORECASE,
)
_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
          "seven": "7", "eight": "8", "nine": "9", "ten": "10", "twelve": "12"}  # fmt: skip
_UNITS = {"percent": "%", "per cent": "%", "tonnes": "t", "years": "year", "months": "month"}
# Kind weights: a section about a disagreement states one for sure; a figure pair is
# our inference, so it ranks after what the corpus says outright.
_KIND_WEIGHT = {"section": 3.0, "sentence": 2.0, "figures": 1.0}


@dataclass(slots=True)
class Side:
    """One side (or a note) of a dispute: the chosen sentence and who says it."""

    pick: Pick
    attribution: str


@dataclass(slots=True)
class Dispute:
    """A disagreement: a title, its sides (in document order) and how sure we are."""

    title: str
    sides: list[Side]
    kind: str
    note: str = ""
    support: set[str] = field(default_factory=set)
    score: float = 0.0

    @property
    def rows(self) -> list[Sentence]:
        return [x for s in self.sides for x in (s.pick.sentence, *s.pick.also)]


def _figures(text: str) -> dict[str, set[str]]:
    """Unit -> values stated ("85 to 90 percent" -> {"%": {"85-90"}})."""
    found: dict[str, set[str]] = {}
    for m in _FIGURE.finditer(text):
        low = _WORDS.get(m.group(1).lower(), m.group(1).replace(",", ""))
        unit = m.group(3).lower()
        unit = _UNITS.get(unit, unit.rstrip("s") if unit.endswith("s") else unit)
        found.setdefault(unit, set()).add(f"{low}-{m.group(2)}" if m.group(2) else low)
    return found


def _side(sentence: Sentence, fallback: str = "") -> Side:
    return Side(Pick(sentence, 0.0, []), " vs ".join(speakers(sentence.text)) or fallback)


def _title_of(sides: list[Side], heading: str) -> str:
    head = heading.split(":", 1)[1].strip() if ":" in heading else ""
    if head and _SECTION.search(heading.split(":", 1)[0]):
        return head[:1].upper() + head[1:]
    names = [s.attribution for s in sides if s.attribution]
    if len(names) >= 2:
        return f"{names[0]} vs {names[1]}"
    return names[0] if names else heading


def _section_disputes(rows: list[Sentence]) -> list[Dispute]:
    """Disputes of one section about disagreement (see the module docstring, 1)."""
    heading = rows[0].heading
    framing = [s for s in rows if _FRAMING.search(s.text)]
    body = [s for s in rows if s not in framing]
    answering = [s for s in body[1:] if _ANSWERS.search(s.text)]
    groups: list[list[Sentence]] = []
    if len(answering) >= 2 and not framing:
        for s in body:
            if groups and s in answering:
                groups[-1].append(s)
            else:
                groups.append([s])
    elif body:
        groups = [body]
    out = []
    note = framing[0].text if framing else ""
    for group in groups:
        attributed = [s for s in group if speakers(s.text)]
        notes = [s for s in group if s not in attributed][:1] if len(attributed) >= 2 else []
        sides = [_side(s) for s in (attributed if len(attributed) >= 2 else group)]
        sides += [Side(Pick(s, 0.0, []), "") for s in notes]
        sides.sort(key=lambda side: side.pick.sentence.order)
        if len(group) == 1 and not _BOTH_SIDES.search(group[0].text):
            continue  # one sentence, one side: not a disagreement on its own
        out.append(Dispute(_title_of(sides, heading), sides[:4], "section", note))
    return out


def _sentence_disputes(rows: list[Sentence], claimed: set[int]) -> list[Dispute]:
    """Disputes inside ordinary sections (see the module docstring, 2)."""
    out: list[Dispute] = []
    for i, s in enumerate(rows):
        if s.index in claimed:
            continue
        if len(speakers(s.text)) >= 2 and _BOTH_SIDES.search(s.text):
            side = _side(s)
            out.append(Dispute(side.attribution, [side], "sentence"))
        elif i > 0 and speaker(s.text) and _ANSWERS.search(s.text):
            prev = rows[i - 1]
            if prev.index in claimed or not (_figures(prev.text) or speaker(prev.text)):
                continue
            sides = [_side(prev), _side(s)]
            out.append(Dispute(_title_of(sides, s.heading), sides, "sentence"))
    return out


def _figure_disputes(
    scoped: list[Sentence], vectors: np.ndarray, claimed: set[int]
) -> list[Dispute]:
    """Differing figures of one measure (see the module docstring, 3), among the figure
    sentences of ``scoped`` (document order); ``vectors`` holds one row per sentence."""
    figures = [_figures(s.text) for s in scoped]
    # Only pairs about the same thing (cosine >= 0.6) are compared, in document order.
    close = np.argwhere(np.triu(vectors @ vectors.T >= 0.6, k=1)) if scoped else []
    out: list[Dispute] = []
    for a, b in close:
        sa, sb = scoped[a], scoped[b]
        if sa.index in claimed or sb.index in claimed:
            continue
        units = set(figures[a]) & set(figures[b])
        if not units or any(figures[a][u] & figures[b][u] for u in units):
            continue
        who_a, who_b = speaker(sa.text), speaker(sb.text)
        if (sa.doc_id == sb.doc_id and (not who_a or not who_b or who_a == who_b)) or (
            word_overlap(sa.keys, sb.keys) < 0.3
        ):
            continue
        sides = [_side(sa, sa.chunk.title), _side(sb, sb.chunk.title)]
        out.append(Dispute(_title_of(sides, sa.heading), sides, "figures"))
    return out


def _merge(disputes: list[Dispute], vectors: np.ndarray, usable: set[int]) -> list[Dispute]:
    """The same dispute told twice becomes one: the later one's sentences are cited
    with the sides they repeat."""
    limits = RankLimits()
    kept: list[Dispute] = []
    for dispute in disputes:
        target = None
        for other in kept:
            pairs = [
                (mine, theirs)
                for mine in dispute.sides
                for theirs in other.sides
                if _dup(mine.pick.sentence, theirs.pick.sentence, vectors, usable, limits)
            ]
            if pairs:
                target = (other, pairs)
                break
        if target is None:
            dispute.support = {s.pick.sentence.doc_id for s in dispute.sides}
            kept.append(dispute)
            continue
        other, pairs = target
        for mine, theirs in pairs:
            theirs.pick.also.append(mine.pick.sentence)
        other.support |= {s.pick.sentence.doc_id for s in dispute.sides}
    return kept


def _dup(a: Sentence, b: Sentence, vectors: np.ndarray, usable: set[int], limits) -> bool:
    if a.index == b.index:
        return True
    both = a.index in usable and b.index in usable
    cosine = float(np.clip(vectors[a.index] @ vectors[b.index], 0.0, 1.0)) if both else 0.0
    return near_duplicate(cosine, a.keys, b.keys, limits)


def _figure_pool(scoped: Scoped, usable: set[int]) -> list[Sentence]:
    """The in-scope sentences that state a figure, in document order: the most relevant
    :data:`FIGURE_POOL` of them when there are more (a whole-corpus request over a large
    index compares pairs of these, so their number is bounded)."""
    rows = [
        (i, s, float(r))
        for i, (s, r) in enumerate(zip(scoped.sentences, scoped.relevance, strict=True))
        if s.index in usable and _figures(s.text)
    ]
    if len(rows) > FIGURE_POOL:
        rows = sorted(sorted(rows, key=lambda t: -t[2])[:FIGURE_POOL], key=lambda t: t[0])
    return [s for _, s, _ in rows]


def find_disputes(
    scoped: Scoped, inventory: Inventory, cache: VectorCache, max_points: int
) -> list[Dispute]:
    """The disputes of the scope, strongest first, whole, up to ``max_points`` points."""
    usable = [s for s in inventory.sentences if not s.skip]
    if not usable:
        return []
    vectors = inventory.vectors(cache)
    usable_ids = {s.index for s in usable}
    sections: dict[tuple[str, tuple[str, ...]], list[Sentence]] = {}
    for s in usable:
        sections.setdefault(s.section, []).append(s)
    disputes: list[Dispute] = []
    claimed: set[int] = set()
    for rows in sections.values():
        if _SECTION.search(rows[0].heading):
            found = _section_disputes(rows)
            disputes += found
            claimed |= {s.index for s in rows}
    for rows in sections.values():
        found = _sentence_disputes(rows, claimed)
        disputes += found
        claimed |= {x.index for d in found for x in d.rows}
    pool = _figure_pool(scoped, usable_ids)
    disputes += _figure_disputes(pool, vectors[[s.index for s in pool]], claimed)
    disputes = _merge(disputes, vectors, usable_ids)

    relevance = {s.index: float(r) for s, r in zip(scoped.sentences, scoped.relevance, strict=True)}
    ranked = []
    for d in disputes:
        hits = [relevance[x.index] for x in d.rows if x.index in relevance]
        if not hits:
            continue  # off the topic or outside the documents asked for
        d.score = _KIND_WEIGHT[d.kind] * (1 + 0.5 * (len(d.support) - 1)) * max(hits)
        ranked.append(d)
    ranked.sort(key=lambda d: -d.score)
    out, used = [], 0
    for d in ranked:
        if used + len(d.sides) > max_points:
            continue
        out.append(d)
        used += len(d.sides)
    for d in out:
        for side in d.sides:
            side.pick.score = d.score
    return out
