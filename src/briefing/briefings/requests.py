"""Briefing-style chat requests: "summarize ...", "brief me on ...", "give me an overview /
rundown of ...", "timeline of ...", "what changed since / in ...", "where do the sources
disagree", "when do the various ... run out", and follow-ups to a briefing ("and what
about the US side?").

:func:`parse_request` reads one message into a :class:`BriefingRequest` (kind, topic,
dates, a document reference) or None for an ordinary question; the briefer resolves
what needs the corpus (which document "the article" is, when "the Busan summit" was,
what "the latest" means). Pure: no index, no model.

Usage::

    >>> r = parse_request("What changed in December 2025?")
    >>> r.kind, r.since, r.until
    ('changes', '2025-12-01', '2025-12-31')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .dates import find_dates

__all__ = ["BriefingRequest", "follow_up", "parse_request"]


@dataclass(frozen=True, slots=True)
class BriefingRequest:
    """What a chat message asks for.

    Fields:
        kind: summary | timeline | changes | disagreements.
        topic: the topic words ("the general licence regime"), or None.
        since, until: ISO bounds read from the message, or None.
        since_event: "since the Busan summit": the event whose date starts the range.
        latest: "the latest": the newest month of the corpus.
        document: a reference to one document ("the article", "the market context
            note"), or "".
        max_points: a number of points asked for ("in three points"), or None.
        doc_ids: documents already resolved (a follow-up keeps its briefing's).
    """

    kind: str
    topic: str | None = None
    since: str | None = None
    until: str | None = None
    since_event: str = ""
    latest: bool = False
    document: str = ""
    max_points: int | None = None
    doc_ids: tuple[str, ...] = ()


_I = re.IGNORECASE
_SOURCES = (
    r"(?:sources?|accounts?|reports?|figures?|estimates?|versions?|numbers?|outlets?|"
    r"documents?|notes?|claims?|sides?)"
)
_DISAGREE = re.compile(
    r"\b(?:disagree\w*|discrepanc\w*|contradict\w*|conflicting|inconsisten\w*|at odds)\b"
    rf"|\b{_SOURCES}\b[^.?!]{{0,60}}?\b(?:differ\w*|agree|conflict|vary|varies|diverge\w*|"
    r"match|square|clash\w*|compare)\b"
    rf"|\b(?:differ\w*|agree|conflict|vary|diverge|clash)\b[^.?!]{{0,25}}\b{_SOURCES}\b"
    rf"|\bcompare\b[^.?!]{{0,30}}\b{_SOURCES}\b|\b(?:disputed|in dispute)\b",
    _I,
)
_TIMELINE = re.compile(
    r"\btime ?line\b|\bchronolog\w*|\bsequence of events\b|\border of events\b|"
    r"\bwalk me through\b|\bkey dates\b|\bthe dates\b|\bmilestones?\b|"
    r"\b(?:in|by) (?:date|chronological) order\b|\blist (?:the |all the )?(?:events|dates)\b|"
    r"\bwhat happened (?:in|between|during|from|over|when|after)\b|\bhow did [^?]{3,60} unfold\b"
    r"|\bwhen do (?:the |all (?:the )?)?(?:various |different |remaining )?[\w' -]{3,60}?"
    r"\b(?:run out|expire|lapse|end)\b|\b(?:what|which) (?:are the )?(?:deadlines|expiry dates|"
    r"end dates)\b|\bhistory of\b|\bover time\b|\btrace\b|\blay out\b|\bstep by step\b"
    r"|\bwhen did (?:each|the various|all)\b|\b(?:what|which) (?:are|were) the (?:key |main )?"
    r"(?:dates|events)\b",
    _I,
)
_SINCE = re.compile(
    r"\b(?:what|anything|any)\b[^.?!]{0,40}\bsince\b|\bsince\b[^.?!]{3,50},?\s*what\b"
    r"|\b(?:happened|changed|new|developments?|moved)\b[^.?!]{0,20}\bafter\b|\bsince then\b",
    _I,
)
_RUN_OUT = re.compile(
    r"\bwhen do (?P<topic>(?:the |all (?:the )?)?(?:various |different |remaining )"
    r"[\w' -]{3,60}?|[\w' -]{3,60}?)\s+(?:run out|expire|lapse|end)\b",
    _I,
)
_CHANGES = re.compile(
    r"\bwhat(?:'s| is| has| have)?\s+(?:been\s+)?(?:changed|new|happened|happening)\s+"
    r"(?:since|in|after|during|over|lately|recently)\b"
    r"|\bwhat(?:'s| has)? changed\b|\banything new\b|\bwhat'?s new\b|\bthe latest\b"
    r"|\blatest (?:news|developments|updates?)\b|\brecent (?:developments|changes|news|updates)\b"
    r"|\b(?:updates?|developments?|changes|news)\s+(?:since|in|after)\b|\bmost recent\b",
    _I,
)
_SUMMARY = re.compile(
    r"^(?:please\s+|can you\s+|could you\s+|would you\s+|i need\s+|i'd like\s+)?"
    r"(?:(?:give|get) me\s+)?(?:a |an |the |some )?(?:quick |short |brief |high-level |concise )?"
    r"(?:summari[sz]e|summary|sum up|recap|brief me|briefing|overview|rundown|run-down|outline|"
    r"run me through|key (?:points|facts|takeaways|findings|highlights)|main (?:points|takeaways|"
    r"facts)|highlights|takeaways|gist|essentials|tl;?dr|what do i need to know|what should i "
    r"know|what are the (?:key|main) (?:points|facts|takeaways))\b"
    r"|\b(?:summar\w+|sum up|recap|overview|rundown|run-down|key (?:points|facts|takeaways|"
    r"findings|highlights)|main (?:points|takeaways|facts|developments)|takeaways|the gist|"
    r"essentials|in a nutshell|in brief|bullet points|few points|the basics|background on|"
    r"what do i need to know|what should i know)\b",
    _I,
)
_LEAD_IN = re.compile(
    r"^(?:please\s+|can you\s+|could you\s+|would you\s+|i need\s+|i'd like\s+)?"
    r"(?:summari[sz]e|sum up|recap|brief me|give me|get me|outline|run me through|"
    r"walk me through|tell me|show me|list|what'?s|what is|what are|where do|how did|"
    r"what do i need to know|what should i know)\b\s*",
    _I,
)
_SCAFFOLD = re.compile(
    r"\b(?:a |an |the |some )?(?:quick |short |brief |high-level |concise )?(?:summary|overview|"
    r"rundown|run-down|recap|briefing|time ?line|chronology|key (?:points|facts|takeaways|"
    r"findings|highlights|dates)|main (?:points|takeaways|facts)|highlights|takeaways|gist|"
    r"essentials|milestones|sequence of events|order of events)"
    r"\s*(?:of|on|for|about)?\b"
    r"|\b(?:in|into) (?:a few|\w+) (?:key )?points\b|\bfor me\b|\bplease\b|\bbriefly\b"
    r"|^\s*(?:on|of|about|regarding)\b|\bgive me the dates\b|\bthe dates\b",
    _I,
)
_ASKING = re.compile(
    r"^(?:(?:which|what|who|are there|is there|were there|any|do|does|did|i need|we need|put|"
    r"list|show|sources?|accounts?|reports?|figures?)\b\s*)+",
    _I,
)
_DOC_WORD = re.compile(r"\b(?:article|note|document|profiles?|piece|report|notice|paper)\b", _I)
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "twelve": 12, "fifteen": 15, "twenty": 20}  # fmt: skip
_POINTS = re.compile(r"\b(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")\s+(?:key\s+|main\s+)?"
                     r"(?:points|bullets|facts|events|items)\b", _I)  # fmt: skip
_FOLLOW = re.compile(
    r"^(?:and\s+|but\s+|ok(?:ay)?,?\s+|so\s+)?(?:what|how)\s+about\s+(?P<a>.+?)\s*\??$"
    r"|^(?:and|now|same (?:for|with))\s+(?P<b>.+?)\s*\??$",
    _I,
)
_KIND_WORDS = (
    ("timeline", re.compile(r"\btime ?line\b|\bchronolog|\bthe dates\b", _I)),
    ("disagreements", re.compile(r"\bdisagree|\bdisput|\bdiffer", _I)),
    ("changes", re.compile(r"\bwhat changed\b|\bwhat'?s new\b|\bsince\b|\blatest\b", _I)),
    ("summary", re.compile(r"\bsummary\b|\boverview\b|\brundown\b|\bkey points\b", _I)),
)


def _dates(text: str) -> tuple[str | None, str | None, str]:
    """(since, until, since_event) read from a request, and nothing else."""
    # A date that names something ("the April 2025 controls note") bounds nothing.
    mentions = [m for m in find_dates(text) if not m.reference]
    since = until = None
    low = text.lower()
    if mentions:
        first, last = mentions[0], mentions[-1]
        prefix = low[max(0, first.start - 20) : first.start]
        if re.search(r"\b(?:since|after|from)\s+(?:the\s+)?$", prefix):
            since = first.date.start
            if len(mentions) > 1:
                until = last.date.end
        elif re.search(r"\b(?:before|until|up to|till)\s+(?:the\s+)?$", prefix):
            until = first.date.end
        else:  # "in December 2025", "between X and Y", "in October and November 2025"
            since, until = first.date.start, last.date.end
    and_months = re.search(
        r"\b(?:in|between|from)\s+(january|february|march|april|may|june|july|august|"
        r"september|october|november|december)\s+(?:and|to|until|through|-|–)\s+\w+\s+(\d{4})",
        low,
    )
    if and_months and mentions:
        since = find_dates(f"{and_months.group(1)} {and_months.group(2)}")[0].date.start
    event = ""
    if since is None:
        match = re.search(r"\bsince\s+(?P<event>(?:the\s+)?[\w' -]{3,60}?)\s*[?.!]?$", text, _I)
        if match and not re.match(r"(?:the\s+)?(?:start|beginning)\b", match.group("event"), _I):
            event = match.group("event").strip()
    return since, until, event


def _topic(text: str, request: BriefingRequest) -> tuple[str | None, str]:
    """(topic, document reference) of a request."""
    t = _LEAD_IN.sub("", text.strip()).strip()
    t = re.sub(r"[?.!]+$", "", t)
    run_out = _RUN_OUT.search(text)
    if request.kind == "timeline" and run_out:
        t = run_out.group("topic")
    t = re.sub(
        r"\b(?:the\s+)?(?:sources?|accounts?|reports?|figures?)\s+(?:disagree|differ|agree|"
        r"conflict)\w*(?:\s+(?:on|about|over))?",
        " ",
        t,
        flags=_I,
    )
    t = _SCAFFOLD.sub(" ", t)
    # "What's happened to dysprosium prices since April": the topic is what it happened to.
    t = re.sub(
        r"^\s*(?:what(?:'s| has| have| is)?\s+)?(?:been\s+)?(?:happened|happening|changed|new)\s+"
        r"(?:to|with|for|about|on)\s+(?P<topic>.+?)\s+since\b.*$",
        r"\g<topic>",
        t,
        flags=_I,
    )
    t = re.sub(r"[?.!;]+", " ", t)
    t = re.sub(
        r"\b(?:come|came) about\b|\b(?:developed|unfolded|evolved)\b|\b(?:accounts?|versions?)"
        r"\s+of\b|\b(?:differ|disagree|agree)\s*$",
        " ",
        t,
        flags=_I,
    )
    t = re.sub(
        r"\b(?:the\s+)?(?:sources?|accounts?)\s+(?:disagree|differ|agree|conflict)\w*"
        r"(?:\s+(?:on|about|over))?|\bwhere\b|\bdo\b|\bdoes\b|\bhow\b|\bon the\b(?=\s*$)",
        " ",
        t,
        flags=_I,
    )
    t = re.sub(
        r"\b(?:what(?:'s| has| have| is)?\s+)?(?:changed|happened|new)\s+(?:since|in|after)\b"
        r".*$|\b(?:since|after|before|until|in|between|from)\s+(?:the\s+)?(?=\d|\w+\s+\d{4})"
        r".*$|\banything new\b|\bthe latest\b|\blatest\b|\bwhat changed\b",
        " ",
        t,
        flags=_I,
    )
    t = re.sub(r"^\s*(?:on|of|about|regarding|for|me|the\s+(?=$))\b", " ", t, flags=_I)
    t = re.sub(r"\b(?:in\s+)?(?:a few|few|\w+)\s+(?:key\s+)?points\b", " ", t, flags=_I)
    t = " ".join(t.split()).strip(" ,:;-")
    t = re.sub(r"\bin (?:date|chronological) order\b|\beach other\b", " ", t, flags=_I).strip()
    if _ASKING.match(t):  # "Which sources contradict each other on the refining share"
        after = re.search(r"\b(?:on|about|regarding|concerning|over|around|of)\s+(.+)$", t, _I)
        t = after.group(1) if after else _ASKING.sub("", t)
    t = re.sub(r"^(?:the\s+)?(?:events?|things?|news)\b", " ", t, flags=_I).strip()
    t = re.sub(r"^(?:me|us)\s+(?:on|about)\s+", "", t, flags=_I)
    t = re.sub(r"^(?:on|of|about|for)\s+", "", t, flags=_I)
    if not t or t.lower() in {"the", "it", "this", "that", "everything", "the corpus", "all"}:
        return None, ""
    if _DOC_WORD.search(t):
        return None, t
    return t, ""


def parse_request(text: str) -> BriefingRequest | None:
    """The briefing a message asks for, or None when it is an ordinary question."""
    if not isinstance(text, str) or not text.strip():
        return None
    clean = " ".join(text.split())
    kind = None
    if _DISAGREE.search(clean):
        kind = "disagreements"
    elif _SINCE.search(clean) and not _TIMELINE.search(clean.split(" since ")[0]):
        kind = "changes"
    elif _TIMELINE.search(clean):
        kind = "timeline"
    elif _CHANGES.search(clean):
        kind = "changes"
    elif _SUMMARY.search(clean):
        kind = "summary"
    if kind is None:
        return None
    since, until, event = _dates(clean)
    request = BriefingRequest(kind=kind, since=since, until=until, since_event=event)
    if kind == "changes" and since is None and not event:
        request = replace(request, latest=True)
    points = _POINTS.search(clean)
    if points:
        word = points.group(1).lower()
        request = replace(request, max_points=_NUMBER_WORDS.get(word) or int(word))
    topic, document = _topic(clean, request)
    if event and topic and event.lower() in topic.lower():
        topic = None
    return replace(request, topic=topic, document=document)


def follow_up(text: str, previous: BriefingRequest) -> BriefingRequest | None:
    """A short follow-up to a briefing ("and what about the US side?", "and the
    timeline?") as a request: the previous scope, narrowed to the new words or
    switched to the kind they name. None when the message is something else."""
    clean = " ".join(text.split())
    if len(clean.split()) > 10:
        return None
    match = _FOLLOW.match(clean)
    if match is None:
        return None
    words = (match.group("a") or match.group("b") or "").strip()
    for kind, pattern in _KIND_WORDS:
        if pattern.search(words):
            rest = pattern.sub(" ", words)
            rest = re.sub(r"\b(?:the|a|an|of|on|about)\b", " ", rest, flags=_I).strip(" ,?")
            return replace(previous, kind=kind, topic=_join(previous.topic, rest))
    return replace(previous, topic=_join(previous.topic, words))


def _join(topic: str | None, words: str) -> str | None:
    words = " ".join(words.split()).strip(" ,?")
    if not words:
        return topic
    return f"{topic}: {words}" if topic else words
