"""Parse a model's reply into sentences and the ``[n]`` markers that cite passages.

Models place markers in two ways, and a reply is read the way it was written:

* **after the sentence** (what the prompt asks): ``A [1]. B [2][3].`` or ``A. [1] B. [2]``;
* **before the sentence**, as a numbered list: ``[1] A.\\n[2] B.`` -- small local models
  (Qwen2.5-Coder 0.5B/1.5B) do this. A reply is read this way when a line opens with a
  marker followed by text; then a marker run opens the sentence after it, and a marker
  left at the end with nothing after it (a reply cut off at the token limit) cites nothing.

Markers inside a sentence ("... fell 12% [2] in October.") belong to that sentence in both
conventions. ``<think>`` blocks are removed, and a model's talk about the prompt ("The
passage states that ...", "According to the passages, ...") is cut from the sentence.

Usage::

    >>> parse_reply("[1] Exports fell 12%.\\n[2] The licences last a year.")
    [('Exports fell 12%.', (1,)), ('The licences last a year.', (2,))]
"""

from __future__ import annotations

import re

from ..corpus.sentences import sentence_spans
from ..text import MARKER, MARKER_TEXT, THINK_BLOCK, marker_numbers

__all__ = ["is_finished", "parse_reply", "uses_leading_markers"]

# A run of markers ("[1][2]", "[1] [2]"); the marker grammar is briefing.text.MARKER.
_RUN = r"(?:" + MARKER_TEXT + r"(?:[ \t]*(?=\[))?)+"
_STOP = r"[.!?][\"'\)\]”’]*"
# A marker run opening a line, with text after it on that line.
_LINE_OPENER = re.compile(r"(?m)^[ \t]*(?:[-*•][ \t]+)?" + _RUN + r"[ \t]*(?=[^\s\[])", re.I)
# A line break before a marker run.
_LINE_START_RUN = re.compile(r"\n(?=[ \t]*" + _RUN + ")", re.I)
# A marker run after a full stop with more text after it on the same line.
_RUN_AFTER_STOP = re.compile("(" + _STOP + r")[ \t]+(" + _RUN + r")(?=[ \t]*\S)", re.I)
# Markers written after the full stop ("... in 2025. [1]") move before it ("... in 2025 [1].").
_TRAILING = re.compile("([.!?])((?:[ \t]*" + _RUN + ")+)", re.IGNORECASE)
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")
_WORDLIKE = re.compile(r"[A-Za-z0-9]")
_META = re.compile(
    r"^(?:(?:the|this|that)\s+)?(?:provided\s+)?(?:passages?|texts?|context)(?:\s*\d+)?\s+"
    r"(?:states?|says?|notes?|mentions?|shows?|indicates?|reports?|explains?)"
    r"(?:\s+that\s+|\s*:\s*)"
    r"|^(?:according\s+to|based\s+on|as\s+stated\s+in)\s+(?:the\s+)?(?:provided\s+)?"
    r"(?:passages?|texts?|context)(?:\s*\d+)?\s*,\s*",
    re.IGNORECASE,
)
_FINISHED = re.compile(r"[.!?][\"'\)\]”’]*$")


def uses_leading_markers(reply: str) -> bool:
    """True when some line of ``reply`` opens with a marker followed by text."""
    return bool(_LINE_OPENER.search(reply))


def _without_meta(sentence: str) -> str:
    """``The passage states: "X."`` -> ``X.``; other sentences unchanged."""
    match = _META.match(sentence)
    if not match:
        return sentence
    rest = sentence[match.end() :].strip()
    if len(rest) > 2 and rest[0] in "\"“'" and rest[-1] in "\"”'":
        rest = rest[1:-1].strip()
    return rest[:1].upper() + rest[1:] if rest else sentence


def is_finished(sentence: str) -> bool:
    """True when ``sentence`` ends with a full stop, question or exclamation mark."""
    return bool(_FINISHED.search(sentence.strip()))


def parse_reply(reply: str) -> list[tuple[str, tuple[int, ...]]]:
    """Split a model reply into ``(sentence without markers, markers in order)`` pairs.

    Sentences are found with :func:`briefing.corpus.sentences.sentence_spans`, the same
    splitter the corpus and the offline answerer use; the marker convention is detected
    per reply (see the module docstring).
    """
    text = THINK_BLOCK.sub("", reply)
    leading = uses_leading_markers(text)
    if leading:
        # A blank line always ends a sentence, even after "44 million t." (an initial?).
        text = _RUN_AFTER_STOP.sub(lambda m: m.group(1) + "\n\n" + m.group(2), text)
        text = _LINE_START_RUN.sub("\n\n", text)
    else:
        text = _TRAILING.sub(lambda m: " " + m.group(2).strip() + m.group(1), text)
    parsed: list[tuple[str, tuple[int, ...]]] = []
    waiting: tuple[int, ...] = ()  # a leading run on a line of its own, for the next sentence
    for start, end in sentence_spans(text):
        piece = text[start:end]
        markers = tuple(n for m in MARKER.finditer(piece) for n in marker_numbers(m.group(1)))
        body = _SPACE_BEFORE_PUNCT.sub(r"\1", MARKER.sub("", piece))
        body = " ".join(body.split()).strip()
        if not _WORDLIKE.search(body):
            if leading:
                waiting += markers
            elif parsed and markers:  # a run of markers on its own: the previous sentence's
                prev_text, prev_markers = parsed[-1]
                parsed[-1] = (prev_text, prev_markers + markers)
            continue
        parsed.append((_without_meta(body), waiting + markers))
        waiting = ()
    return parsed
