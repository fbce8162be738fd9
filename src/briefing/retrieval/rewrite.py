"""Deterministic follow-up rewriting for the offline mode: real standalone questions.

A follow-up leans on the conversation ("For how long?", "What about the other two?",
"Where are its shares listed?"); retrieval and the answerer need the question it stands
for. The rewrites, tried on the previous turn's standalone question ``Q0``:

1. **Wh-substitution** for a bare question word ("Until when?", "And for how long?",
   "As of when?"): it takes the place of ``Q0``'s question word ("What did No. 70
   suspend?" -> "Until when did No. 70 suspend?"; "Which US agency suspended the
   Affiliates Rule?" -> "Until when did the US agency suspend the Affiliates Rule?").
2. **References**: it / its / that / they / those ... are replaced by what they refer to
   (the names an earlier answer listed, for plurals; else the main name or noun phrase
   of ``Q0``); "the other two" by the other members of a list the current entity belongs
   to (in an earlier answer, or in the corpus through ``lists_for``); "those measures"
   keeps its noun and takes ``Q0``'s date or name ("the measures of 9 October 2025").
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

import re
from collections.abc import Callable, Sequence

import numpy as np

from ..text import STOP_WORDS, content_words
from ..types import Turn

__all__ = ["HeuristicRewriter", "name_lists"]

Embed = Callable[[list[str]], list[list[float]]]
ListsFor = Callable[[str], list[list[str]]]

_AUX = r"is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|may|might"
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
# A capitalised word after the first one, an acronym or a number: the question names
# its own subject.
_OWN_SUBJECT = re.compile(r"(?<!^)(?<![.?!]\s)\b(?:[A-Z][a-zA-Z]+|[A-Z]{2,}|\d[\d.,%]*)\b")
_PRONOUN = re.compile(
    r"\b(?:it|its|it's|they|them|their|theirs|those|these|this|that|he|she|his|her|"
    r"the others?|each|which of them|which one|the rest)\b",
    re.IGNORECASE,
)
_WH_FRAGMENT = re.compile(
    r"^(?:for\s+how\s+long|how\s+long|until\s+when|till\s+when|up\s+to\s+when|since\s+when|"
    r"from\s+when|as\s+of\s+when|by\s+when|when|why|how|where|who|how\s+much|how\s+often|"
    r"how\s+many(?:\s+[a-z]+)?|what\s+for|for\s+whom|with\s+whom)$",
    re.IGNORECASE,
)
_WH_AUX = re.compile(
    rf"^(?P<wh>(?:what|which|who|whom|whose|when|where|why|how)(?:\s+(?!(?:{_AUX})\b)"
    rf"[\w\-']+){{0,4}}?)\s+(?P<aux>{_AUX})\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_AUX_FIRST = re.compile(rf"^(?P<aux>{_AUX})\s+(?P<rest>.+)$", re.IGNORECASE)
_IRREGULAR = {
    "got": "get", "gave": "give", "made": "make", "met": "meet", "took": "take", "put": "put",
    "set": "set", "won": "win", "led": "lead", "held": "hold", "sold": "sell", "bought": "buy",
    "went": "go", "came": "come", "saw": "see", "began": "begin", "found": "find",
    "left": "leave", "kept": "keep", "paid": "pay", "told": "tell", "grew": "grow",
    "fell": "fall", "rose": "rise", "lost": "lose", "shut": "shut", "cut": "cut", "hit": "hit",
    "became": "become", "brought": "bring", "sent": "send", "spent": "spend", "built": "build",
    "meant": "mean", "said": "say",
}  # fmt: skip
_SUBJECT_WH = re.compile(
    rf"^(?P<wh>which|what|who)\s+(?!(?:{_AUX}|of)\b)(?P<np>(?:[\w\-']+\s+){{0,4}}?)"
    r"(?<!\bthe )(?<!\ba )(?<!\ban )"
    r"(?P<verb>(?-i:[a-z]+(?:ed|es|s))|" + "|".join(_IRREGULAR) + r")\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
_NAME = re.compile(
    r"\b(?:Announcements?\s+)?(?:Nos?\.\s*\d+|[A-Z][\w\-]*(?:'s)?)"
    r"(?:\s+(?:Nos?\.\s*\d+|[A-Z][\w\-]*(?:'s)?|\d[\d.,%]*(?!\s*(?:working|days|years))))*"
)
_NOUN_PHRASE = re.compile(
    r"\b(?P<det>the|a|an|its|their|[A-Z][\w\-]*'s?|\w+s')\s+(?P<body>(?:[\w\-%.']+\s+){0,4}?"
    r"[\w\-%']+)(?=\s+(?:of|in|on|for|to|under|with|after|before|by|from|is|are|was|were|"
    + _AUX
    + r"|last|cover|covers|apply|run|end|start|say|mean|amount)\b|\s*[?,.]|$)"
)
_OTHER_N = re.compile(
    r"\bthe\s+other\s+(?:two|three|four|ones?|firms|companies|makers)\b|\bthe others\b"
    r"|\bthe rest\b",
    re.IGNORECASE,
)
_NAME_LIST = re.compile(
    r"((?:[A-Z][\w\-]*(?: [A-Z][\w\-]*)*, )*[A-Z][\w\-]*(?: [A-Z][\w\-]*)*,? and "
    r"[A-Z][\w\-]*(?: [A-Z][\w\-]*)*)"
)
_NOT_A_NOUN = frozenset(
    f"{_AUX.replace('|', ' ')} actually still also just really ever never not now then "
    "went got gets get apply applied applies happen happened".split()
)
_PREPOSITIONS = frozenset("in into on for by before after since until per from at to under".split())
_WH_WORDS = frozenset(
    "what which who whom whose when where why how tell give list name describe".split()
)
_DATE_WORDS = re.compile(
    r"\d|january|february|march|april|may|june|july|august|september|october|november|"
    r"december|spring|summer|autumn|winter|quarter|q[1-4]\b",
    re.IGNORECASE,
)


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
        short = len(words) <= self.max_content_words and not _OWN_SUBJECT.search(question)
        return bool(
            _CONNECTIVE.match(question)
            or short
            or (_PRONOUN.search(question) and len(words) <= 2 * self.max_content_words)
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
            return _finish(_wh_substitute(fragment, previous))
        resolved = self._references(fragment, previous, history)
        if re.match(r"^(?:its|their)\s", fragment, re.IGNORECASE) and _is_fragment(resolved):
            return _finish(f"what about {resolved}")  # "and its reserves?": a new attribute
        if _is_fragment(resolved) and (
            _FRAGMENT_CONNECTIVE.match(text) or len(resolved.split()) <= 4
        ):
            return _finish(self._parallel(resolved, previous))
        if resolved != fragment:
            return _finish(resolved)
        if _starts_question(fragment) and _own_topic(fragment):
            return _finish(fragment)
        return _finish(_about_topic(fragment, previous))

    # --- references ----------------------------------------------------------------------
    def _references(self, text: str, previous: str, history: Sequence[Turn]) -> str:
        names = _names(previous)
        lists = _answer_lists(history)
        other = _OTHER_N.search(text)
        if other:
            rest = self._others(names, lists)
            if rest:
                return text[: other.start()] + _join(rest) + text[other.end() :]
        singular = _singular_antecedent(previous, names)
        owner = names[0] if names else _subject_after_aux(previous) or singular
        plural = _join(lists[0]) if lists else _plural_antecedent(previous) or singular
        when = _date_phrase(previous)
        if when:  # "after that", "before then": the time the previous question named
            text = re.sub(
                r"\b(after|before|since|until|by)\s+(?:that|then|this)\b", rf"\1 {when}", text
            )
        qualifier = _qualifier(previous)

        def determiner(match: re.Match[str]) -> str:
            noun = match["noun"]
            if noun.lower() in _NOT_A_NOUN or noun.lower().endswith("ly"):
                return match.group()  # "that actually applied": a pronoun, handled below
            for phrase in _noun_phrases(previous):  # "those licences" -> "the first
                if phrase.lower().split()[-1] == noun.lower():  # general licences"
                    return re.sub(r"^(?:a|an)\s", "the ", phrase)
            return f"the {noun}{qualifier}"

        text = re.sub(
            r"\b(?:those|these|that|this)\s+(?P<noun>[a-z][\w\-]{2,})\b", determiner, text
        )

        def substitute(match: re.Match[str]) -> str:
            word = match.group().lower()
            if word in ("it", "this", "that"):
                return singular
            if word in ("its", "it's"):
                return _possessive(owner)
            if word in ("they", "them", "those", "these", "each"):
                return plural
            if word in ("their", "theirs"):
                return _possessive(plural)
            return f"which of {plural}"  # "which of them", "which one"

        return re.sub(
            r"\b(?:which of them|which one|it's|its|it|they|them|their|theirs|those|these|"
            r"this|that)\b(?!\s+(?:is|was)\s+(?:it|the))",
            substitute,
            text,
            flags=re.IGNORECASE,
        )

    def _others(self, names: list[str], lists: list[list[str]]) -> list[str]:
        """Members of a list holding the previous question's name, other than it."""
        if not names:
            return []
        current = names[0]
        candidates = list(lists)
        if self._lists_for is not None:
            candidates += self._lists_for(current)
        for items in candidates:
            if any(_same(current, item) for item in items):
                rest = [item for item in items if not _same(current, item)]
                if rest:
                    return rest
        return []

    # --- parallel substitution -----------------------------------------------------------
    def _parallel(self, fragment: str, previous: str) -> str:
        """``previous`` with its phrase most like ``fragment`` replaced by it."""
        spans = _phrases(previous)
        if not spans:
            return _about_topic(fragment, previous)
        texts = [previous[a:b] for a, b, _ in spans]
        scores = np.array(
            [_shape_similarity(fragment, t) - s[2] for t, s in zip(texts, spans, strict=True)]
        )
        if self._embed is not None:
            vectors = np.asarray(self._embed([fragment, *texts]), dtype=np.float32)
            scores = scores + vectors[1:] @ vectors[0]
        a, b, _ = spans[int(np.argmax(scores))]
        opening = previous[a:b].split()[0].lower()
        if opening in _PREPOSITIONS and fragment.split()[0].lower() not in _PREPOSITIONS:
            fragment = f"{opening} {fragment}"  # "per Bloomberg" -> "per the IEA"
        return previous[:a] + fragment + previous[b:]


# --- helpers -------------------------------------------------------------------------------
def _expand(text: str) -> str:
    for pattern, full in _CONTRACTIONS:
        text = pattern.sub(full, text)
    return text


def _finish(text: str) -> str:
    text = " ".join(text.split()).rstrip(" ,?")
    return text[:1].upper() + text[1:] + "?"


def _starts_question(text: str) -> bool:
    first = text.split()[0].lower() if text.split() else ""
    return first in _WH_WORDS or bool(_AUX_FIRST.match(text))


def _own_topic(text: str) -> bool:
    """A question with a noun phrase of its own beyond the question word ("what is the
    legal max under the dual-use regs")."""
    return bool(_NOUN_PHRASE.search(text) or _OWN_SUBJECT.search(text))


def _is_fragment(text: str) -> bool:
    """A phrase without a question word or verb of its own ("the US side", "into a
    Virginia-class submarine", "terbium", "by late November")."""
    if not text.split() or _starts_question(text):
        return False
    return len(text.split()) <= 12 and not re.search(
        r"\b(?:is|are|was|were|do|does|did|has|have|had|got|get|gets|can|will)\b", text, re.I
    )


def _names(text: str) -> list[str]:
    """Names in ``text`` (not a sentence-initial question word), first to last."""
    found = []
    for match in _NAME.finditer(text):
        name = match.group().strip()
        first = name.split()[0].lower().removesuffix("'s")
        if first in _WH_WORDS or first in STOP_WORDS:
            continue
        found.append(name)
    return found


def name_lists(text: str) -> list[list[str]]:
    """Enumerations of names in ``text`` ("JL Mag Rare-Earth, Ningbo Yunsheng and Beijing
    Zhong Ke San Huan High-Tech" -> three names; "Donald Trump and Xi Jinping" -> two)."""
    lists: list[list[str]] = []
    for match in _NAME_LIST.finditer(text):
        items = [i.strip() for i in re.split(r",\s*(?:and\s+)?|\s+and\s+", match.group(1))]
        items = [i for i in items if i and i.split()[0].lower() not in STOP_WORDS]
        if len(items) >= 2:
            lists.append(items)
    return lists


def _answer_lists(history: Sequence[Turn]) -> list[list[str]]:
    """Name lists in the first statements of earlier answers, most recent first."""
    return [
        items
        for turn in reversed(history)
        for statement in turn.answer.statements[:2]
        for items in name_lists(statement.text)
    ]


def _noun_phrases(text: str) -> list[str]:
    out = []
    for match in _NOUN_PHRASE.finditer(text):
        phrase = match.group().strip()
        if match.start() == 0 or match["body"].split()[0].lower() in _WH_WORDS:
            continue
        out.append(phrase)
    return out


def _singular_antecedent(previous: str, names: list[str]) -> str:
    """What "it" / "that" most likely refers to: the thing ``previous`` asked about."""
    about = re.match(
        r"^(?:tell me (?:more )?about|what (?:do we know|can you tell me) about|"
        r"(?:what|who) (?:is|was|are|were))\s+(?P<x>.+)$",
        previous,
        re.IGNORECASE,
    )
    if about:
        return about["x"]
    documents = [n for n in names if re.search(r"\bNos?\.", n)]
    if documents:
        return documents[0]
    subject = None if _WH_AUX.match(previous) else _SUBJECT_WH.match(previous)
    if subject and subject["np"].strip() and not subject["np"].strip().endswith("s"):
        return f"the {subject['np'].strip()} that {subject['verb']} {subject['rest']}"
    phrases = [p for p in _noun_phrases(previous) if not p.lower().endswith("s")]
    if phrases:
        return re.sub(r"^(?:a|an)\s", "the ", phrases[-1])
    after_aux = _subject_after_aux(previous)
    if after_aux:
        return after_aux
    return names[0] if names else _topic(previous)


def _subject_after_aux(previous: str) -> str:
    """The subject right after the auxiliary ("did China mine ..." -> "China"; "do the
    first general licences last" -> "the first general licences"), or ""."""
    match = _WH_AUX.match(previous) or _AUX_FIRST.match(previous)
    if not match:
        return ""
    rest = match["rest"]
    name = _NAME.match(rest)
    if name and name.group().split()[0].lower() not in STOP_WORDS:
        return name.group().strip()
    phrase = _NOUN_PHRASE.match(rest)
    if phrase and phrase["det"].lower() in ("the", "its", "their"):
        return phrase.group().strip()
    first = rest.split()[0] if rest.split() else ""
    plain = first.lower() not in STOP_WORDS and first.lower() not in _NOT_A_NOUN
    if plain and len(rest.split()) > 1:
        return first
    return ""


def _plural_antecedent(previous: str) -> str:
    subject = _WH_AUX.match(previous) or _SUBJECT_WH.match(previous)
    if subject and len(subject["wh"].split()) > 1:
        noun = " ".join(w for w in subject["wh"].split()[1:] if w.lower() not in ("many", "much"))
        if noun.lower().endswith("s") and noun.lower() not in ("its",):
            return f"the {noun}"
    for phrase in reversed(_noun_phrases(previous)):
        if phrase.lower().endswith("s"):
            return phrase
    return ""


_DATE_PHRASE = re.compile(
    r"\b(?:(?:early|mid|late)[- ])?(?:\d{1,2}\s+)?(?:January|February|March|April|May|June|July|"
    r"August|September|October|November|December)(?:\s+\d{1,2})?(?:,?\s+\d{4})?\b"
    r"|\b(?:(?:early|mid|late)[- ]|Q[1-4]\s+)?(?:19|20)\d\d\b",
    re.IGNORECASE,
)


def _date_phrase(previous: str) -> str:
    match = _DATE_PHRASE.search(previous)
    return match.group() if match else ""


def _qualifier(previous: str) -> str:
    """ " of 9 October 2025" (a date of ``previous``) for "those measures", else ""."""
    date = _date_phrase(previous)
    return f" of {date}" if date else ""


def _topic(question: str) -> str:
    """The main name or noun phrase of ``question``."""
    body = re.sub(
        r"^(?:tell me (?:more )?about|what (?:do we know|can you tell me) about|give me|"
        r"describe|explain)\s+",
        "",
        question,
        flags=re.IGNORECASE,
    )
    if body != question:
        return body
    phrases = _noun_phrases(question)
    if phrases:
        return phrases[-1]
    names = _names(question)
    return names[0] if names else question


def _about_topic(fragment: str, previous: str) -> str:
    """A follow-up with no reference of its own, asked about ``previous``'s topic."""
    counting = re.match(
        r"^(?P<wh>how many|how much|which|what share|what proportion|what part)\s+"
        r"(?P<rest>(?-i:[a-z]+(?:ed|s)|got|went|came)\b.*)$",
        fragment,
        re.IGNORECASE,
    )
    if counting:
        topic = _plural_antecedent(previous) or _topic(previous)
        return f"{counting['wh']} of {topic} {counting['rest']}"
    topic = _topic(previous)
    if re.search(r"\b(?:apply|qualify|wait|pay|register)$", fragment):
        return f"{fragment} for {topic}"
    return f"{fragment}, on {topic}"


def _wh_substitute(wh: str, previous: str) -> str:
    """The question ``previous`` asked again with the question word ``wh``."""
    match = _WH_AUX.match(previous)
    if match:
        return f"{wh} {match['aux'].lower()} {match['rest']}"
    match = _AUX_FIRST.match(previous)
    if match:
        return f"{wh} {match['aux'].lower()} {match['rest']}"
    match = _SUBJECT_WH.match(previous)
    if match:
        np_ = match["np"].strip()
        subject = f"the {np_}" if np_ else "it"
        verb = match["verb"]
        tense = "did" if verb in _IRREGULAR or verb.endswith("ed") else "does"
        return f"{wh} {tense} {subject} {_base_form(verb)} {match['rest']}"
    topic = _topic(previous)
    if wh.lower() in ("how long", "for how long", "until when", "till when", "up to when"):
        return f"{wh} does {topic} last"
    return f"{wh} is {topic}"


def _base_form(verb: str) -> str:
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    if verb.endswith("ied"):
        return verb[:-3] + "y"
    if verb.endswith("ed"):
        stem = verb[:-2]
        return stem + "e" if re.search(r"(?:[^aeiou][uvzcg]|at|iz|ag|ur|ir|ar)$", stem) else stem
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if verb.endswith(("ches", "shes", "sses", "xes")):
        return verb[:-2]
    return verb[:-1] if verb.endswith("s") else verb


def _phrases(question: str) -> list[tuple[int, int, float]]:
    """Phrases of ``question`` a fragment may stand in for: 1-6 words, not opening or
    closing on a stop word (but a preposition may open one: "into an F-35 fighter jet"),
    each with a cost when it starts or ends inside a longer phrase ("superhard
    [materials]", "before the april [curbs]")."""
    tokens = list(re.finditer(r"[\w\-'%]+(?:\.\s*\d+)?", question))
    words = [t.group().lower() for t in tokens]
    spans: list[tuple[int, int]] = []
    for i in range(1, len(tokens)):
        if words[i] in _WH_WORDS:
            continue
        opens_with_preposition = words[i] in _PREPOSITIONS
        if words[i] in STOP_WORDS and not opens_with_preposition:
            continue
        if words[i - 1] in _WH_WORDS and not opens_with_preposition:
            continue  # right after "what" / "which" comes the verb or the asked-for noun
        for j in range(i, min(len(tokens), i + 6)):
            if words[j] in STOP_WORDS:
                continue
            cost = 0.15 if not opens_with_preposition and words[i - 1] not in STOP_WORDS else 0.0
            if j + 1 < len(tokens) and words[j + 1] not in STOP_WORDS:
                cost += 0.08
            spans.append((tokens[i].start(), tokens[j].end(), cost))
    return spans


def _shape_similarity(fragment: str, phrase: str) -> float:
    """Phrases of the same shape score higher: the same opening preposition, both dates,
    both names; shared words too."""
    f, p = fragment.lower().split(), phrase.lower().split()
    score = 0.0
    if f and p and f[0] in _PREPOSITIONS and p[0] in _PREPOSITIONS:
        score += 0.3 if f[0] == p[0] else 0.15
    if bool(_DATE_WORDS.search(fragment)) and bool(_DATE_WORDS.search(phrase)):
        score += 0.3
    if fragment[:1].isupper() and phrase[:1].isupper():
        score += 0.1
    shared = set(content_words(fragment)) & set(content_words(phrase))
    return score + 0.2 * len(shared) - 0.07 * abs(len(f) - len(p))


def _possessive(name: str) -> str:
    return name if name.endswith("'s") else name + ("'" if name.endswith("s") else "'s")


def _same(a: str, b: str) -> bool:
    a, b = a.lower().removesuffix("'s"), b.lower().removesuffix("'s")
    return a in b or b in a


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
