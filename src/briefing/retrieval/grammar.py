"""A small grammar of staff questions for the follow-up rewriter: question words and
auxiliaries, names, noun phrases, what a pronoun most likely refers to, a question asked
again with another question word, and the phrases a fragment may stand in for.

Pure functions over strings (regular expressions, no model), so every rule is tested on
its own in ``tests/retrieval/test_rewrite.py``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..text import STOP_WORDS, content_words

AUX = r"is|are|was|were|do|does|did|has|have|had|can|could|will|would|should|may|might"
WH_AUX = re.compile(
    rf"^(?P<wh>(?:(?:in|on|under|from|at|by|since|until|to|for|with)\s+)?"
    rf"(?:what|which|who|whom|whose|when|where|why|how)(?:\s+(?!(?:{AUX})\b)"
    rf"[\w\-']+){{0,4}}?)\s+(?P<aux>{AUX})\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
AUX_FIRST = re.compile(rf"^(?P<aux>{AUX})\s+(?P<rest>.+)$", re.IGNORECASE)
IRREGULAR = {
    "got": "get", "gave": "give", "made": "make", "met": "meet", "took": "take", "put": "put",
    "set": "set", "won": "win", "led": "lead", "held": "hold", "sold": "sell", "bought": "buy",
    "went": "go", "came": "come", "saw": "see", "began": "begin", "found": "find",
    "left": "leave", "kept": "keep", "paid": "pay", "told": "tell", "grew": "grow",
    "fell": "fall", "rose": "rise", "lost": "lose", "shut": "shut", "cut": "cut", "hit": "hit",
    "became": "become", "brought": "bring", "sent": "send", "spent": "spend", "built": "build",
    "meant": "mean", "said": "say",
}  # fmt: skip
SUBJECT_WH = re.compile(
    rf"^(?P<wh>which|what|who)\s+(?!(?:{AUX}|of)\b)(?P<np>(?:[\w\-']+\s+){{0,4}}?)"
    r"(?<!\bthe )(?<!\ba )(?<!\ban )"
    r"(?P<verb>(?-i:[a-z]+(?:ed|es|s))|" + "|".join(IRREGULAR) + r")\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
# The same with a past-tense verb ("Which firms got licences": "firms" is the subject,
# not a verb); tried first, as a plural noun also ends in -s.
_SUBJECT_WH_PAST = re.compile(
    rf"^(?P<wh>which|what|who)\s+(?!(?:{AUX}|of)\b)(?P<np>(?:[\w\-']+\s+){{0,4}}?)"
    r"(?<!\bthe )(?<!\ba )(?<!\ban )"
    r"(?P<verb>(?-i:[a-z]+ed)|" + "|".join(IRREGULAR) + r")\s+(?P<rest>.+)$",
    re.IGNORECASE,
)


def subject_wh(question: str) -> re.Match[str] | None:
    """``question`` as wh-word, subject, verb and rest ("Which firms | got | licences"),
    preferring a past-tense verb over an -s word that may be a plural noun."""
    return _SUBJECT_WH_PAST.match(question) or SUBJECT_WH.match(question)


NAME = re.compile(
    r"\b(?:Announcements?\s+)?(?:Nos?\.\s*\d+|[A-Z][\w\-]*(?:'s)?)"
    r"(?:\s+(?:Nos?\.\s*\d+|[A-Z][\w\-]*(?:'s)?|\d[\d.,%]*(?!\s*(?:working|days|years))))*"
)
NOUN_PHRASE = re.compile(
    r"\b(?P<det>the|a|an|its|their|[A-Z][\w\-]*'s?|\w+s')\s+(?P<body>(?:[\w\-%.']+\s+){0,4}?"
    r"[\w\-%']+)(?=\s+(?:of|in|on|for|to|under|with|after|before|by|from|is|are|was|were|"
    + AUX
    + r"|last|cover|covers|apply|run|end|start|say|mean|amount)\b|\s*[?,.]|$)"
)
NAME_LIST = re.compile(
    r"((?:[A-Z][\w\-]*(?: [A-Z][\w\-]*)*, )*[A-Z][\w\-]*(?: [A-Z][\w\-]*)*,? and "
    r"[A-Z][\w\-]*(?: [A-Z][\w\-]*)*)"
)
#: Words that follow "that" / "this" as a verb, not as the noun of a determiner: "When did
#: that take effect?" is "When did Announcement No. 18 take effect?", not "the take".
NOT_A_NOUN = frozenset(
    f"{AUX.replace('|', ' ')} actually still also just really ever never not now then "
    "went got gets get apply applied applies happen happened take takes took start starts "
    "started begin begins began end ends ended last lasts lasted mean means meant affect "
    "affects affected require requires required include includes included expire expires "
    "expired stop stops stopped come comes came lead leads led cost costs need needs say "
    "says said become becomes became remain remains remained allow allows allowed".split()
)
PREPOSITIONS = frozenset(
    "in into on for by before after since until per from at to under of with during".split()
)
WH_WORDS = frozenset(
    "what which who whom whose when where why how tell give list name describe".split()
)
DATE_WORDS = re.compile(
    r"\d|january|february|march|april|may|june|july|august|september|october|november|"
    r"december|spring|summer|autumn|winter|quarter|q[1-4]\b",
    re.IGNORECASE,
)
# A capitalised word after the first one, an acronym or a number: the question names
# its own subject.
OWN_SUBJECT = re.compile(r"(?<!^)(?<![.?!]\s)\b(?:[A-Z][a-zA-Z]+|[A-Z]{2,}|\d[\d.,%]*)\b")


def starts_question(text: str) -> bool:
    first = text.split()[0].lower() if text.split() else ""
    return first in WH_WORDS or bool(AUX_FIRST.match(text))


def own_topic(text: str) -> bool:
    """A question with a noun phrase of its own beyond the question word ("what is the
    legal max under the dual-use regs"), or a subject and an object of its own ("Which
    firms got licences?", unlike "Which ones got approved?")."""
    return bool(NOUN_PHRASE.search(text) or OWN_SUBJECT.search(text) or _subject_and_object(text))


_NO_SUBJECT = frozenset("one ones other others".split())


def _subject_and_object(text: str) -> bool:
    match = subject_wh(text)
    if match is None or not match["np"].strip() or match["np"].strip().lower() in _NO_SUBJECT:
        return False
    words = [w for w in re.findall(r"[a-z][\w\-']*", match["rest"].lower()) if w not in STOP_WORDS]
    return any(not word.endswith(("ed", "ly")) for word in words)


def is_fragment(text: str) -> bool:
    """A phrase without a question word or verb of its own ("the US side", "into a
    Virginia-class submarine", "terbium", "by late November")."""
    if not text.split() or starts_question(text):
        return False
    return len(text.split()) <= 12 and not re.search(
        r"\b(?:is|are|was|were|do|does|did|has|have|had|got|get|gets|can|will)\b", text, re.I
    )


def find_names(text: str) -> list[str]:
    """Names in ``text`` (not a sentence-initial question word), first to last."""
    found = []
    for match in NAME.finditer(text):
        name = match.group().strip()
        first = name.split()[0].lower().removesuffix("'s")
        if first in WH_WORDS or first in STOP_WORDS:
            continue
        found.append(name)
    return found


def name_lists(text: str) -> list[list[str]]:
    """Enumerations of names in ``text`` ("JL Mag Rare-Earth, Ningbo Yunsheng and Beijing
    Zhong Ke San Huan High-Tech" -> three names; "Donald Trump and Xi Jinping" -> two)."""
    lists: list[list[str]] = []
    for match in NAME_LIST.finditer(text):
        items = [i.strip() for i in re.split(r",\s*(?:and\s+)?|\s+and\s+", match.group(1))]
        items = [i for i in items if i and i.split()[0].lower() not in STOP_WORDS]
        if len(items) >= 2:
            lists.append(items)
    return lists


def noun_phrases(text: str) -> list[str]:
    out = []
    for match in NOUN_PHRASE.finditer(text):
        phrase = match.group().strip()
        if match.start() == 0 or match["body"].split()[0].lower() in WH_WORDS:
            continue
        out.append(phrase)
    return out


def singular_antecedent(previous: str, names: list[str]) -> str:
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
    subject = None if WH_AUX.match(previous) else subject_wh(previous)
    if subject and subject["np"].strip() and not subject["np"].strip().endswith("s"):
        return f"the {subject['np'].strip()} that {subject['verb']} {subject['rest']}"
    event = _event(previous)
    if event:
        return event
    phrases = [p for p in noun_phrases(previous) if not p.lower().endswith("s")]
    if phrases:
        return re.sub(r"^(?:a|an)\s", "the ", phrases[-1])
    after_aux = subject_after_aux(previous)
    if after_aux:
        return after_aux
    return names[0] if names else main_topic(previous)


# Verbs whose event a later "it" names: "Where did Trump and Xi meet?" -> "How long did it
# last?" asks about the meeting, not about Trump.
_EVENT_NOUNS = {
    "meet": "meeting",
    "talk": "talks",
    "speak": "call",
    "negotiate": "negotiations",
    "visit": "visit",
}


def _event(previous: str) -> str:
    """ "the meeting of Trump and Xi in October" for "Where did Trump and Xi meet in
    October", or "" when ``previous`` asks about no event of named people."""
    match = WH_AUX.match(previous)
    if not match or match["aux"].lower() not in ("do", "does", "did"):
        return ""
    words = match["rest"].split()
    for i, word in enumerate(words):
        noun = _EVENT_NOUNS.get(word.lower())
        if noun is None:
            continue
        subject = words[:i]
        if subject and all(w[:1].isupper() or w.lower() == "and" for w in subject):
            return " ".join([f"the {noun} of", *subject, *words[i + 1 :]])
        return ""
    return ""


def subject_after_aux(previous: str) -> str:
    """The subject right after the auxiliary ("did China mine ..." -> "China"; "do the
    first general licences last" -> "the first general licences"), or ""."""
    match = WH_AUX.match(previous) or AUX_FIRST.match(previous)
    if not match:
        return ""
    rest = match["rest"]
    name = NAME.match(rest)
    if name and name.group().split()[0].lower() not in STOP_WORDS:
        return name.group().strip()
    phrase = NOUN_PHRASE.match(rest)
    if phrase and phrase["det"].lower() in ("the", "its", "their"):
        return phrase.group().strip()
    first = rest.split()[0] if rest.split() else ""
    plain = first.lower() not in STOP_WORDS and first.lower() not in NOT_A_NOUN
    if plain and len(rest.split()) > 1:
        return first
    return ""


def plural_antecedent(previous: str) -> str:
    """What "they" / "them" most likely refers to in ``previous``: the plural thing it
    asks about ("Which firms got licences" -> "the firms that got licences"), else its
    last plural noun phrase, else ""."""
    asked = None if WH_AUX.match(previous) else subject_wh(previous)
    if asked and asked["np"].strip().lower().endswith("s"):
        return f"the {asked['np'].strip()} that {asked['verb']} {asked['rest']}"
    subject = WH_AUX.match(previous) or subject_wh(previous)
    if subject and len(subject["wh"].split()) > 1:
        noun = " ".join(w for w in subject["wh"].split()[1:] if w.lower() not in ("many", "much"))
        if noun.lower().endswith("s") and noun.lower() not in ("its",):
            return f"the {noun}"
    for phrase in reversed(noun_phrases(previous)):
        if phrase.lower().endswith("s"):
            return phrase
    return ""


_DATE_PHRASE = re.compile(
    r"\b(?:(?:early|mid|late)[- ])?(?:\d{1,2}\s+)?(?:January|February|March|April|May|June|July|"
    r"August|September|October|November|December)(?:\s+\d{1,2})?(?:,?\s+\d{4})?\b"
    r"|\b(?:(?:early|mid|late)[- ]|Q[1-4]\s+)?(?:19|20)\d\d\b",
    re.IGNORECASE,
)


def date_phrase(previous: str) -> str:
    match = _DATE_PHRASE.search(previous)
    return match.group() if match else ""


def qualifier(previous: str) -> str:
    """ " of 9 October 2025" (a date of ``previous``) for "those measures", else ""."""
    date = date_phrase(previous)
    return f" of {date}" if date else ""


def main_topic(question: str) -> str:
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
    phrases = noun_phrases(question)
    if phrases:
        return phrases[-1]
    names = find_names(question)
    return names[0] if names else question


def about_topic(fragment: str, previous: str) -> str:
    """A follow-up with no reference of its own, asked about ``previous``'s topic."""
    counting = re.match(
        r"^(?P<wh>how many|how much|which|what share|what proportion|what part)\s+"
        r"(?P<rest>(?-i:[a-z]+(?:ed|s)|got|went|came)\b.*)$",
        fragment,
        re.IGNORECASE,
    )
    if counting:
        topic = plural_antecedent(previous) or main_topic(previous)
        return f"{counting['wh']} of {topic} {counting['rest']}"
    topic = main_topic(previous)
    if re.search(r"\b(?:apply|qualify|wait|pay|register)$", fragment):
        return f"{fragment} for {topic}"
    return f"{fragment}, on {topic}"


_DURATION_WH = re.compile(r"^(?:for\s+)?how\s+long$", re.IGNORECASE)
# Verbs a "how long" question can keep ("How long does the suspension run?"); after any
# other, with a thing as subject ("What does the suspension cover?"), it asks how long
# that thing lasts. An agent keeps its verb ("What did MOFCOM suspend?" -> "For how long
# did MOFCOM suspend?").
_DURATIVE = frozenset(
    "last lasts lasted run runs ran apply applies applied remain remains remained stay "
    "stays stayed continue continues continued take takes took hold holds held".split()
)


_ACQUIRE = frozenset("get receive win obtain secure grant award issue".split())


def wh_substitute(wh: str, previous: str) -> str:
    """The question ``previous`` asked again with the question word ``wh``."""
    match = WH_AUX.match(previous)
    if match and _DURATION_WH.match(wh) and match["aux"].lower() in ("do", "does", "did"):
        subject = subject_after_aux(previous)
        verb = match["rest"][len(subject) :].split()[:1] if subject else []
        if subject and not verb and len(subject.split()) > 1:  # "... the licences allow"
            *words, last = subject.split()
            subject, verb = " ".join(words), [last]
        thing = re.match(r"^(?:the|its|their|this|that|these|those)\s", subject or "", re.I)
        if thing and verb and verb[0].lower() not in _DURATIVE:
            agrees = "do" if match["aux"].lower() == "do" else "does"
            return f"{wh} {agrees} {subject} last"
    if match:
        return f"{wh} {match['aux'].lower()} {_keep_asked_noun(match, previous)}"
    match = AUX_FIRST.match(previous)
    if match:
        return f"{wh} {match['aux'].lower()} {match['rest']}"
    match = subject_wh(previous)
    if match and _DURATION_WH.match(wh) and base_form(match["verb"]) in _ACQUIRE:
        # "Which firms got licences?" -> "For how long do the licences last?": what was
        # received lasts; the receiving took no time.
        thing = re.sub(r"^(?:the|a|an)\s+", "", match["rest"].strip(), flags=re.IGNORECASE)
        agrees = "do" if thing.lower().endswith("s") else "does"
        return f"{wh} {agrees} the {thing} last"
    if match:
        np_ = match["np"].strip()
        subject = f"the {np_}" if np_ else "it"
        verb = match["verb"]
        tense = "did" if verb in IRREGULAR or verb.endswith("ed") else "does"
        return f"{wh} {tense} {subject} {base_form(verb)} {match['rest']}"
    topic = main_topic(previous)
    if wh.lower() in ("how long", "for how long", "until when", "till when", "up to when"):
        return f"{wh} does {topic} last"
    return f"{wh} is {topic}"


def _keep_asked_noun(match: re.Match[str], previous: str) -> str:
    """``match``'s rest with the noun its question word asked about put after the verb:
    "On what date?" after "How many foreign entities did China add to the list?" asks when
    China added *foreign entities* to the list, not when China added to it."""
    rest = match["rest"]
    words = match["wh"].split()
    opening = 2 if words[0].lower() in PREPOSITIONS else 1
    noun = [w for w in words[opening:] if w.lower() not in ("many", "much")]
    subject = subject_after_aux(previous)
    if opening == 2 or not noun or match["aux"].lower() not in ("do", "does", "did") or not subject:
        return rest
    after = rest[len(subject) :].split() if rest.startswith(subject) else []
    if not after:
        return rest
    return " ".join([subject, after[0], *noun, *after[1:]])


#: Verbs whose object "that" stands for the whole previous question: "When did it say
#: that?" after "Why does MOFCOM say it uses general licences?".
SAYING = frozenset(
    "say says said report reports reported confirm confirms confirmed claim claims claimed "
    "announce announces announced deny denies denied write writes wrote note notes noted "
    "mean means meant argue argues argued".split()
)
_PAST = {v: k for k, v in IRREGULAR.items()}


def embedded(previous: str) -> str:
    """``previous`` as a clause to stand after "say" / "report" ("why MOFCOM says it uses
    general licences", "how the April controls hit European auto suppliers"), or "" when
    its shape is not one this knows how to turn."""
    match = WH_AUX.match(previous)
    if match is None:
        asked = subject_wh(previous)
        return previous[:1].lower() + previous[1:] if asked else ""
    aux, rest = match["aux"].lower(), match["rest"]
    wh = match["wh"][:1].lower() + match["wh"][1:]
    subject = subject_after_aux(previous)
    if aux in ("do", "does", "did") and subject and rest.startswith(subject):
        verb, *tail = rest[len(subject) :].split() or [""]
        if not verb:
            return ""
        if aux == "did":
            verb = _PAST.get(
                verb, verb if verb.endswith("ed") else verb + ("d" if verb.endswith("e") else "ed")
            )
        elif aux == "does":
            verb = verb + ("es" if verb.endswith(("s", "sh", "ch", "x")) else "s")
        return " ".join([wh, subject, verb, *tail])
    if aux in ("do", "does", "did"):  # no subject found: the verb keeps its base form
        return f"{wh} {rest}"
    if aux in ("is", "are", "was", "were") and not re.match(r"[a-z]+ed\b", rest):
        return f"{wh} {rest} {aux}"
    return ""


def base_form(verb: str) -> str:
    if verb in IRREGULAR:
        return IRREGULAR[verb]
    if verb.endswith("ied"):
        return verb[:-3] + "y"
    if verb.endswith("eed"):  # "agreed", "freed"
        return verb[:-1]
    if verb.endswith("ed"):
        stem = verb[:-2]
        return stem + "e" if re.search(r"(?:[^aeiou][uvzcg]|at|iz|ag|ur|ir|ar|iv)$", stem) else stem
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if verb.endswith(("ches", "shes", "sses", "xes")):
        return verb[:-2]
    return verb[:-1] if verb.endswith("s") else verb


def phrases(question: str) -> list[tuple[int, int, float]]:
    """Phrases of ``question`` a fragment may stand in for: 1-6 words, not opening or
    closing on a stop word (but a preposition may open one: "into an F-35 fighter jet"),
    each with a cost when it starts or ends inside a longer phrase ("superhard
    [materials]", "before the april [curbs]")."""
    tokens = list(re.finditer(r"[\w\-'%]+(?:\.\s*\d+)?", question))
    words = [t.group().lower() for t in tokens]
    spans: list[tuple[int, int]] = []
    # The first word opens a phrase only in a question without a question word
    # ("Dysprosium price in late November 2025?" -> "What about terbium?").
    first = 0 if words and words[0] not in WH_WORDS and not AUX_FIRST.match(question) else 1
    for i in range(first, len(tokens)):
        if words[i] in WH_WORDS:
            continue
        opens_with_preposition = words[i] in PREPOSITIONS
        if words[i] in STOP_WORDS and not opens_with_preposition:
            continue
        if i and words[i - 1] in WH_WORDS and not opens_with_preposition:
            continue  # right after "what" / "which" comes the verb or the asked-for noun
        inside = i > 0 and words[i - 1] not in STOP_WORDS
        for j in range(i, min(len(tokens), i + 6)):
            if words[j] in STOP_WORDS:
                continue
            cost = 0.15 if not opens_with_preposition and inside else 0.0
            if j + 1 < len(tokens) and words[j + 1] not in STOP_WORDS:
                cost += 0.08
            spans.append((tokens[i].start(), tokens[j].end(), cost))
    return spans


def shape_similarity(fragment: str, phrase: str) -> float:
    """Phrases of the same shape score higher: the same opening preposition, both dates,
    both names; shared words too."""
    f, p = fragment.lower().split(), phrase.lower().split()
    score = 0.0
    if f and p and f[0] in PREPOSITIONS and p[0] in PREPOSITIONS:
        score += 0.3 if f[0] == p[0] else 0.15
    if bool(DATE_WORDS.search(fragment)) and bool(DATE_WORDS.search(phrase)):
        score += 0.3
    if fragment[:1].isupper() and phrase[:1].isupper():
        score += 0.1
    if fragment.isupper() and phrase.isupper():  # "USTR" for "BIS", not for "Busan"
        score += 0.2
    shared = set(content_words(fragment)) & set(content_words(phrase))
    return score + 0.2 * len(shared) - 0.07 * abs(len(f) - len(p))


def possessive(name: str) -> str:
    return name if name.endswith("'s") else name + ("'" if name.endswith("s") else "'s")


def same(a: str, b: str) -> bool:
    a, b = a.lower().removesuffix("'s"), b.lower().removesuffix("'s")
    return a in b or b in a


def join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
