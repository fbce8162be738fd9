"""Choosing the answer sentences among scored candidates, and spotting disagreements.

The most probable sentence is always kept; more follow while they are probable enough
(the fitted ``extra`` threshold and ``extra_share`` of the best), add new content words,
are no near-duplicate of a kept one and fit the word cap. Sentences from *different*
documents (or, for "how long / how many" questions, the same one) that give different
figures for the same thing are both kept, so the answer can show the disagreement
instead of picking; a characterisation ("X calls the licences ...") brings another
speaker's view of the same thing. Pure functions over :class:`Candidate` records.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from ..text import content_words, numbers
from .candidates import Candidate
from .compose import enumerates
from .question import QuestionProfile, names, term_key
from .sentence_features import DATE_PATTERN

__all__ = ["SelectionLimits", "figure_units", "has_conflict", "lead_first", "select"]

_FIGURE_KINDS = ("duration", "number")


@dataclass(frozen=True, slots=True)
class SelectionLimits:
    """How many sentences and words an answer may take, and the redundancy rules.

    The probability thresholds come from the fitted model (``Thresholds``); these are
    the remaining constants, each with its reason:

    Fields:
        max_words: soft cap on an answer (setting ``max_answer_words``): a briefing
            answer is read in seconds; the best sentence is kept even when longer.
        detail_words: cap when the question asks to explain / describe (more room).
        max_sentences, list_sentences, detail_sentences: most sentences in a normal,
            list or detailed answer (a list may need one sentence per item).
        redundant_overlap: a sentence sharing more than this Jaccard share of its
            content words with a kept one repeats it (the timeline restates the notes).
        redundant_cosine: likewise for MiniLM cosine between the two sentences.
        min_new_words: an extra sentence must bring this many content words not yet
            shown, or it adds nothing.
        disagreement_floor: a sentence giving a *different figure* for the best
            sentence's measure may be kept down to this share of the best probability
            (disagreements are shown even when the other side scores lower).
        disagreement_related: cosine to the best sentence above which two figures are
            about the same measure.
        view_floor, view_related: the same two rules for opposing characterisations.
    """

    max_words: int = 120
    detail_words: int = 250
    max_sentences: int = 6
    list_sentences: int = 6
    detail_sentences: int = 8
    redundant_overlap: float = 0.4
    redundant_cosine: float = 0.75
    min_new_words: int = 2
    disagreement_floor: float = 0.3
    disagreement_related: float = 0.70
    view_floor: float = 0.3
    view_related: float = 0.3


def select(
    profile: QuestionProfile,
    candidates: list[Candidate],
    limits: SelectionLimits,
    *,
    extra: float,
    extra_share: float,
) -> list[Candidate]:
    """The sentences to answer with, most probable first (see the module docstring)."""
    ranked = sorted(
        (c for c in candidates if not c.features.furniture),
        key=lambda c: (-c.probability, c.rank, c.start),
    )
    if profile.wants_detail:
        limit, words_cap = limits.detail_sentences, limits.detail_words
    elif profile.is_list:
        limit, words_cap = limits.list_sentences, limits.max_words
    else:
        limit, words_cap = limits.max_sentences, limits.max_words
    best = ranked[0]
    chosen = [best]
    words = best.features.words
    covered = set(best.keys)
    floor = max(extra, extra_share * best.probability)
    for candidate in ranked[1:]:
        if len(chosen) >= limit or candidate.probability < floor:
            break
        if words + candidate.features.words > words_cap:
            continue
        if not _adds_information(candidate, chosen, covered, limits):
            continue
        chosen.append(candidate)
        words += candidate.features.words
        covered |= candidate.keys
    # For "how long / how many" questions a different figure in the same document is
    # also shown (notes often state both sides of a disagreement in one place).
    same_doc = bool(profile.kinds & set(_FIGURE_KINDS))
    _add_disagreement(chosen, ranked, best.probability, limits, same_doc=same_doc)
    _add_opposing_view(chosen, ranked, best.probability, limits)
    _add_announced(chosen, candidates, words_cap)
    _add_compared(chosen, ranked, profile.compared, extra, words_cap)
    return chosen


def _add_compared(
    chosen: list[Candidate],
    ranked: list[Candidate],
    compared: tuple[str, ...],
    floor: float,
    words_cap: int,
) -> None:
    """A comparison ("how's JL Mag's licence different from Ningbo Yunsheng's?") states
    each side: for every compared name, the sentence about it (naming it, and not all the
    compared names as a list does) that the lead model rates highest, if at least
    ``floor`` probable, is added when missing, within the word cap ("JL Mag's licence
    covers nearly all of its customers", not "2008: JL Mag is founded in Ganzhou")."""
    if not compared:
        return
    words = sum(c.features.words for c in chosen)
    probable = [c for c in ranked if c.probability >= floor]
    every = set(compared)
    named = [{n for n in compared if names(c.text, n)} for c in probable]
    for name in compared:
        own = [c for c, its in zip(probable, named, strict=True) if name in its and its != every]
        if not own:
            continue
        best = max(own, key=lambda c: c.lead)
        if best not in chosen and words + best.features.words <= words_cap:
            chosen.append(best)
            words += best.features.words


# "... need a licence to export three kinds of items.": the items follow, one sentence each.
_ANNOUNCES = re.compile(
    r"\b(?P<n>two|three|four|five)\s+(?:\w+\s+)?(?:kinds|types|categories|parts|groups|"
    r"sets|ways|steps|items|measures|things|changes|conditions)\b",
    re.IGNORECASE,
)
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5}


def _add_announced(chosen: list[Candidate], candidates: list[Candidate], words_cap: int) -> None:
    """After a kept sentence that announces N things ("three kinds of items"), the next N
    sentences of its passage, which state them ("The first kind is ..."), while the word
    cap allows. On dev, by case cross-validation: all-facts +2 cases, token F1 +0.003."""
    words = sum(c.features.words for c in chosen)
    for announcing in list(chosen):
        match = _ANNOUNCES.search(announcing.text)
        if match is None:
            continue
        n = _COUNTS[match["n"].lower()]
        following = sorted(
            (
                c
                for c in candidates
                if c.passage is announcing.passage
                and announcing.index < c.index <= announcing.index + n
                and c not in chosen
                and not c.features.furniture
            ),
            key=lambda c: c.index,
        )
        for candidate in following:
            if words + candidate.features.words > words_cap:
                return
            chosen.append(candidate)
            words += candidate.features.words


def lead_first(
    chosen: list[Candidate], profile: QuestionProfile | None = None, *, question: str = ""
) -> list[Candidate]:
    """``chosen`` with the sentence the lead model rates highest moved to the front (the
    first of equals stays); the others keep their order.

    A list question ("which firms / elements ...") leads instead with the best-rated
    sentence that enumerates items (:func:`~briefing.answering.compose.enumerates`), when
    the lead model's choice does not and that sentence is at least half as probable as
    the best: "Which companies were granted the first general licences?" leads with "...
    went to three magnet makers: JL Mag Rare-Earth, Ningbo Yunsheng and Beijing Zhong Ke
    San Huan", not "Reuters reported ... that China had granted its first general
    licences". A question for elements needs a list of elements ("holmium, erbium, ..."),
    not one of industries, and a list that restates the ``question``'s own items ("What
    do Announcements 55, 56 and 58 cover?" against "No. 70 suspends Nos. 55, 56, 57, 58,
    61 and 62") lists nothing. (Half: on dev, by case cross-validation, first sentence +2
    cases at 0.3 to 0.5, nothing at 0.7. Elements: dev +2 cases, none lost.)"""
    if len(chosen) < 2:
        return chosen
    order = sorted(range(len(chosen)), key=lambda i: (-chosen[i].lead, i))
    lead = order[0]
    elements = profile is not None and profile.wants_elements
    if (
        profile is not None
        and profile.is_list
        and not enumerates(chosen[lead].text, elements=elements, question=question)
    ):
        best = max(c.probability for c in chosen)
        listing = [
            i
            for i in order
            if chosen[i].probability >= LIST_LEAD_SHARE * best
            and enumerates(chosen[i].text, elements=elements, question=question)
        ]
        lead = listing[0] if listing else lead
    return [chosen[lead], *chosen[:lead], *chosen[lead + 1 :]]


#: Share of the best sentence probability an enumerating sentence needs to lead a list
#: question (see :func:`lead_first`).
LIST_LEAD_SHARE = 0.5


_CONTRAST = re.compile(
    r"\b(?:by contrast|in contrast|however|whereas|while|but|instead|higher|lower|"
    r"disagree|differ|different|vs\.?|versus)\b",
    re.IGNORECASE,
)


def _add_disagreement(
    chosen: list[Candidate],
    ranked: list[Candidate],
    best_probability: float,
    limits: SelectionLimits,
    *,
    same_doc: bool = False,
) -> None:
    """Add a sentence that gives a different figure for the same measure as the best one.

    Same measure: a unit the best sentence uses ("%", "year") in a sentence at least
    ``limits.disagreement_related`` close to it in meaning. Different figure: none of its
    values in that unit is shown yet (a sentence restating a shown value agrees: "from
    20% to 10%" and "10%" do not disagree). Among those, the closest to the best
    sentence wins, with a small preference for one that states the contrast.
    """
    anchor = chosen[0]
    anchor_units = figure_units(anchor)
    if not anchor_units:
        return
    shown: dict[str, set[str]] = {}
    for c in chosen:
        for unit, values in figure_units(c).items():
            shown.setdefault(unit, set()).update(values)

    def key(other: Candidate) -> float | None:
        if other.doc_id == anchor.doc_id and not same_doc:
            return None
        units = figure_units(other)
        if not any(units[u].isdisjoint(shown[u]) for u in anchor_units.keys() & units.keys()):
            return None
        closeness = float(anchor.vector @ other.vector)
        if closeness < limits.disagreement_related:
            return None
        return closeness + (0.05 if _CONTRAST.search(other.text) else 0.0)

    pick = _best_other(chosen, ranked, limits.disagreement_floor * best_probability, key)
    if pick is not None:
        chosen.append(pick)


def _best_other(
    chosen: list[Candidate],
    ranked: list[Candidate],
    floor: float,
    key: Callable[[Candidate], float | None],
) -> Candidate | None:
    """The candidate not chosen yet, at least ``floor`` probable, with the highest
    ``key`` (None: not eligible); the better-ranked one on ties."""
    pick: Candidate | None = None
    pick_key = -1.0
    for other in ranked:
        if other in chosen or other.probability < floor:
            continue
        value = key(other)
        if value is not None and value > pick_key:
            pick, pick_key = other, value
    return pick


_VIEW = re.compile(
    r"^(?P<speaker>.{2,80}?)\s+(?:calls?|called|describes?|described|characteri[sz]e[sd]?"
    r"|sees?|views?|regards?|labels?)\s+(?:the\s+|it\s+|them\s+)?(?P<rest>.*)$",
    re.IGNORECASE,
)


def _view(candidate: Candidate) -> tuple[str, frozenset[str]] | None:
    """``(speaker, object keys)`` of a sentence that characterises something
    ("The White House calls the general licences ..."), else None."""
    match = _VIEW.match(candidate.text)
    if match is None:
        return None
    head = " ".join(match["rest"].split()[:4])
    return match["speaker"].lower(), frozenset(term_key(w) for w in content_words(head))


def _add_opposing_view(
    chosen: list[Candidate],
    ranked: list[Candidate],
    best_probability: float,
    limits: SelectionLimits,
) -> None:
    """When a kept sentence gives someone's view of a thing, add another speaker's view
    of the same thing ("MOFCOM describes the licences as an add-on" -> "The White House
    calls the licences the de facto removal"), so a contested reading is not presented
    as the only one. Same thing: the words right after the verb share a content word."""
    for anchor in list(chosen):
        view = _view(anchor)
        if view is None:
            continue
        key = partial(_opposing_view_key, anchor, view, limits)
        pick = _best_other(chosen, ranked, limits.view_floor * best_probability, key)
        if pick is not None:
            chosen.append(pick)
            return


def _opposing_view_key(
    anchor: Candidate,
    view: tuple[str, frozenset[str]],
    limits: SelectionLimits,
    other: Candidate,
) -> float | None:
    """Closeness of ``other`` to ``anchor`` when it gives another speaker's view of the
    same thing, close enough; else None."""
    speaker, thing = view
    other_view = _view(other)
    if other_view is None or other_view[0] == speaker or not other_view[1] & thing:
        return None
    closeness = float(anchor.vector @ other.vector)
    return closeness if closeness >= limits.view_related else None


def _adds_information(
    candidate: Candidate, chosen: list[Candidate], covered: set[str], limits: SelectionLimits
) -> bool:
    """Brings new content words, and is no near-duplicate of a kept sentence unless it
    states a figure none of them does: "by late November terbium was about $3,700/kg" is
    shaped like "... dysprosium was about $910/kg" but is another fact. Dates and years do
    not count (the timeline restates a note with its date). On dev, by case
    cross-validation at the fitted thresholds: all-facts 0.858 -> 0.883."""
    if len(candidate.keys - covered) < limits.min_new_words:
        return False
    figures = {f"#{n}" for n in numbers(DATE_PATTERN.sub(" ", candidate.text))}
    if any(not _YEAR_KEY.match(key) for key in figures - covered):
        return True
    for other in chosen:
        union = candidate.keys | other.keys
        if union and len(candidate.keys & other.keys) / len(union) > limits.redundant_overlap:
            return False
        if float(candidate.vector @ other.vector) > limits.redundant_cosine:
            return False
    return True


_YEAR_KEY = re.compile(r"^#(?:19|20)\d\d$")


def figure_units(candidate: Candidate) -> dict[str, frozenset[str]]:
    """The candidate's figures grouped by unit: {"year": {"1"}, "%": {"85-90"}}."""
    units: dict[str, set[str]] = {}
    for figure in candidate.features.figures:
        value, unit = figure.split(" ", 1)
        units.setdefault(unit, set()).add(value)
    return {u: frozenset(v) for u, v in units.items()}


def has_conflict(chosen: list[Candidate], limits: SelectionLimits | None = None) -> bool:
    """Whether another document gives a different figure for the best sentence's measure
    (``chosen`` best first, as :func:`select` returns it)."""
    if not chosen:
        return False
    limits = limits or SelectionLimits()
    anchor = chosen[0]
    ua = figure_units(anchor)
    for other in chosen[1:]:
        if other.doc_id == anchor.doc_id:
            continue
        ub = figure_units(other)
        differs = any(ua[u].isdisjoint(ub[u]) for u in ua.keys() & ub.keys())
        if differs and _same_measure(anchor, other, limits):
            return True
    return False


def _same_measure(a: Candidate, b: Candidate, limits: SelectionLimits) -> bool:
    """Two kept sentences are about the same thing when close in meaning or sharing at
    least two content words besides the figures ("general licence" ... "year")."""
    shared = {k for k in a.keys & b.keys if not k.startswith("#")}
    return float(a.vector @ b.vector) >= limits.disagreement_related or len(shared) >= 2
