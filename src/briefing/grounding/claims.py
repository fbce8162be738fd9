"""What a sentence claims, in the parts the support rule checks one by one.

* **names**: capitalised words (people, firms, bodies, places, months), e.g. "Xi Jinping",
  "JL Mag", "December"; function words that open a sentence ("The", "However") are not
  names;
* **attributions**: who the sentence says said it, e.g. "according to Reuters",
  "Reuters reported", "the Financial Times says", "reported by Caixin";
* **fragments**: a reply such as "Xi Jinping" or "Until 10 November 2026." states nothing
  by itself; it only means something as the answer to the question.

Usage::

    >>> [a.name for a in attributions("Reuters reported in June 2025 that JL Mag got licences.")]
    ['Reuters']
    >>> names("Reuters reported in June 2025 that JL Mag got licences.")
    ['June', 'JL', 'Mag']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..text import STOP_WORDS, content_words, numbers

__all__ = [
    "GENERIC_QUESTION_WORDS",
    "Attribution",
    "attributions",
    "figures",
    "is_fragment",
    "names",
    "question_terms",
    "term_key",
    "word_keys",
    "words_of",
]

# Capitalised words that open or join sentences without naming anything, and the words a
# model uses to talk about the prompt itself ("Passage 2 says ...").
_NOT_NAMES = STOP_WORDS | frozenset(
    """however additionally meanwhile moreover furthermore overall instead finally thus
    therefore hence both these this those such many several some most other others each
    all yes it its while although though despite since until later earlier previously
    currently today similarly likewise besides regarding concerning per in on by as if
    first second third then also still yet only even just so but and or not no nor
    passage passages document documents text source sources answer note""".split()
)

_CAP_WORD = r"[A-Z][A-Za-z0-9&'\u2019.\-]*"
# A capitalised name, possibly several words joined by "of", "and", "&" or "for"
# ("Ministry of Commerce", "Holland & Knight", "South China Morning Post").
_NAME = rf"{_CAP_WORD}(?:\s+(?:(?:of|and|&|for|de)\s+)?{_CAP_WORD})*"
_SAYS = (
    r"(?:said|says|say|reported|reports|report|told|stated|states|estimated|estimates|"
    r"warned|warns|noted|notes|wrote|writes|announced|announces|claimed|claims|puts|put|"
    r"called|calls|argued|argues|added|adds|confirmed|confirms|described|describes)"
)
_ATTRIBUTION_PATTERNS = (
    # according to (the) X / reported by X / citing X / per X
    re.compile(
        rf"\b(?:[Aa]ccording\s+to|[Rr]eported\s+by|[Cc]iting|[Pp]er)\s+(?:the\s+)?(?P<name>{_NAME})"
    ),
    # X said / X, by contrast, reports / X sources say / X reportedly said
    re.compile(
        rf"(?P<name>{_NAME})(?:['\u2019]s?)?(?:\s*\([^()]{{1,30}}\))?"
        r"(?:\s+(?:sources?|officials?|analysts?|data))?"
        rf"(?:\s*,[^,]{{1,40}},)?\s+(?:reportedly\s+|also\s+)?{_SAYS}\b"
    ),
)
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9&'\u2019\-]*")


@dataclass(frozen=True, slots=True)
class Attribution:
    """A source a sentence names as the origin of its claim.

    Fields:
        name: the source as written, without a leading "the" ("Reuters", "Financial Times").
        start, end: the name's character span in the sentence.
    """

    name: str
    start: int
    end: int


def _name_tokens(text: str) -> list[str]:
    """The name words of ``text``: capitalised parts of its words, possessives dropped."""
    found: list[str] = []
    for word in _WORD.findall(text):
        for part in re.split(r"[-/]", word):
            part = re.sub(r"['\u2019]s?$", "", part)
            if len(part) < 2 or not part[0].isupper() or part.lower() in _NOT_NAMES:
                continue
            if part[0].isdigit():
                continue
            found.append(part)
    return found


def attributions(sentence: str) -> list[Attribution]:
    """The sources ``sentence`` attributes its claim to, in order (named ones only).

    "trade sources say" or "the passage states" name nobody and are not returned.
    """
    found: dict[tuple[int, int], Attribution] = {}
    for pattern in _ATTRIBUTION_PATTERNS:
        for match in pattern.finditer(sentence):
            raw = match.group("name")
            start = match.start("name")
            # Drop leading function words ("The IEA says" -> "IEA").
            while True:
                head, _, rest = raw.partition(" ")
                if rest and head.lower() in _NOT_NAMES:
                    start += len(head) + 1
                    raw = rest
                    continue
                break
            if not _name_tokens(raw):
                continue
            span = (start, start + len(raw))
            if not any(s <= span[0] and span[1] <= e for s, e in found):
                found[span] = Attribution(raw, *span)
    return sorted(found.values(), key=lambda a: a.start)


def names(sentence: str) -> list[str]:
    """The name words of ``sentence`` outside its attributions (those are checked apart)."""
    spans = [(a.start, a.end) for a in attributions(sentence)]
    kept = "".join(
        " " if any(s <= i < e for s, e in spans) else ch for i, ch in enumerate(sentence)
    )
    return list(dict.fromkeys(_name_tokens(kept)))


def attribution_tokens(name: str) -> list[str]:
    """The name words of an attribution ("the Financial Times" -> ["Financial", "Times"])."""
    return _name_tokens(name)


def words_of(text: str) -> set[str]:
    """Lower-cased words of ``text`` and their hyphen/slash parts, possessives dropped,
    plus the initials of its capitalised runs ("United States" -> "us")."""
    found: set[str] = set()
    for word in _WORD.findall(text):
        word = re.sub(r"['\u2019]s?$", "", word)
        found.add(word.lower())
        found.update(p.lower() for p in re.split(r"[-/]", word) if p)
    for run in re.finditer(rf"{_CAP_WORD}(?:\s+{_CAP_WORD})+", text):
        initials = "".join(w[0] for w in run.group().split() if w.lower() not in _NOT_NAMES)
        if len(initials) > 1:
            found.add(initials.lower())
    return found


_SPELLED = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve".split()
    )
    if i >= 2  # "one" is as often a pronoun ("one of the firms") as a figure
} | {"twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100"}
_SPELLED_WORD = re.compile(r"\b(" + "|".join(_SPELLED) + r")\b", re.IGNORECASE)


def figures(text: str) -> set[str]:
    """The numbers of ``text`` (see :func:`briefing.text.numbers`) plus spelled-out ones
    from "two" to "twelve" and the tens ("seven rare earths" -> "7")."""
    return numbers(text) | {_SPELLED[m.group(1).lower()] for m in _SPELLED_WORD.finditer(text)}


@lru_cache(maxsize=1)
def _snowball() -> Any:
    import Stemmer  # PyStemmer, a core dependency (the BM25 index uses it too)

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=50_000)
def term_key(word: str) -> str:
    """Match key of a word: Snowball-stemmed, British/American spelling unified, cut to six
    letters (licence/licences/license, agree/agreed, suspend/suspension, MOFCOM's/MOFCOM)."""
    word = re.sub(r"['\u2019]s?$", "", word.lower())
    word = word.replace("nc", "ns").replace("iz", "is")
    return _snowball().stemWord(word)[:6]


_PLAIN_WORD = re.compile(r"[A-Za-z][A-Za-z\-'\u2019]*")


def _key_words(text: str) -> list[tuple[str, str]]:
    """``(key, word)`` for each content word of ``text`` and each part of a hyphenated one."""
    pairs: list[tuple[str, str]] = []
    for token in _PLAIN_WORD.findall(text):
        if token.lower() in STOP_WORDS:
            continue
        parts = [p for p in token.split("-") if len(p) > 1]
        for part in parts if len(parts) > 1 else [token.strip("-")]:
            if part and part.lower() not in STOP_WORDS:
                pairs.append((term_key(part), part.lower()))
    return pairs


def word_keys(text: str) -> set[str]:
    """:func:`term_key` of every content word of ``text``, plus ``#n`` for its numbers."""
    return {key for key, _ in _key_words(text)} | {f"#{n}" for n in numbers(text)}


GENERIC_QUESTION_WORDS = frozenset(
    term_key(w)
    for w in """happen happened mean means tell give get got know kind type many much long
    exactly actually thing things way main""".split()
)
"""Question words that say what kind of answer is wanted, not what it is about."""


def question_terms(question: str) -> dict[str, str]:
    """What ``question`` is about: match key -> the question's word, for its content words
    (generic question words left out) and numbers (keys ``#n``)."""
    terms: dict[str, str] = {}
    for key, word in _key_words(question):
        if key not in GENERIC_QUESTION_WORDS:
            terms.setdefault(key, word)
    for n in sorted(numbers(question)):
        terms[f"#{n}"] = n
    return terms


def is_fragment(sentence: str) -> bool:
    """True for a reply that is no sentence: at most two content words ("Xi Jinping",
    "Until 10 November 2026.", "scandium and yttrium")."""
    return len(content_words(sentence)) <= 2
