"""Features of (question, candidate sentence) pairs, for the learned sentence scorer.

Every number here describes the pair; how much each one counts is learned
(:mod:`briefing.answering.model`, fitted by ``briefing fit``), not set by hand. The
features fall in four groups:

- **meaning**: MiniLM cosine of the question with the sentence and with the sentence
  under its heading, each also as the gap to the best candidate of this question; the
  same for the question's *predicate* (the question without its names, numbers and
  announcement numbers: "Who put out of , and on what date?"), which tells the
  sentence stating what is asked ("MOFCOM ... issued it on 4 April") from one that only
  shares the question's subject ("No. 18 took effect on the day it was issued");
  "soft coverage", the mean and minimum over the question's content words of their best
  cosine with a word of the sentence (so "frozen" finds "suspends", "permit" "licence");
- **words**: IDF-weighted coverage of the question's words (and via the headings),
  sentence-level BM25, the share of the question's names and numbers present, and (for
  the lead model) whether the sentence or its document names the source a question asks
  about ("..., per Bloomberg?", "according to the article", "Does Reuters agree?");
- **answer type**: does the sentence hold what the question asks for and does not
  already say: a new date for "when", a new figure of the right unit for "how much", new
  names for "which firms / who", a place for "where", an enumeration for list questions,
  a cause for "why"; and how much of it merely repeats the question ("echo");
- **position and kind**: the passage's retrieval rank and dense score, first sentence of
  its passage, a sentence leaning on the previous one ("It ..."), a timeline line (and,
  for the lead model only, a timeline line under a yes/no question: a dated entry
  rarely says yes or no to "Did the suspensions lift the April rules?"), attribution,
  negation the question does not ask about, page furniture, length.

:data:`FEATURES` names the columns, in order; the fitted model stores the same list and
refuses a mismatch, so a feature cannot be added without refitting.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..text import NAME_RUN, STOP_WORDS, numbers, soft_words, stem
from .candidates import Candidate, match_keys
from .question import GENERIC_QUESTION_WORDS, QuestionProfile, echoes, name_variants, term_key
from .sentence_features import CALENDAR_WORDS, DATE_PATTERN, DURATION_PATTERN, source_before

__all__ = [
    "FEATURES",
    "SELECTION_FEATURES",
    "QuestionContext",
    "asked_source",
    "attribute_match",
    "candidate_matrix",
    "predicate_text",
    "question_context",
]

FEATURES: tuple[str, ...] = tuple(
    """sim sim_gap predicate_sim predicate_gap ctx_sim ctx_gap soft_cov soft_min coverage
    coverage_gap heading_cov bm25 key_cov source_match subject slot_fit unit_fit
    attribute_match has_slot echo new_words enumeration rank dense first leans_back timeline
    timeline_yes_no attributed negated furniture log_words""".split()
)
#: The columns of the model that chooses *which* sentences answer: all but the predicate
#: similarity, which only the lead model uses. Measured in cross-validation on dev (494
#: cases): with the predicate columns the most probable sentence answers more often (top-1
#: 0.717 -> 0.736), but the probabilities of the other answering sentences fall, so at
#: every extra-sentence threshold fewer answers hold all their facts (0.861 -> 0.853 at
#: the fitted one). Choosing with this subset and leading with the lead model gives both.
#: The yes/no timeline and the asked-source columns only order too (by case
#: cross-validation on dev: lead first-fact 0.755 -> 0.763 -> 0.774, first sentence 0.767
#: -> 0.775 -> 0.786; the source column in the sentence model too: top-1 +0.011 but lead
#: and first sentence -0.003).
LEAD_ONLY_FEATURES: tuple[str, ...] = (
    "predicate_sim",
    "predicate_gap",
    "timeline_yes_no",
    "source_match",
)
SELECTION_FEATURES: tuple[str, ...] = tuple(f for f in FEATURES if f not in LEAD_ONLY_FEATURES)

_ENUMERATION = re.compile(
    r"(?:[\w\-]+(?: [\w\-]+){0,4}, ){2,}[\w\-]+(?: [\w\-]+){0,4},? (?:and|or) "
)
_LEANS_BACK = re.compile(
    r"^(?:it|its|this|that|these|those|they|their|the same|both|such|under it|under them|"
    r"in return|then)\b",
    re.IGNORECASE,
)
# A question answered by yes or no: it opens with an auxiliary verb.
_YES_NO = re.compile(
    r"\s*(?:did|do|does|is|are|was|were|can|could|has|have|had|will|would|should)\b", re.I
)
_NEGATION = re.compile(r"\b(?:not|no|never|none|nor|without)\b|n't\b", re.IGNORECASE)
_CAUSE = re.compile(
    r"\bbecause\b|\bdue to\b|\bin response\b|\bresponded?\b|\btrigger|\bled to\b|\bamid\b"
    r"|\bso that\b|\bin order to\b|\baimed?\b|\bretaliat|\bafter\b|\bfollowing\b|\bto "
    r"(?:facilitate|protect|ensure|curb|limit)\b|\bgrounds\b|\bjustif|\bdriven by\b",
    re.IGNORECASE,
)
# Units a "how much / what share / what price" question asks for, and how a sentence
# states them: a weight answers "how many tonnes", not "how much does it cost".
_UNIT_QUESTIONS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile(
            r"\b(?:price|prices|cost|costs|worth|paid|pay|revenue|sales|earn|yuan|dollars?)\b"
            r"|\b(?:going|selling|sell|sells|trading|trade|trades) (?:for|at)\b|\bper (?:kilo|kg)\b"
        ),
        re.compile(r"\$|€|£|\byuan\b|\bdollars?\b|/kg\b|\beuros?\b", re.IGNORECASE),
    ),
    (
        re.compile(r"\b(?:share|percent|percentage|proportion|fraction|what part)\b"),
        re.compile(r"%|\bper ?cent\b|\bquarter\b|\bhalf\b|\bthird\b", re.IGNORECASE),
    ),
    (
        re.compile(r"\b(?:tonnes|tons|weigh|weight|pounds|lb|volume|how much rare)\b"),
        re.compile(r"\b\d[\d,.]*\s*(?:t|tonnes?|tons?|lb|kg)\b", re.IGNORECASE),
    ),
)
# Attributes a question may ask for by name, and what a sentence stating one holds: a
# "chief executive" answer names the role, a "revenue" answer names the revenue, a "fee"
# answer gives a sum of money. General knowledge about how such facts are written, not
# about this corpus.
_MONEY = r"\$|€|£|\byuan\b|\bdollars?\b|\beuros?\b|\bmillion\b|\bbillion\b"
_ATTRIBUTES: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile(
            r"\b(?:ceo|chief executive|chairman|chairwoman|chair|founder|spokes(?:person|man|"
            r"woman)|boss|director|head of|president of|minister|negotiators?|signed|signatory"
            r"|who (?:runs|heads|chairs|manages))\b",
            re.I,
        ),
        re.compile(
            r"\b(?:ceo|chief executive|chairman|chairwoman|chair|founder|founded by|spokes"
            r"(?:person|man|woman)|director|head|president|minister|negotiat\w*|signed|secretary)\b",
            re.I,
        ),
    ),
    (
        # A company's revenue or profit is reported as such: "exports were 312 million
        # yuan" states what it shipped, not what it earned.
        re.compile(r"\b(?:revenues?|sales|profits?|earnings|turnover|income)\b", re.I),
        re.compile(r"\b(?:revenues?|sales|sold|profits?|earn\w*|turnover|income)\b", re.I),
    ),
    (
        re.compile(
            r"\b(?:market cap\w*|valuation|fees?|fine|fines|penalt\w+|lose|lost|loss|losses|"
            r"spend|spent)\b",
            re.I,
        ),
        re.compile(_MONEY, re.I),
    ),
    (
        re.compile(r"\b(?:staff|employees|workers|headcount|workforce)\b", re.I),
        re.compile(r"\b(?:staff|employees|workers|headcount|workforce|employs?)\b", re.I),
    ),
    (
        re.compile(r"\b(?:vote|votes|voted|ballot)\b", re.I),
        re.compile(r"\b(?:vote|votes|voted|ballot|unanimous\w*)\b", re.I),
    ),
    (
        re.compile(r"\bwhat time\b|\bat what hour\b", re.I),
        re.compile(r"\b\d{1,2}(?::\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.)|o'clock|\b\d{1,2}:\d\d\b", re.I),
    ),
    (
        # The noun: "did Trump quote a rate" asks for the rate, not for his words.
        re.compile(
            r"\b(?:a|the|any|exact|direct|his|her|their|its) quotes?\b|\bexact words\b"
            r"|\bverbatim\b|\bin (?:his|her|their) (?:own )?words\b",
            re.I,
        ),
        re.compile(r"[\"“”]"),
    ),
)
# A company's profile, asked by name and written in set phrases: "founded in 2008",
# "based in Ganzhou", "holds 51%". Checked only by the refusal rule (analysis.ruled_out),
# not a model input: as a column of attribute_match it moved the lead model (CV lead
# first-fact 0.771 -> 0.766) for questions that ask none of these.
_PROFILE_ATTRIBUTES: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (
        re.compile(r"\b(?:employ\w*|how many people work)\b", re.I),
        re.compile(r"\b(?:staff|employees|workers|headcount|workforce|employs?)\b", re.I),
    ),
    (
        # A company's stock: "its shares rose 4%", "the share price", not "market shares".
        re.compile(
            r"\b(?:share price|stock price|stock(?! codes?)"
            r"|shares (?:do|did|rise|rose|fall|fell))\b",
            re.I,
        ),
        re.compile(
            r"\b(?:share price|stock|shares (?:rose|fell|jumped|climbed|dropped|gained|lost))\b",
            re.I,
        ),
    ),
    (
        re.compile(r"\b(?:founded|founding|incorporated)\b", re.I),
        re.compile(r"\b(?:founded|founding|established in|incorporated|set up in)\b", re.I),
    ),
    (
        re.compile(r"\b(?:headquarter\w*|hq|based(?! on))\b", re.I),
        re.compile(r"\b(?:headquarter\w*|hq|based in|-based)\b", re.I),
    ),
    (
        # "its own authority" is no ownership.
        re.compile(
            r"\b(?:owns|owners?|owned|ownership|shareholders?)\b"
            r"|(?<!\bits )(?<!\btheir )(?<!\bhis )(?<!\bher )(?<!\bour )\bown\b",
            re.I,
        ),
        re.compile(
            r"\b(?:owns?|owners?|owned|ownership|shareholders?|holds?|stake|subsidiar\w+|parent)\b|%",
            re.I,
        ),
    ),
)
_COUNT = re.compile(
    r"\b\d[\d,.]*\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fourteen|seventeen|twenty|dozens?|hundreds?|thousands?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class QuestionContext:
    """What the features compare every candidate with, computed once per question."""

    question: str
    profile: QuestionProfile
    vector: np.ndarray
    predicate_vector: np.ndarray  # the question without its names and numbers
    keys: tuple[str, ...]  # match keys of the question's distinctive words and numbers
    all_keys: frozenset[str]  # match keys of every content word of the question
    words: tuple[str, ...]  # surface content words for soft coverage
    word_vectors: np.ndarray  # one row per word
    dates: frozenset[str]
    numbers: frozenset[str]
    names: frozenset[str]
    negated: bool
    asked_nouns: frozenset[str] = frozenset()
    source_words: tuple[str, ...] = ()  # "per Bloomberg", "according to the article"


_REPORTING_AFTER = re.compile(
    r"\s+(?:sources?|reported|reports|said|says|estimates?|notes|calls|describes)\b", re.I
)


def _names(text: str, start: int = 0, asked: frozenset[str] = frozenset()) -> list[str]:
    """Capitalised names in ``text`` after ``start``: not calendar words, not the source
    a sentence is attributed to ("..., according to Reuters", "Reuters sources say"),
    not a name that only qualifies the noun asked about ("EU firms" for "Which firms")."""
    found = []
    for match in NAME_RUN.finditer(text, start):
        name = match.group()
        if name.split()[0] in CALENDAR_WORDS or source_before(text, match.start()):
            continue
        if _REPORTING_AFTER.match(text, match.end()):
            continue
        following = text[match.end() :].split()[:1]
        if following and following[0].lower().rstrip(".,;:'s") in asked:
            continue
        found.append(name.lower())
    return found


# "which firms", "what three kinds", "which US chip companies": up to two describing words
# (no auxiliary or other stop word: not "what did sources", "what the new licences") and
# a plural not used as a verb ("what happens to", "which runs out", "what threshold
# triggers a licence": a verb is followed by its particle or object).
_ASKED_NOUN = re.compile(
    r"\b(?i:which|what)\s+(?P<describing>(?:[\w-]+\s+){0,2}?)(?P<noun>[a-z]+s)\b"
    r"(?!\s+(?:a|an|the|to|at|under|out|in|on|from|into|with|of|up|off|case-by-case)\b)"
)


def _asked_nouns(question: str) -> frozenset[str]:
    """The plural noun a "which firms / what companies" question asks for, and its
    singular ("firms", "firm")."""
    found: set[str] = set()
    for match in _ASKED_NOUN.finditer(question):
        noun = match["noun"].lower()
        if noun in STOP_WORDS or any(w.lower() in STOP_WORDS for w in match["describing"].split()):
            continue
        found |= {noun, noun[:-1], noun[:-2] if noun.endswith("es") else noun}
    return frozenset(found)


_REFERENCE = re.compile(r"\b(?:No|Nos|Announcements?)\b\.?|\d[\d,.]*%?")


def predicate_text(question: str, profile: QuestionProfile) -> str:
    """``question`` without its key terms, capitalised names (a capitalised stop word such
    as "Which" or "Under" stays) and numbers or announcement references: what is asked
    about the subject, not the subject ("Who put out of , and on what date?")."""
    text = question
    for term in sorted(profile.key_terms, key=len, reverse=True):
        text = re.sub(re.escape(term), " ", text, flags=re.IGNORECASE)
    text = NAME_RUN.sub(lambda m: m.group() if m.group().lower() in STOP_WORDS else " ", text)
    return " ".join(_REFERENCE.sub(" ", text).split())


def question_context(
    question: str, profile: QuestionProfile, vector: np.ndarray, vectors_of
) -> QuestionContext:
    """The question side of the features; ``vectors_of(texts)`` embeds (cached)."""
    asked = _asked_nouns(question)
    # The noun a "which firms" question asks for is what the answer names, not a word it
    # repeats: "EU firms had filed 2,000 applications" must not out-cover "The first
    # licences went to JL Mag, Ningbo Yunsheng and San Huan" on it.
    answer_type = {term_key(stem(n)) for n in asked}
    keys = [
        term_key(t)
        for t in profile.terms
        if t not in GENERIC_QUESTION_WORDS and term_key(t) not in answer_type
    ]
    if not keys:
        keys = [term_key(t) for t in profile.terms]
    keys += [f"#{k.replace(',', '')}" for k in profile.key_terms if k[:1].isdigit()]
    words = [w for w in soft_words(question) if w.lower() not in GENERIC_QUESTION_WORDS]
    word_vectors = np.array(vectors_of(words)) if words else np.zeros((0, 0), dtype=np.float32)
    predicate = predicate_text(question, profile)
    predicate_vector = (
        np.asarray(vectors_of([predicate])[0], dtype=np.float32)
        if predicate and predicate != question
        else vector
    )
    return QuestionContext(
        question=question,
        profile=profile,
        vector=vector,
        predicate_vector=predicate_vector,
        keys=tuple(dict.fromkeys(keys)),
        all_keys=match_keys(question),
        words=tuple(words),
        word_vectors=word_vectors,
        dates=frozenset(m.group().lower() for m in DATE_PATTERN.finditer(question)),
        numbers=frozenset(numbers(question)),
        names=frozenset(_names(question)),
        negated=bool(_NEGATION.search(question)),
        asked_nouns=asked,
        source_words=asked_source(question),
    )


# "..., per Bloomberg?", "according to the source article", "what does Reuters say ...".
_ASKED_SOURCE = re.compile(
    # "per the X" or "per X" with a capital (not "per shipment", "per kg")
    r"\b(?:(?:according to|in the view of|as reported by)\s+(?:the\s+)?"
    r"|per\s+(?:the\s+|(?-i:(?=[A-Z]))))(?P<a>[\w&'.\- ]{2,40}?)"
    r"(?=[,?.;]|\s+(?:what|how|which|who|when|where|did|does|is|are)\b|$)"
    r"|\b(?:does|did|do)\s+(?:the\s+)?(?P<b>[\w&'.\-]+(?:\s+[\w&'.\-]+)?)\s+"
    r"(?:say|said|report|reports|agree|back|claim|think|see|describe|call)\b",
    re.IGNORECASE,
)


def asked_source(question: str) -> tuple[str, ...]:
    """Content words of the source a question asks about ("per the IEA": "iea")."""
    match = _ASKED_SOURCE.search(question)
    if match is None:
        return ()
    phrase = (match["a"] or match["b"] or "").lower().replace("'s", " ")
    return tuple(w for w in re.findall(r"[a-z0-9&]+", phrase) if w not in STOP_WORDS)


def _source_match(q: QuestionContext, c: Candidate) -> float:
    """1.0 / 0.0 when the question asks what a source says and the sentence or its
    document does / does not name it; 0.5 when no source is asked about."""
    if not q.source_words:
        return 0.5
    chunk = c.passage.chunk
    where = f"{c.text} {chunk.doc_id} {chunk.title} {chunk.source}".lower().replace("-", " ")
    return 1.0 if any(re.search(rf"\b{re.escape(w)}", where) for w in q.source_words) else 0.0


def candidate_matrix(
    q: QuestionContext, candidates: Sequence[Candidate], context_vectors: np.ndarray, vectors_of
) -> np.ndarray:
    """One row of :data:`FEATURES` per candidate (``candidate.vector`` must be set)."""
    n = len(candidates)
    if n == 0:
        return np.zeros((0, len(FEATURES)), dtype=np.float64)
    sims = np.array([float(c.vector @ q.vector) for c in candidates])
    predicate = np.array([float(c.vector @ q.predicate_vector) for c in candidates])
    ctx = context_vectors @ q.vector
    idf, total, coverage, bm25 = _lexical_scores(q, candidates)
    soft = _soft_coverage(q, [c.text for c in candidates], vectors_of)
    yes_no = bool(_YES_NO.match(q.question))
    rows = []
    for i, c in enumerate(candidates):
        timeline = 1.0 if c.passage.chunk.kind == "timeline" else 0.0
        heading = sum(w for k, w in idf.items() if k in c.heading_keys and k not in c.keys) / total
        soft_cov, soft_min = soft[i]
        slot, unit, has_slot = _slot_fit(q, c)
        attribute = attribute_match(q.question, c.text)
        new = len(c.keys - q.all_keys)
        rows.append(
            [
                sims[i],
                sims[i] - sims.max(),
                predicate[i],
                predicate[i] - predicate.max(),
                ctx[i],
                ctx[i] - ctx.max(),
                soft_cov,
                soft_min,
                coverage[i],
                coverage[i] - coverage.max(),
                heading,
                bm25[i],
                _key_coverage(q, c.text),
                _source_match(q, c),
                _subject_match(q, c.text),
                slot,
                unit,
                attribute,
                has_slot,
                len(c.keys & q.all_keys) / max(1, len(c.keys)),
                min(new, 15) / 15,
                _enumeration(c.text, q.question),
                1.0 / (1 + c.rank),
                c.passage.dense_score or 0.0,
                1.0 if c.index == 0 else 0.0,
                1.0 if _LEANS_BACK.match(c.text) else 0.0,
                timeline,
                timeline if yes_no else 0.0,
                1.0 if c.features.attributed else 0.0,
                1.0 if _NEGATION.search(c.text) and not q.negated else 0.0,
                1.0 if c.features.furniture else 0.0,
                math.log(1 + c.features.words),
            ]
        )
    return np.array(rows, dtype=np.float64)


def _lexical_scores(
    q: QuestionContext, candidates: Sequence[Candidate]
) -> tuple[dict[str, float], float, np.ndarray, np.ndarray]:
    """The question keys' idf over the candidates, its total, each candidate's idf-weighted
    coverage of the keys and its sentence-level BM25 (scaled to the best)."""
    n = len(candidates)
    idf = {
        k: math.log(1 + (n + 1) / (sum(1 for c in candidates if k in c.keys) + 1)) for k in q.keys
    }
    total = sum(idf.values()) or 1.0
    coverage = np.array([sum(w for k, w in idf.items() if k in c.keys) / total for c in candidates])
    mean_len = float(np.mean([len(c.keys) for c in candidates])) or 1.0
    bm25 = np.array(
        [
            sum(
                w * 2.2 / (1 + 1.2 * (0.25 + 0.75 * len(c.keys) / mean_len))
                for k, w in idf.items()
                if k in c.keys
            )
            for c in candidates
        ]
    )
    return idf, total, coverage, bm25 / (bm25.max() or 1.0)


def _soft_coverage(
    q: QuestionContext, texts: Sequence[str], vectors_of
) -> list[tuple[float, float]]:
    """Per text: the mean and minimum, over the question's words, of the best word
    cosine in the text. All texts' words are looked up in one ``vectors_of`` call (one
    cache lock and one store read per question, not one per sentence)."""
    words_of = [soft_words(text) for text in texts]
    vocabulary = list(dict.fromkeys(w for words in words_of for w in words))
    if not q.words or not vocabulary:
        return [(0.0, 0.0)] * len(texts)
    column = {w: i for i, w in enumerate(vocabulary)}
    cosines = q.word_vectors @ np.array(vectors_of(vocabulary)).T
    filled = [i for i, words in enumerate(words_of) if words]
    starts = np.cumsum([0] + [len(words_of[i]) for i in filled[:-1]])
    # Per text (a run of columns), the best cosine of each question word.
    best = np.maximum.reduceat(
        cosines[:, [column[w] for i in filled for w in words_of[i]]], starts, axis=1
    )
    found = [(0.0, 0.0)] * len(texts)
    for i, mean, low in zip(filled, best.mean(axis=0), best.min(axis=0), strict=True):
        found[i] = (float(mean), float(low))
    return found


def _key_coverage(q: QuestionContext, text: str) -> float:
    """Share of the question's names, acronyms and numbers that ``text`` mentions."""
    terms = q.profile.key_terms
    if not terms:
        return 1.0
    low = text.lower()
    return sum(1 for t in terms if any(v in low for v in name_variants(t))) / len(terms)


def _subject_match(q: QuestionContext, text: str) -> float:
    """1.0 when one of the question's names opens the sentence (its likely subject)."""
    head = " ".join(text.lower().split()[:6])
    terms = q.profile.key_terms
    return 1.0 if any(any(v in head for v in name_variants(t)) for t in terms) else 0.0


def _slot_fit(q: QuestionContext, c: Candidate) -> tuple[float, float, float]:
    """``(fit, unit fit, asks for a slot)``: does the sentence hold, beyond what the
    question already says, the kind of thing the question asks for?"""
    text = c.text
    kinds = q.profile.kinds
    fits: list[float] = []
    if "date" in kinds:
        new_dates = {m.group().lower() for m in DATE_PATTERN.finditer(text)} - q.dates
        fits.append(1.0 if new_dates else 0.0)
    if "duration" in kinds:
        new_dates = {m.group().lower() for m in DATE_PATTERN.finditer(text)} - q.dates
        fits.append(1.0 if DURATION_PATTERN.search(text) else 0.5 if new_dates else 0.0)
    if "number" in kinds:
        fits.append(1.0 if set(numbers(text)) - q.numbers else 0.0)
    if "names" in kinds or "place" in kinds:
        new = [n for n in _names(text, text.find(" ") + 1, q.asked_nouns) if not _known(n, q.names)]
        fits.append(min(1.0, len(new) / (1 if "place" in kinds else 2)))
    if "reason" in kinds:
        fits.append(1.0 if _CAUSE.search(text) else 0.0)
    if q.profile.is_list:
        new = [n for n in _names(text, text.find(" ") + 1, q.asked_nouns) if not _known(n, q.names)]
        fits.append(_enumeration(text, q.question) or min(1.0, len(new) / 3))
    unit = _unit_fit(q.question.lower(), text)
    if not fits:
        return 0.0, unit, 0.0
    return float(np.mean(fits)), unit, 1.0


def _enumeration(text: str, question: str) -> float:
    """1.0 when ``text`` enumerates items the question does not already name."""
    match = _ENUMERATION.search(text)
    if match is None:
        return 0.0
    tail = re.split(r"[.;:(]", text[match.end() :], maxsplit=1)[0]
    return 0.0 if echoes(match.group() + tail, question) else 1.0


def _known(name: str, question_names: frozenset[str]) -> bool:
    return any(name in q or q in name for q in question_names)


def attribute_match(question: str, text: str) -> float:
    """1.0 / 0.0 when the question asks for a named attribute (a chief executive, a
    revenue, a headcount, a vote, a time of day, a quote) and the sentence does / does
    not state one; 0.5 when it asks for none of them."""
    # The asked word itself counts too: "ship fees" answers "port fees".
    return _stated(_ATTRIBUTES, question, text, by_name=True)


def profile_match(question: str, text: str) -> float:
    """Like :func:`attribute_match` for a company's profile (founding, headquarters,
    ownership, staff, stock; see ``_PROFILE_ATTRIBUTES``)."""
    return _stated(_PROFILE_ATTRIBUTES, question, text, by_name=False)


def _stated(
    table: Sequence[tuple[re.Pattern[str], re.Pattern[str]]],
    question: str,
    text: str,
    *,
    by_name: bool,
) -> float:
    for asks, states in table:
        asked = asks.search(question)
        if asked:
            named = by_name and asked.group().lower() in text.lower()
            return 1.0 if named or states.search(text) else 0.0
    return 0.5


def _unit_fit(question: str, text: str) -> float:
    """1.0 / 0.0 when the question asks for a unit (price, share, weight, count) and the
    sentence does / does not state one; 0.5 when no unit is asked for."""
    for asks, states in _UNIT_QUESTIONS:
        if asks.search(question):
            return 1.0 if states.search(text) else 0.0
    if "how many" in question:
        return 1.0 if _COUNT.search(text) else 0.0
    return 0.5
