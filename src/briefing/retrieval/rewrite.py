"""Deterministic follow-up rewriting for the offline mode: real standalone questions.

A follow-up leans on the conversation ("For how long?", "What about the other two?",
"Where are its shares listed?"); retrieval and the answerer need the question it stands
for. The rewrites, tried on the previous turn's standalone question ``Q0``:

1. **Wh-substitution** for a bare question word ("Until when?", "And for how long?",
   "As of when?"): it takes the place of ``Q0``'s question word ("What did No. 70
   suspend?" -> "Until when did No. 70 suspend?"; "Which US agency suspended the
   Affiliates Rule?" -> "Until when did the US agency suspend the Affiliates Rule?"), or
   for a preposition with one ("Under what codes?", "On what date?": "How many foreign
   entities did China add to the list?" -> "On what date did China add foreign entities
   to the list?").
2. **References**: it / its / that / they / those ... are replaced by what they refer to
   (the names an earlier answer listed, for plurals; else the main name or noun phrase
   of ``Q0``); "the other two" by the other members of a list the current entity belongs
   to (in an earlier answer, or in the corpus through ``lists_for``); "those measures"
   keeps its noun and takes ``Q0``'s date or name ("the measures of 9 October 2025");
   "get one" the kind of thing ``Q0`` asked about ("Did JL Mag get one too?" after
   "Which firms got licences?" -> "Did JL Mag get a licence too?"); "that" after a verb of
   saying the previous question as a clause ("When did it say that?" after "Why does
   MOFCOM say it uses general licences?" -> "When did MOFCOM say why MOFCOM says it uses
   general licences?").
3. **Parallel substitution** for a fragment ("And into a Virginia-class submarine?",
   "What about Ningbo Yunsheng?", "and terbium?", "and by early May?"): the phrase of
   ``Q0`` most like the fragment is replaced by it ("How much rare earth goes into a
   Virginia-class submarine?"). Alike: MiniLM cosine when an embedding function is
   given, plus the same shape (both dates, the same preposition, both names).
4. A follow-up with none of these ("How many got approved?") is asked about ``Q0``'s
   topic ("How many of the licence applications got approved?").

Self-contained questions pass through unchanged: a question that names its own subject
("What is the capital of France?", "When was JL Mag founded?") starts a new topic.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence

import numpy as np

from ..text import DEMONYM, STOP_WORDS, content_words
from ..types import Turn
from . import grammar as g
from .grammar import name_lists

__all__ = ["HeuristicRewriter", "name_lists"]

Embed = Callable[[list[str]], list[list[float]]]
ListsFor = Callable[[str], list[list[str]]]

_CONNECTIVE = re.compile(
    r"^(?:and then|and what about|and how about|what about|how about|same for|as for|and|but|"
    r"so|also|or|then|ok(?:ay)?|now)\b[\s,]*",
    re.IGNORECASE,
)
_FRAGMENT_CONNECTIVE = re.compile(
    r"^(?:and|what about|how about|and what about|and how about|same for|as for|or)\b",
    re.IGNORECASE,
)
_CONTRACTIONS = (
    (re.compile(r"\bwhat's\b", re.I), "what is"),
    (re.compile(r"\bwho's\b", re.I), "who is"),
    (re.compile(r"\bwhere's\b", re.I), "where is"),
    (re.compile(r"\bhow's\b", re.I), "how is"),
    (re.compile(r"\bwhen's\b", re.I), "when is"),
)
_PRONOUN = re.compile(
    r"\b(?:it|its|it's|they|them|their|theirs|those|these|this|that|he|she|his|her|"
    r"the others?|each|which of them|which one|the rest)\b",
    re.IGNORECASE,
)
_WH_FRAGMENT = re.compile(
    r"^(?:for\s+how\s+long|how\s+long|until\s+when|till\s+when|up\s+to\s+when|since\s+when|"
    r"from\s+when|as\s+of\s+when|by\s+when|when|why|how|where|who|how\s+much|how\s+often|"
    r"how\s+many(?:\s+[a-z]+)?|what\s+for|for\s+whom|with\s+whom"
    # "Under what codes?", "On what date?", "In which year?": a preposition and an asked-for
    # noun take the place of the question word just as "Until when?" does.
    r"|(?:in|on|under|from|at|by|since|until|to|for|with)\s+(?:what|which)(?:\s+[a-z\-]+){1,2})$",
    re.IGNORECASE,
)
_OTHER_N = re.compile(
    r"\bthe\s+other\s+(?:two|three|four|ones?|firms|companies|makers)\b|\bthe others\b"
    r"|\bthe rest\b",
    re.IGNORECASE,
)


_MODAL_BEFORE = re.compile(r"\b(?:will|would|can|could|should|may|might|did|does|do)\s+$", re.I)
_LAST = re.compile(r"^\s*[?.!]*\s*$")


class HeuristicRewriter:
    """QueryRewriter with no generative model (see the module docstring).

    Args:
        embed: optional embedding function (``Embeddings.embed_documents``) used to find
            the phrase a fragment stands in for; without it, the phrases' shapes decide.
        lists_for: optional lookup of the lists (enumerations of names) a name belongs
            to in the corpus, for "the other two"; without it only earlier answers count.
        max_content_words: a question with at most this many content words and no
            subject of its own is a follow-up.
    """

    def __init__(
        self,
        embed: Embed | None = None,
        *,
        lists_for: ListsFor | None = None,
        max_content_words: int = 3,
    ) -> None:
        self._embed = embed
        self._lists_for = lists_for
        self.max_content_words = max_content_words

    def is_follow_up(self, question: str) -> bool:
        question = question.strip()
        words = content_words(question)
        short = len(words) <= self.max_content_words and not g.OWN_SUBJECT.search(question)
        return bool(
            _CONNECTIVE.match(question)
            or short
            or (_PRONOUN.search(question) and len(words) <= 2 * self.max_content_words)
            or (_ONE.search(question) and len(words) <= 2 * self.max_content_words)
        )

    def rewrite(self, question: str, history: Sequence[Turn]) -> str:
        question = " ".join(question.split())
        if not history or not self.is_follow_up(question):
            return question
        previous = history[-1].answer.standalone_question or history[-1].question
        previous = _expand(" ".join(previous.split()).rstrip(" ?.!"))
        text = _expand(question.rstrip(" ?.!"))
        fragment = _CONNECTIVE.sub("", text).strip(" ,")
        if not fragment:
            return previous + "?"
        if _WH_FRAGMENT.match(fragment):
            return _finish(g.wh_substitute(fragment, previous))
        if _OTHER_N.fullmatch(fragment):
            swapped = self._swap_others(previous, history)
            if swapped:
                return _finish(swapped)
        resolved = self._references(fragment, previous, history)
        if re.match(r"^(?:its|their)\s", fragment, re.IGNORECASE) and g.is_fragment(resolved):
            return _finish(f"what about {resolved}")  # "and its reserves?": a new attribute
        if g.is_fragment(resolved) and (
            _FRAGMENT_CONNECTIVE.match(text) or len(resolved.split()) <= 4
        ):
            return _finish(self._parallel(resolved, previous))
        if resolved != fragment:
            return _finish(resolved)
        if g.starts_question(fragment) and g.own_topic(fragment):
            return _finish(fragment)
        return _finish(g.about_topic(fragment, previous))

    # --- references ----------------------------------------------------------------------
    def _references(self, text: str, previous: str, history: Sequence[Turn]) -> str:
        names = g.find_names(previous)
        lists = _answer_lists(history)
        other = _OTHER_N.search(text)
        if other:
            rest = self._others(names, lists)
            if rest:
                return text[: other.start()] + g.join(rest) + text[other.end() :]
        singular = g.singular_antecedent(previous, names)
        owner = names[0] if names else g.subject_after_aux(previous) or singular
        plural = (
            _plural_thing(text, previous)
            or (g.join(lists[0]) if lists else "")
            or g.plural_antecedent(previous)
            or _joined_names(names, previous)
            or _other_name(names, singular)
            or singular
        )
        text = _ONE.sub(lambda m: m.group(1) + _one_of(previous), text)
        when = g.date_phrase(previous)
        if when:  # "after that", "before then": the time the previous question named
            text = re.sub(
                r"\b(after|before|since|until|by)\s+(?:that|then|this)\b", rf"\1 {when}", text
            )
        qualifier = g.qualifier(previous)

        def determiner(match: re.Match[str]) -> str:
            noun = match["noun"]
            if (
                noun.lower() in g.NOT_A_NOUN
                or noun.lower() in STOP_WORDS  # "Is that what ...", "reported that and when"
                or noun.lower() in g.WH_WORDS
                or noun.lower().endswith("ly")
                or (
                    _MODAL_BEFORE.search(match.string[: match.start()])
                    and _LAST.match(match.string[match.end() :])
                )  # "Will that change?": a verb after a modal, not "the change"
            ):
                return match.group()  # "that actually applied": a pronoun, handled below
            for phrase in g.noun_phrases(previous):  # "those licences" -> "the first
                if phrase.lower().split()[-1] == noun.lower():  # general licences"
                    return re.sub(r"^(?:a|an)\s", "the ", phrase)
            return f"the {noun}{qualifier}"

        text = re.sub(
            r"\b(?:those|these|that|this)\s+(?P<noun>[a-z][\w\-]{2,})\b", determiner, text
        )

        # "What else did they point out about it?": when "they" and "it" would both name
        # the same thing, "it" is the thing the previous question was about (its last
        # noun phrase: "the October package"), not the asker again.
        phrases = g.noun_phrases(previous)
        plural_here = re.search(r"\b(?:they|them|their)\b", text, re.IGNORECASE)
        if plural_here and g.same(singular, plural) and phrases:
            singular = phrases[-1]

        clause = g.embedded(previous)

        def substitute(match: re.Match[str]) -> str:
            word = match.group().lower()
            before = match.string[: match.start()].split()
            if word in ("that", "this") and before and before[-1].lower() in g.SAYING and clause:
                return clause  # "When did it say that?": what the previous question asked
            if word in ("it", "this", "that"):
                return singular
            if word in ("its", "it's"):
                return g.possessive(owner)
            if word in ("they", "them", "those", "these", "each"):
                return plural
            if word in ("their", "theirs"):
                return g.possessive(plural)
            return f"which of {plural}"  # "which of them", "which one"

        return re.sub(
            # "before that" with no date to put there stays as it is (not "before Trump").
            r"\b(?<!before )(?<!after )(?<!since )(?<!until )"
            r"(?:which of them|which one|it's|its|it|they|them|their|theirs|those|these|"
            r"this|that)\b(?!\s+(?:is|was)\s+(?:it|the))",
            substitute,
            text,
            flags=re.IGNORECASE,
        )

    def _swap_others(self, previous: str, history: Sequence[Turn]) -> str:
        """``previous`` asked of the others in its name's list: "What about the other
        two?" after "How wide is JL Mag's licence?" is "How wide is Ningbo Yunsheng's and
        Beijing Zhong Ke San Huan High-Tech's licence?" ("" when there are no others)."""
        names = g.find_names(previous)
        rest = self._others(names, _answer_lists(history))
        at = previous.find(names[0]) if rest else -1
        if at < 0:
            return ""
        end = at + len(names[0])
        owned = names[0].endswith("'s") or previous.startswith("'s", end)
        end += 2 if previous.startswith("'s", end) else 0
        others = g.join([g.possessive(r) for r in rest] if owned else rest)
        swapped = previous[:at] + others + previous[end:]
        return re.sub(r"\bits\b", "their", swapped) if len(rest) > 1 else swapped

    def _others(self, names: list[str], lists: list[list[str]]) -> list[str]:
        """Members of a list holding the previous question's name, other than it."""
        if not names:
            return []
        current = names[0]
        candidates = list(lists)
        if self._lists_for is not None:
            candidates += self._lists_for(current)
        for items in candidates:
            if any(g.same(current, item) for item in items):
                rest = [item for item in items if not g.same(current, item)]
                if rest:
                    return rest
        return []

    # --- parallel substitution -----------------------------------------------------------
    def _parallel(self, fragment: str, previous: str) -> str:
        """``previous`` with its phrase most like ``fragment`` replaced by it."""
        spans = g.phrases(previous)
        if not spans:
            return g.about_topic(fragment, previous)
        texts = [previous[a:b] for a, b, _ in spans]
        scores = np.array(
            [g.shape_similarity(fragment, t) - s[2] for t, s in zip(texts, spans, strict=True)]
        )
        if self._embed is not None:
            vectors = np.asarray(self._embed([fragment, *texts]), dtype=np.float32)
            scores = scores + vectors[1:] @ vectors[0]
        a, b, _ = spans[int(np.argmax(scores))]
        opening = previous[a:b].split()[0].lower()
        if opening in g.PREPOSITIONS and fragment.split()[0].lower() not in g.PREPOSITIONS:
            fragment = f"{opening} {fragment}"  # "per Bloomberg" -> "per the IEA"
        head = previous[:a]
        if re.match(r"(?:a|an|the)\s", fragment, re.IGNORECASE):  # "into an F-35" -> "a destroyer"
            head = re.sub(r"\b(?:a|an|the)\s+$", "", head, flags=re.IGNORECASE)
        return head + fragment + previous[b:]


# --- helpers -------------------------------------------------------------------------------
def _expand(text: str) -> str:
    for pattern, full in _CONTRACTIONS:
        text = pattern.sub(full, text)
    return text


def _finish(text: str) -> str:
    text = _DOUBLED.sub(r"\1", " ".join(text.split())).rstrip(" ,?")
    return text[:1].upper() + text[1:] + "?"


_DOUBLED = re.compile(r"\b(the|a|an|of|in|on|for) \1\b", re.IGNORECASE)


def _joined_names(names: Sequence[str], previous: str) -> str:
    """Two names the previous question joins with "and" ("How long did Trump and Xi
    talk?"): "they" stands for both. "" when there are none."""
    for first, second in itertools.pairwise(names):
        if f"{first} and {second}" in previous:
            return f"{first} and {second}"
    return ""


#: "one" for a thing of the kind the previous question asked about: "Did JL Mag get one
#: too?" after "Which firms got licences?" asks whether JL Mag got a licence.
_ONE = re.compile(
    r"\b((?:get|got|gets|getting|receive[sd]?|receiving|have|has|had|hold|holds|held|"
    r"obtain(?:ed|s)?|win|won|secure[sd]?|need(?:ed|s)?|apply for|applied for)\s+)one\b"
    r"(?!\s+(?:of|more|another)\b)",
    re.IGNORECASE,
)
_NOT_PLURAL = frozenset("is was has does its this thus plus us yes less news series".split())
_NOT_DESCRIBING = frozenset("first new latest initial recent other".split())
_VERBISH = frozenset("get gets got getting win won hold held need give gave grant".split())


def _one_of(previous: str) -> str:
    """ "a licence" for "one", from the last plural noun of ``previous`` and up to two
    describing words before it ("Which companies got the first general licences?": "a
    general licence"); "one" when there is none."""
    words = re.findall(r"[\w\-']+", previous)
    for i in range(len(words) - 1, 0, -1):
        word = words[i]
        if not (word.islower() and len(word) > 3 and word.endswith("s")):
            continue
        if word in _NOT_PLURAL or word.endswith(("ss", "'s", "us")):
            continue
        describing: list[str] = []
        for before in reversed(words[max(0, i - 2) : i]):
            low = before.lower()
            if not before.islower() or low in STOP_WORDS or low in _NOT_DESCRIBING:
                break
            if low.endswith("ed") or low in _VERBISH:
                break
            describing.insert(0, before)
        singular = (
            word[:-3] + "y"
            if word.endswith("ies")
            else word[:-2]
            if word.endswith(("ches", "shes", "xes", "sses"))
            else word[:-1]
        )
        phrase = " ".join([*describing, singular])
        return ("an " if phrase[0] in "aeiou" else "a ") + phrase
    return "one"


#: What rules, licences and measures do and firms do not: "How long are they valid?"
#: after "Who received the first general licences?" asks about the licences.
_THING_PREDICATE = re.compile(
    r"\b(?:valid|last|lasts|expire[sd]?|in force|take effect|took effect|run out|lapse[sd]?"
    r"|renewed|revoked)\b",
    re.IGNORECASE,
)


def _plural_thing(text: str, previous: str) -> str:
    """The previous question's last plural noun phrase when ``text`` says something of
    "they" that only a thing can be (:data:`_THING_PREDICATE`), else ""."""
    if not _THING_PREDICATE.search(text):
        return ""
    plurals = [p for p in g.noun_phrases(previous) if p.split()[-1].lower().endswith("s")]
    return plurals[-1] if plurals else ""


def _other_name(names: Sequence[str], singular: str) -> str:
    """A name of the previous question that "it" does not stand for and that is no date
    or demonym ("European" qualifies, it names no one): "they" in "What else did they
    point out about it?" after "What did the Jones Day note say about the October
    package?" is Jones Day. "" when there is none."""
    for name in names:
        if name.lower() in singular.lower() or g.DATE_WORDS.search(name):
            continue
        if DEMONYM.match(name):
            continue
        return name
    return ""


def _answer_lists(history: Sequence[Turn]) -> list[list[str]]:
    """Name lists in the first statements of earlier answers, most recent first."""
    return [
        items
        for turn in reversed(history)
        for statement in turn.answer.statements[:2]
        for items in name_lists(statement.text)
    ]
