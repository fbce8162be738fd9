"""What a question asks for: the answer type, list/detail flags and its key terms.

The offline answerer prefers sentences that hold the *kind* of content a question asks
for ("when" -> a date, "how many" -> a number, "which companies" -> names, "why" -> a
cause) and abstains when a key term of the question (a name, acronym, number or rare
word) occurs nowhere in the retrieved text. Pure functions, no model.

Usage::

    >>> profile = analyse_question("Which firms got the first licences?")
    >>> profile.kind, profile.is_list
    ('names', True)
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ..text import DEMONYM, STOP_WORDS, TOKEN, content_words, stem

__all__ = [
    "GENERIC_QUESTION_WORDS",
    "AnswerKind",
    "QuestionProfile",
    "analyse_question",
    "compared_names",
    "echoes",
    "names",
    "name_variants",
    "requested_attribute",
    "term_key",
]

AnswerKind = str  # "date" | "duration" | "number" | "names" | "place" | "reason" | "general"

# Checked in order; the first match is the question's main kind, and every match is one
# of its kinds ("Who issued it, and when?" asks for names and a date). Patterns see the
# lower-cased question.
_KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "duration",
        re.compile(
            r"\bhow long\b|\bduration\b|\bvalid for\b|\bhow many (years|months|weeks|days)\b"
            r"|\buntil when\b|\bexpire|\brun out\b|\bend date\b"
        ),
    ),
    (
        "date",
        re.compile(
            r"\bwhen\b|\bwhat (date|day|month|year)\b|\bwhich (date|day|month|year)\b"
            r"|\bsince when\b|\bdeadline\b|\bon what date\b"
        ),
    ),
    (
        "number",
        re.compile(
            r"\bhow (many|much|big|large|high|low|far)\b|\bwhat (share|percentage|proportion|"
            r"fraction|price|amount|number|volume|value|threshold|level|rate|figure|ratio|cap)\b"
            r"|\bwhat is the (share|percentage|price|number|amount)\b|\bpercent(age)?\b"
            r"|\bshare of\b|\bthreshold\b"
        ),
    ),
    (
        "reason",
        re.compile(r"\bwhy\b|\bwhat (caused|triggered|prompted|led to|drove)\b|\breasons?\b"),
    ),
    (
        "place",
        re.compile(r"\bwhere\b|\bwhich (city|place|province|exchange)\b|\bwhat (city|place)\b"),
    ),
    (
        "names",
        re.compile(
            r"^(which|who|whom)\b|\bwho\b|\bwhich (companies|firms|countries|makers|producers|"
            r"elements|metals|minerals|firm|company|country|agency|ministry|entities)\b"
            r"|\bwhat (companies|firms|countries|makers|producers|elements|metals|minerals)\b"
            r"|\bname (the|all)\b"
        ),
    ),
)
_LIST = re.compile(
    r"\b(which|what|name|list)\b.*\b(companies|firms|countries|makers|producers|elements|"
    r"metals|minerals|measures|announcements|products|customers|commitments|entities|items|"
    r"rare earths|steps|effects|uses)\b|\blist\b|\bname all\b|\ball the\b"
    # "what does the suspension cover?": the items it covers
    r"|\bwhat (?:do|does|did|will|would)\b.*\b(?:cover|include|apply to|consist of)\b"
)
_ELEMENTS_ASKED = re.compile(
    r"\b(?:which|what)\s+(?:[\w-]+\s+){0,2}?(?:elements|rare earths|earths|metals|minerals)\b"
)
_DETAIL = re.compile(
    r"\bexplain\b|\bin detail\b|\bdetailed\b|\bsummari[sz]e\b|\bsummary\b|\boverview\b"
    r"|\bdescribe\b|\belaborate\b|\beverything\b|\btell me (more|all)\b"
)

# Words that shape a question but carry no fact of their own: a question may use them
# even when no passage does ("What happened ...?", "What is the impact ...?").
GENERIC_QUESTION_WORDS = frozenset(
    stem(w)
    for w in """
    happen happened happening mean means meaning affect affects affected effect effects impact
    impacts change changes changed difference differ main key major important latest current
    currently recent recently new detail details explain describe summarise summarize summary
    overview tell give get got gets know known exactly actually really thing things kind kinds
    type types role status situation happen involve involved involves include included
    includes cover covers covered last lasts long many much share percentage number date
    year years month months day days time times first second third list name names
    anything something someone anyone way ways like still also happen make made
    """.split()  # noqa: SIM905 - a word list reads better as text
)


# Names that mean the same place or body: a question saying "Washington" or "American"
# is answered by text saying "US" or "United States". General knowledge, lower-cased.
_EQUIVALENT_NAMES: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split("|"))
    for group in (
        "us|u.s.|usa|u.s.a.|united states|america|american|americans|washington",
        "china|chinese|beijing|prc|people's republic of china",
        "eu|european union|europe|european|europeans|brussels",
        "uk|u.k.|britain|british|united kingdom|london",
        "japan|japanese|tokyo",
        "india|indian|indians|new delhi",
        "korea|korean|south korea|seoul",
        "ev|evs|electric vehicle|electric vehicles|electric-vehicle",
        "mofcom|ministry of commerce|commerce ministry",
        "gac|general administration of customs",
        "bis|bureau of industry and security",
        "uel|unreliable entity list",
        "jv|joint venture|joint-venture",
        "ft|financial times",
        "ree|rees|rare earth|rare earths|rare-earth|rare-earths|rare-earth elements",
    )
)


def term_key(word: str) -> str:
    """Match key for a stemmed word, so spelling variants and derivations share one.

    British/American spellings are unified (licence/license, defence/defense,
    characterise/characterize), a possessive apostrophe and a final "e" are dropped
    (rule/rules, China's/China), and the key is cut to six letters (suspend/suspension).
    """
    word = word.lower().rstrip("'\u2019")
    word = word.replace("nc", "ns").replace("iz", "is")
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word[:6]


def name_variants(term: str) -> frozenset[str]:
    """``term`` and the names equivalent to it (lower-cased), e.g. america -> us, ..."""
    term = term.lower()
    for group in _EQUIVALENT_NAMES:
        if term in group:
            return group
    return frozenset((term,))


@dataclass(frozen=True, slots=True)
class QuestionProfile:
    """The parts of a question the offline answerer scores against.

    Fields:
        kind: the main answer type asked for: date, duration, number, place, names, reason
            or general.
        kinds: every answer type asked for ("Who issued it, and when?": names, date).
        is_list: the question asks for several items ("which companies ...").
        wants_detail: the question asks for a longer answer ("explain", "summarise").
        terms: stemmed content words of the question.
        key_terms: surface forms that must occur in the evidence: names, acronyms and
            numbers from the question (lower-cased).
        attribute: the thing asked for when the question names it ("chairman" in "Who
            is its chairman?", "fine" in "What fine does ..."), else None.
        wants_elements: a list question asking for chemical elements ("which rare
            earths", "what extra elements", "which minerals").
        compared: the names a comparison sets side by side ("how's JL Mag's licence
            different from Ningbo Yunsheng's?": jl mag, ningbo yunsheng), lower-cased;
            empty unless the question compares two or more.
    """

    kind: AnswerKind
    is_list: bool
    wants_detail: bool
    terms: tuple[str, ...]
    key_terms: tuple[str, ...]
    attribute: str | None = None
    kinds: frozenset[str] = frozenset()
    wants_elements: bool = False
    compared: tuple[str, ...] = ()


# "What is the X of ...", "Who is its X?", "How many X ...", "What X does ...": X is the
# attribute the answer must state. Checked in order on the question as written.
_ATTRIBUTE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"^(?:what|which)\s+(?:is|was|were|are)\s+(?:the\s+|its\s+|their\s+)?"
        r"(?P<a>(?:\w+\s+){0,2}?\w+?)\s+(?:of|for|in|did|does)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"^who\s+(?:is|was|are|were)\s+(?:the\s+|its\s+|their\s+)(?P<a>[\w\s]+?)(?:\s+of\b|\?|$)",
        re.IGNORECASE,
    ),
    re.compile(r"^how\s+many\s+(?P<a>\w+)", re.IGNORECASE),
    re.compile(r"^what\s+(?P<a>\w+)\s+(?:does|did|do|is|was|will)\b", re.IGNORECASE),
    re.compile(
        r"^how\s+much\s+(?:does|do|did|will|would)\s+.+?\s+(?P<a>cost|pay|earn|charge|weigh)\b",
        re.IGNORECASE,
    ),
    re.compile(r"^what\s+(?:did|does)\s+(?P<a>.+?)\s+(?:say|said)\b", re.IGNORECASE),
)
# Attribute words that name no content of their own ("the reason for", "the name of").
_GENERIC_ATTRIBUTES = frozenset(
    "reason reasons purpose name names role status impact effect effects difference "
    "outcome result results meaning point idea case kind type way".split()
)
# Words that shape how a question is asked, never the thing it asks for ("What exactly
# did Beijing agree to?", "What currently applies?"); adverbs in -ly likewise.
_NOT_ATTRIBUTES = frozenset(
    "exactly currently actually really precisely now today still so far else then "
    "also just else anyway specifically again ever".split()
)


def requested_attribute(question: str) -> str | None:
    """The thing ``question`` asks for by name (see :class:`QuestionProfile`), or None."""
    for pattern in _ATTRIBUTE_PATTERNS:
        match = pattern.search(question.strip())
        if match is None:
            continue
        words = [
            w
            for w in match["a"].split()
            if w.lower() not in STOP_WORDS
            and w.lower() not in _NOT_ATTRIBUTES
            and not (w.lower().endswith("ly") and len(w) > 4)
        ]
        if not words:
            continue
        if words[-1].lower() in _GENERIC_ATTRIBUTES:
            return None
        return " ".join(words)
    return None


#: The chemical elements' English names: names of substances, written in lower case, so
#: "tungsten" in a question is a name the evidence must mention, like "Lynas" (a question
#: about tungsten cannot be answered by passages about dysprosium).
ELEMENT_NAMES = frozenset(
    """hydrogen helium lithium beryllium boron carbon nitrogen oxygen fluorine neon sodium
    magnesium aluminium aluminum silicon phosphorus sulphur sulfur chlorine argon potassium
    calcium scandium titanium vanadium chromium manganese iron cobalt nickel copper zinc
    gallium germanium arsenic selenium bromine krypton rubidium strontium yttrium zirconium
    niobium molybdenum technetium ruthenium rhodium palladium silver cadmium indium tin
    antimony tellurium iodine xenon caesium cesium barium lanthanum cerium praseodymium
    neodymium promethium samarium europium gadolinium terbium dysprosium holmium erbium
    thulium ytterbium lutetium hafnium tantalum tungsten rhenium osmium iridium platinum gold
    mercury thallium lead bismuth polonium astatine radon francium radium actinium thorium
    protactinium uranium neptunium plutonium americium curium berkelium californium
    einsteinium fermium mendelevium nobelium lawrencium rutherfordium dubnium seaborgium
    bohrium hassium meitnerium darmstadtium roentgenium copernicium nihonium flerovium
    moscovium livermorium tennessine oganesson""".split()
) - {"lead", "iron", "tin", "gold", "silver", "mercury"}  # also everyday words ("lead to")


def _key_terms(question: str) -> tuple[str, ...]:
    """Names, acronyms, element names and numbers in the question, lower-cased, in order,
    without repeats."""
    keys: list[str] = []
    tokens = list(TOKEN.finditer(question))
    for index, match in enumerate(tokens):
        token = re.sub(r"['’]s$", "", match.group()).strip(".,'-")
        if "-" in token and not token[0].isdigit():
            # "Chinese-content": only the capitalised parts are names.
            parts = [p for p in token.split("-") if p[:1].isupper()]
            keys.extend(p.lower() for p in parts if p.lower() not in STOP_WORDS)
            continue
        if not token:
            continue
        lower = token.lower()
        if lower in ELEMENT_NAMES:
            keys.append(lower)
            continue
        if lower in STOP_WORDS or stem(lower) in GENERIC_QUESTION_WORDS:
            continue
        if token[0].isdigit():
            keys.append(lower.rstrip("%"))
            continue
        is_acronym = len(token) >= 2 and token.isupper()
        if not is_acronym and index > 0 and tokens[index - 1].group().lower() in ("which", "what"):
            # "Which Japanese company ...": the word describes the thing asked for, which
            # the evidence names ("Hitachi Metals") without necessarily repeating it.
            continue
        following = tokens[index + 1].group() if index + 1 < len(tokens) else ""
        before = tokens[index - 1].group().lower() if index > 0 else ""
        if DEMONYM.match(token) and following[:1].islower() and before in ("the", "its", "their"):
            # "the Japanese partner": a description of a known thing, which the evidence
            # may name ("Hitachi Metals") without the adjective ("Indian buyers" is not).
            continue
        # A capital after the first word marks a name ("India", "Lynas"); the first word
        # is a name only when it is an acronym.
        if is_acronym or (index > 0 and token[0].isupper()):
            keys.append(lower)
    return tuple(dict.fromkeys(keys))


def analyse_question(question: str) -> QuestionProfile:
    """Classify ``question`` and extract its terms (see :class:`QuestionProfile`)."""
    lower = " ".join(question.lower().split())
    kinds = [name for name, pattern in _KIND_PATTERNS if pattern.search(lower)]
    return QuestionProfile(
        kind=kinds[0] if kinds else "general",
        kinds=frozenset(kinds),
        is_list=bool(_LIST.search(lower)),
        wants_detail=bool(_DETAIL.search(lower)),
        terms=tuple(dict.fromkeys(content_words(question))),
        key_terms=_key_terms(question),
        attribute=requested_attribute(question),
        wants_elements=bool(_ELEMENTS_ASKED.search(lower)),
        compared=compared_names(question),
    )


_COMPARISON = re.compile(
    r"\b(?:differ\w*|compar\w*|versus|vs|unlike|whereas|same way|widest|broadest|narrowest"
    r"|which of)\b",
    re.IGNORECASE,
)
_COMPARED = re.compile(r"\bNo\.?\s*\d+\b|\b[A-Z][\w&\-]*(?:\s+[A-Z][\w&\-]*)*")


def compared_names(question: str) -> tuple[str, ...]:
    """The names (or announcement numbers) a comparison question sets side by side, when
    it names two or more: "Which of JL Mag Rare-Earth, Ningbo Yunsheng and Beijing Zhong
    Ke San Huan got the widest coverage?", "how does No. 70 differ from No. 72?"."""
    if not _COMPARISON.search(question):
        return ()
    names: list[str] = []
    for match in _COMPARED.finditer(question):
        words = match.group().split()
        while words and words[0].lower() in STOP_WORDS | {"which", "how", "do", "does"}:
            words = words[1:]  # "Do Washington", "Which"
        name = " ".join(words).lower()
        if name and not DEMONYM.match(" ".join(words)) and name not in names:
            names.append(name)
    return tuple(names) if len(names) >= 2 else ()


def names(text: str, name: str) -> bool:
    """Whether ``text`` names ``name`` (lower-cased, from :func:`compared_names`): in full,
    by an equivalent name ("US" for "washington"), or by two of its words in a row, as
    a company is named short ("San Huan" for "beijing zhong ke san huan")."""
    lower = " ".join(text.lower().split())
    words = name.split()
    forms = [
        *name_variants(name),
        *(f"{a} {b}" for a, b in itertools.pairwise(words) if a != "beijing"),
    ]
    return any(
        re.search(r"(?<![a-z0-9])" + re.escape(form) + r"(?![a-z0-9])", lower) for form in forms
    )


_ITEM_SPLIT = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
_LAST_WORD = re.compile(r"[\w\-]+")


def echoes(items: str, question: str) -> bool:
    """Whether at least half of the enumerated ``items`` ("Announcements No. 55, 56, 57,
    58, 61 and 62") end in a word or number the question already says ("What do
    Announcements 55, 56 and 58 cover?"): the list restates the question, it answers
    nothing."""
    said = set(_LAST_WORD.findall(question.lower()))
    ends = [
        words[-1]
        for part in _ITEM_SPLIT.split(items.lower())
        if (words := _LAST_WORD.findall(part))
    ]
    return bool(ends) and 2 * sum(1 for w in ends if w in said) >= len(ends)
