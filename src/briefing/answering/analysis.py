"""What the offline answerer worked out about one question, and the rules that refuse it.

An :class:`Analysis` holds the candidate sentences with their features and
probabilities, the answerable model's inputs and output, and the refusal if any. The
rules here refuse before the answerable model is asked, where the evidence alone
decides (a name the passages never mention, nothing on the topic, an asked-for unit or
attribute no good sentence states); each rule's effect on the dev split is given with it.
Some of the answerable model's inputs are read off the question alone and live here too:
an event after the sources, a request for a task, a question about what will happen.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .candidates import Candidate
from .features import FEATURES, profile_match
from .question import ELEMENT_NAMES, QuestionProfile, name_variants

__all__ = [
    "MIN_SIMILARITY",
    "Analysis",
    "beyond_sources",
    "logit",
    "missing_key_terms",
    "names_only_counted",
    "ruled_out",
    "past_after_sources",
    "task_request",
]


@dataclass(slots=True)
class Analysis:
    """Everything the answerer worked out for one question (``OfflineAnswerer.analyse``).

    Fields:
        question, profile: the question and what it asks for.
        candidates: the candidate sentences, each with its ``probability`` set.
        matrix: their feature rows (columns :data:`~briefing.answering.features.FEATURES`).
        question_features: one row of :data:`~briefing.answering.model.QUESTION_FEATURES`.
        answerable: P(the passages answer the question), from the answerable model.
        refusal: ``(message, reason)`` when the answer must be refused, else None.
    """

    question: str
    profile: QuestionProfile
    candidates: list[Candidate]
    matrix: np.ndarray
    question_features: np.ndarray = field(default_factory=lambda: np.zeros(0))
    answerable: float = 0.0
    refusal: tuple[str, str] | None = None


#: Below this best-sentence cosine (MiniLM) no passage is about the question at all. On
#: dev (294 cases) it refuses 13 of 64 unanswerable questions and none of 230 answerable.
MIN_SIMILARITY = 0.30


def ruled_out(analysis: Analysis) -> tuple[str, str] | None:
    """``(message, reason)`` when a rule refuses before the answerable model is asked:

    - a name, acronym or number of the question occurs in no passage;
    - no sentence is about the question (best cosine below :data:`MIN_SIMILARITY`);
    - the question asks for a unit or a named attribute (a price, a share, a count, a
      chief executive, a revenue ...) and none of the three most probable sentences
      states one (on dev: 13 of 64 unanswerable refused, none of 230 answerable);
    - none of those three that states such a figure or attribute names any of the
      question's names ("How much does a Virginia-class submarine cost?": the submarine's
      sentence gives a weight, the sentences with prices are about dysprosium; on dev,
      494 cases: none refused either way, kept for the question in issue 8);
    - it asks for such a figure about a chemical element and no sentence stating one names
      the element ("the neodymium price" beside the dysprosium price; on dev, 494 cases: 5
      unanswerable refused, no answerable);
    - a "why did / were / was" question and none of the three most probable sentences
      states a cause (on dev, 494 cases: 3 unanswerable refused, no answerable);
    - it asks for a company's profile (founded, based, owner, staff, stock) and no
      retrieved sentence naming one of its names states it (on dev, 494 cases: 2
      unanswerable refused, no answerable);
    - it asks which companies (firms, entities, suppliers, countries ...) and the best
      sentences only count or describe them (:func:`names_only_counted`; on dev, 494
      cases: 3 unanswerable refused, none of the 8 answerable the pattern matches).
    """
    missing = missing_key_terms(analysis)
    if missing:
        shown = ", ".join(f'"{m}"' for m in missing)
        return (
            f"The corpus does not mention {shown}, so it cannot answer this question.",
            f"key term(s) {shown} occur in none of the retrieved passages",
        )
    col = {name: j for j, name in enumerate(FEATURES)}
    content = [i for i, c in enumerate(analysis.candidates) if not c.features.furniture]
    if not content:
        return ("The retrieved passages hold no statement that answers this.", "no content")
    best = float(analysis.matrix[content, col["sim"]].max())
    if best < MIN_SIMILARITY:
        return (
            "The corpus does not cover this question.",
            f"best sentence similarity {best:.2f} < {MIN_SIMILARITY:.2f}",
        )
    top = sorted(content, key=lambda i: -analysis.candidates[i].probability)[:3]
    if (
        _PAST_WHY.match(analysis.question.strip())
        and not analysis.matrix[top, col["slot_fit"]].any()
    ):
        return (
            "The corpus does not say why.",
            "none of the best sentences states a cause (slot_fit 0) for a 'why did' question",
        )
    elements = [k for k in analysis.profile.key_terms if k in ELEMENT_NAMES]

    def column(feature: str, rows: list[int]) -> np.ndarray:
        if feature == "profile":  # not a model input (see features._PROFILE_ATTRIBUTES)
            texts = (analysis.candidates[i].text for i in rows)
            return np.array([profile_match(analysis.question, t) for t in texts])
        return analysis.matrix[rows, col[feature]]

    for feature, what in (
        ("unit_fit", "the figure"),
        ("attribute_match", "the detail"),
        ("profile", "the detail"),
    ):
        # A profile detail is written in set phrases, so any retrieved sentence may state it.
        rows = content if feature == "profile" else top
        values = column(feature, rows)
        if values[0] == 0.5:
            continue
        if not values.any():
            return (
                f"The corpus does not state {what} this question asks for.",
                f"none of the best sentences states {what} asked for ({feature} 0)",
            )
        keys = analysis.profile.key_terms
        if keys and not any(
            analysis.matrix[i, col["key_cov"]] > 0 for i, v in zip(rows, values, strict=True) if v
        ):
            shown = ", ".join(f'"{k}"' for k in _as_written(analysis.question, keys))
            return (
                f"The corpus does not state {what} this question asks for about {shown}.",
                f"none of the best sentences stating {what} asked for ({feature}) names {shown}",
            )
        stating = [i for i, v in zip(content, column(feature, content), strict=True) if v > 0]
        if elements and not any(
            _names_all(analysis.candidates[i].context, elements) for i in stating
        ):
            shown = ", ".join(f'"{n}"' for n in elements)
            return (
                f"The corpus does not state {what} this question asks for about {shown}.",
                f"no sentence stating {what} asked for ({feature}) names {shown}",
            )
    unnamed = names_only_counted(analysis.question, [analysis.candidates[i].text for i in top])
    if unnamed:
        return (
            f"The corpus does not name the {unnamed} this question asks for.",
            f"the best sentences mention {unnamed} but name none",
        )
    return None


# "Which fourteen entities ...", "which of Ford's suppliers ...": the answer is names of
# one class. Group: the nouns a sentence may use for the same class ("companies" asked,
# "entities" written).
_CLASS_GROUPS: dict[str, str] = {
    "org": r"compan(?:y|ies)|firms?|entit(?:y|ies)|business(?:es)?"
    r"|(?:auto|car)?makers?|manufacturers?|producers?",
    # A firm's suppliers, customers or traders are other classes: "JL Mag ... covers
    # nearly all of its customers" answers "which companies", it does not count them.
    "supplier": r"suppliers?",
    "customer": r"customers?|clients?|buyers?",
    "trader": r"exporters?|importers?",
    "place": r"countr(?:y|ies)|nations?|provinces?|cit(?:y|ies)|ports?",
}
_AUX = r"is|are|was|were|do|does|did|has|have|had|can|could|will|would"
_WHICH_CLASS = re.compile(
    rf"^(?:which|what)\s+(?:(?!(?:{_AUX})\b)[\w'\-]+\s+){{0,3}}?"
    rf"(?P<noun>{'|'.join(_CLASS_GROUPS.values())})\b(?!')",  # not "carmaker's suppliers"
    re.IGNORECASE,
)
_CLASS_WORD = {g: re.compile(rf"^(?:{p})$", re.IGNORECASE) for g, p in _CLASS_GROUPS.items()}
# Capitalised words that are not names of a company, body or place.
_NOT_NAMES = frozenset(
    "the a an according in on at by as for from its it this that these those their some "
    "no nos announcement announcements late early mid trade under with when while only "
    "january february march april may june july august september october november december".split()
)


def _named_start(words: Sequence[str]) -> bool:
    """Whether a sentence's first word is a name, as far as its form tells: every first
    word is capitalised ("Applications for listed entities ..."), but a possessive
    ("Ford's suppliers"), an acronym ("MOFCOM said") or a name of two capitalised words
    ("Ningbo Yunsheng's licence") is one."""
    first = words[0]
    return (
        first.endswith("'s")
        or (len(first) > 1 and first.isupper())
        or (len(words) > 1 and words[1][:1].isupper())
    )


# "European auto suppliers", "Chinese firms" describe a class; they do not name a member.
_DEMONYM = re.compile(r"(?:ean|ian|ese|ish|can|man|ch)$")
_WORD = re.compile(r"[A-Za-z0-9](?:[\w'\-&.]*\w)?")


def names_only_counted(question: str, sentences: Sequence[str]) -> str | None:
    """The class of names asked for ("companies") when ``sentences`` only count it.

    Fires for "which [up to three words] <class noun>" when the first (most probable)
    sentence mentions that class ("fourteen foreign entities", "US chip companies")
    with no new name within three words of it, no other sentence does so with one, and
    none lists three or more new names ("A, B and C"). A new name is a capitalised word
    the question does not use. A negated mention ("No European company had ...") is an
    answer, so the rule stays silent.
    """
    match = _WHICH_CLASS.match(question.strip())
    if match is None or not sentences:
        return None
    noun = match["noun"].lower()
    group = next(g for g, word in _CLASS_WORD.items() if word.match(noun))
    asked = {w.rstrip(".").removesuffix("'s").lower() for w in _WORD.findall(question)}

    def new_name(word: str) -> bool:
        bare = word.rstrip(".").removesuffix("'s")
        low = bare.lower()
        return (
            bare[:1].isupper()
            and low not in asked
            and low not in _NOT_NAMES
            and _DEMONYM.search(bare) is None
        )

    mentioned_first = False
    for rank, text in enumerate(sentences):
        words = _WORD.findall(text)
        names = [j for j, w in enumerate(words) if new_name(w) and (j > 0 or _named_start(words))]
        if len({words[j].lower() for j in names}) >= 3 and re.search(
            r"[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)*,\s+[A-Z][\w\-]*.*\band\s+[A-Z]", text
        ):
            return None  # a list of names
        mentions = [j for j, w in enumerate(words) if _CLASS_WORD[group].match(w)]
        for j in mentions:
            if {w.lower() for w in words[max(0, j - 3) : j]} & {"no", "none", "any"}:
                return None
            if any(abs(j - k) <= 3 for k in names):
                return None
        mentioned_first = mentioned_first or (rank == 0 and bool(mentions))
    return noun if mentioned_first else None


# "Why did Xi visit JL Mag in 2019?": a past event's reason is stated as one ("because",
# "after", "in response to"); "Why is dysprosium important?" is answered by what it does.
_PAST_WHY = re.compile(r"^why\s+(?:did|were|was)\b", re.IGNORECASE)


def _as_written(question: str, keys: Sequence[str]) -> list[str]:
    """``keys`` ("jl", "mag") as the question writes them, neighbours joined ("JL Mag")."""
    spans = sorted(
        m.span()
        for m in (re.search(rf"\b{re.escape(k)}[\w\-]*", question, re.IGNORECASE) for k in keys)
        if m is not None
    )
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and not question[merged[-1][1] : start].strip(" -"):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [question[a:b] for a, b in merged] or list(keys)


def _names_all(text: str, names: Sequence[str]) -> bool:
    """Whether ``text`` mentions every one of ``names``: a price, share or tonnage is
    stated per element, so a figure answers "the neodymium price" only when it names
    neodymium (not the dysprosium price two lines above)."""
    lower = text.lower()
    return all(_mentions(lower, n) for n in names)


def missing_key_terms(analysis: Analysis) -> list[str]:
    """The question's names, acronyms and numbers that no candidate sentence mentions
    (page furniture does not count: "ALSO READ | What did Trump and Maduro discuss ..."
    under an article is about another story): the passages cannot be about what was
    asked (refused before any model)."""
    haystack = " ".join(c.text for c in analysis.candidates if not c.features.furniture).lower()
    return [k for k in analysis.profile.key_terms if not _mentions(haystack, k)]


def _mentions(haystack: str, term: str) -> bool:
    """Whether lower-cased ``haystack`` names ``term`` or an equivalent name ("us" for
    "america"), as a word or the start of one ("licen" in "licences"), or spells out an
    acronym of three or more letters ("uel": "unreliable entity list"; "rees": "rare
    earth elements")."""
    if any(
        re.search(r"(?<![a-z0-9])" + re.escape(variant), haystack) is not None
        for variant in name_variants(term)
    ):
        return True
    letters = term[:-1] if len(term) > 2 and term.endswith("s") else term
    if not (3 <= len(letters) <= 5 and letters.isalpha()):
        return False
    words = [w for w in re.split(r"[^a-z0-9]+", haystack) if w and w not in _FILLER]
    initials = "".join(w[0] for w in words)
    return letters in initials and any(
        initials[i : i + len(letters)] == letters for i in range(len(initials))
    )


_FILLER = frozenset("of the and for on in to a an".split())


_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


#: A question in the past tense: it asks what happened or was the case ("What came out of
#: the 2026 trip?", "Were the licences renewed ...?", "How many had China issued ...?").
_PAST = re.compile(
    r"\b(?:did|was|were|had|became|came|went|got|made|took|rose|fell|grew|won|lost|said)\b"
    r"|\b[a-z]{3,}ed\b",
    re.IGNORECASE,
)


def past_after_sources(analysis: Analysis) -> float:
    """1.0 when the question names a year later than every retrieved passage's date and
    asks in the past tense: what happened then, which the sources cannot have reported
    (they mention later years only as plans: "runs until 10 November 2026", "25 million
    tonnes a year in 2026-2028", which a present-tense question may ask about)."""
    years = [int(y) for y in _YEAR.findall(analysis.question)]
    published = [
        int(c.passage.chunk.published[:4])
        for c in analysis.candidates
        if c.passage.chunk.published[:4].isdigit()
    ]
    if not years or not published or not _PAST.search(analysis.question):
        return 0.0
    return 1.0 if max(years) > max(published) else 0.0


#: A request for a task rather than a question about the sources: "Can you book ...",
#: "Recommend a hotel", "Write a poem", "What's 17 times 23?". (A request for a summary or
#: a timeline never gets here: the briefing router takes it first.)
_TASK = re.compile(
    r"^(?:(?:can|could|would|will) you |please |help me )?(?:book|reserve|recommend|write|"
    r"suggest|translate|calculate|compute|compose|plan|order|buy|find me|tell me a joke)\b"
    r"|\b\d+\s*(?:times|plus|minus|divided by|multiplied by|[x*+/])\s*\d+\b",
    re.IGNORECASE,
)

#: A question whether something will happen, or about what happened once a scheduled end
#: came: the sources predate both ("Will China extend it?", "Is Beijing going to ...",
#: "Did BIS reinstate the rule when its suspension ended?"). "Which materials will the
#: licences cover?" asks what the sources say is planned and is not matched.
_BEYOND = re.compile(
    r"^\s*will\b|\bgoing to\b|\bnext (?:year|meeting|round|summit|time)\b"
    r"|\b(?:once|when|after)\b.{0,40}\b(?:lapsed|expired|ended|ran out)\b",
    re.IGNORECASE,
)


def task_request(question: str) -> float:
    """1.0 when ``question`` asks the assistant to do something (:data:`_TASK`)."""
    return 1.0 if _TASK.search(question.strip()) else 0.0


def beyond_sources(question: str) -> float:
    """1.0 when ``question`` asks about the future or a scheduled end (:data:`_BEYOND`);
    the answerable model learns how much that counts (a question can ask what a rule
    *will* cover and be answered)."""
    return 1.0 if _BEYOND.search(question) else 0.0


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))
