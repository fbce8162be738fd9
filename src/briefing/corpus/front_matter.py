"""YAML front matter of Markdown corpus files: split, parse and validate.

Parsing uses python-frontmatter's YAML handler, but the body is kept exactly as written
(``frontmatter.loads`` strips it), because chunk offsets index into the body.
Every problem raises :class:`~briefing.errors.CorpusError` naming the file and the field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import frontmatter
import yaml

from briefing.errors import CorpusError
from briefing.types import SourceRef

__all__ = [
    "KINDS",
    "MAX_FRONT_MATTER_CHARS",
    "FrontMatter",
    "opens_front_matter",
    "parse_front_matter",
    "split_front_matter",
]

KINDS = ("news", "official", "analysis", "profile", "timeline")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_HANDLER = frontmatter.YAMLHandler()


#: Front matter longer than this is refused before parsing (real ones are < 1 KB).
MAX_FRONT_MATTER_CHARS = 20_000


class _AliasRefused(yaml.YAMLError):
    def __init__(self, line: int) -> None:
        super().__init__(f"line {line}")
        self.line = line


class _Loader(yaml.SafeLoader):
    """Safe YAML that keeps timestamps as text, so a bad date is reported by field name,
    and refuses anchors and aliases: ``&a [*b, *b, ...]`` chains ("billion laughs") make
    a few hundred bytes expand to gigabytes, and front matter never needs them."""

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _AliasRefused(event.start_mark.line + 1)
        return super().compose_node(parent, index)


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)
_KNOWN = {"id", "title", "kind", "published", "sources", "publisher"}


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """Validated front matter.

    Fields:
        id, title, kind: required; ``kind`` is one of :data:`KINDS`.
        published: ``YYYY-MM-DD`` or "" when absent.
        sources: the ``sources`` list as SourceRefs.
        publisher: "" when absent.
        extra: every other field, with dates turned into ISO strings.
    """

    id: str
    title: str
    kind: str
    published: str
    sources: tuple[SourceRef, ...]
    publisher: str
    extra: dict[str, Any]


def split_front_matter(text: str) -> tuple[str, str] | None:
    """``(yaml_text, body)`` if ``text`` opens with a ``---`` block, else None.

    The body is everything after the closing delimiter line, unchanged.
    """
    if not _HANDLER.detect(text):
        return None
    parts = _HANDLER.FM_BOUNDARY.split(text, 2)  # type: ignore[union-attr]
    if len(parts) < 3:
        return None  # an opening "---" with no closing one: not front matter
    _, yaml_text, body = parts
    if body.startswith("\n"):
        body = body[1:]  # the line break belongs to the closing delimiter
    return yaml_text, body


def opens_front_matter(text: str) -> bool:
    """True if ``text`` starts with a ``---`` delimiter line (closed or not)."""
    return bool(_HANDLER.detect(text))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _published(value: Any, where: str) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
        try:  # a full timestamp: keep its date
            return dt.datetime.fromisoformat(value.strip()).date().isoformat()
        except ValueError:
            pass
    raise CorpusError(
        f"{where}: front matter field 'published' must be an ISO date (YYYY-MM-DD) or empty; "
        f"got {value!r}"
    )


def _sources(value: Any, where: str) -> tuple[SourceRef, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise CorpusError(
            f"{where}: front matter field 'sources' must be a list of {{name, url}}; "
            f"got {type(value).__name__}"
        )
    refs: list[SourceRef] = []
    for i, item in enumerate(value):
        if isinstance(item, str) and item.strip():
            refs.append(SourceRef(name=item.strip()))
            continue
        if not isinstance(item, dict):
            raise CorpusError(
                f"{where}: front matter field 'sources[{i}]' must be a mapping with 'name' "
                f"and 'url'; got {item!r}"
            )
        name, url = item.get("name"), item.get("url", "")
        if not isinstance(name, str) or not name.strip():
            raise CorpusError(
                f"{where}: front matter field 'sources[{i}].name' must be a non-empty string; "
                f"got {name!r}"
            )
        if url is None:
            url = ""
        if not isinstance(url, str):
            raise CorpusError(
                f"{where}: front matter field 'sources[{i}].url' must be a string; got {url!r}"
            )
        refs.append(SourceRef(name=name.strip(), url=url.strip()))
    return tuple(refs)


def _required_str(meta: dict[str, Any], key: str, where: str) -> str:
    if key not in meta or meta[key] is None:
        raise CorpusError(f"{where}: front matter is missing required field '{key}'")
    value = meta[key]
    if not isinstance(value, str) or not value.strip():
        raise CorpusError(
            f"{where}: front matter field '{key}' must be a non-empty string; got {value!r}"
        )
    return value.strip()


def parse_front_matter(yaml_text: str, where: str) -> FrontMatter:
    """Parse and validate front matter; ``where`` names the file in error messages."""
    if len(yaml_text) > MAX_FRONT_MATTER_CHARS:
        raise CorpusError(
            f"{where}: front matter is {len(yaml_text):,} characters long; the limit is "
            f"{MAX_FRONT_MATTER_CHARS:,} (move long text into the body)"
        )
    try:
        meta = _HANDLER.load(yaml_text, Loader=_Loader)
    except _AliasRefused as exc:
        raise CorpusError(
            f"{where}: front matter uses a YAML anchor or alias ('&name' / '*name') on line "
            f"{exc.line}; they are not allowed in front matter (they can expand without bound)"
        ) from None
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        raise CorpusError(f"{where}: front matter is not valid YAML: {problem}") from exc
    if not isinstance(meta, dict):
        raise CorpusError(
            f"{where}: front matter must be a mapping of fields; got {type(meta).__name__}"
        )
    doc_id = _required_str(meta, "id", where)
    if not _ID.fullmatch(doc_id):
        raise CorpusError(
            f"{where}: front matter field 'id' may hold only letters, digits, '.', '_' and '-' "
            f"(starting with a letter or digit); got {doc_id!r}"
        )
    title = _required_str(meta, "title", where)
    kind = _required_str(meta, "kind", where)
    if kind not in KINDS:
        raise CorpusError(
            f"{where}: front matter field 'kind' must be one of {', '.join(KINDS)}; got {kind!r}"
        )
    publisher = meta.get("publisher") or ""
    if not isinstance(publisher, str):
        raise CorpusError(
            f"{where}: front matter field 'publisher' must be a string; got {publisher!r}"
        )
    return FrontMatter(
        id=doc_id,
        title=title,
        kind=kind,
        published=_published(meta.get("published"), where),
        sources=_sources(meta.get("sources"), where),
        publisher=publisher.strip(),
        extra={str(k): _jsonable(v) for k, v in meta.items() if k not in _KNOWN},
    )
