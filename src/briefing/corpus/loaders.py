"""Load corpus files (.md, .txt, .html/.htm, .pdf) into :class:`~briefing.types.Document`.

Files that cannot be used as text (unknown type, binary, not UTF-8, empty, unreadable PDF,
vanished mid-walk) are skipped with a logged warning naming the file and the reason.
Problems an author must fix (malformed front matter, duplicate ids) raise
:class:`~briefing.errors.CorpusError` naming the file(s).

Line endings are normalised to ``\\n``; otherwise ``Document.text`` is the file's text
(for Markdown: the body after the front matter) exactly, so chunk offsets index into it.

Usage::

    result = load_corpus(Path("corpus"))
    for path, reason in result.skipped:
        print("skipped", path, reason)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from briefing.corpus.front_matter import parse_front_matter, split_front_matter
from briefing.errors import CorpusError
from briefing.types import Document

__all__ = [
    "LoadResult",
    "SkipFile",
    "content_hash",
    "corpus_files",
    "load_corpus",
    "load_file",
    "parse_file",
]

logger = logging.getLogger(__name__)


class SkipFile(Exception):
    """A file that is not usable as a document; ``reason`` says why (not an author error)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What :func:`load_corpus` found.

    Fields:
        documents: loaded documents, in walk order (sorted paths).
        skipped: ``(path, reason)`` for every file that was skipped.
    """

    documents: tuple[Document, ...]
    skipped: tuple[tuple[str, str], ...] = ()


def slugify(name: str) -> str:
    """A document id from a file stem: lower case, runs of other characters -> '-'."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "document"


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise SkipFile(path, "file vanished while loading") from exc
    except OSError as exc:
        raise SkipFile(path, f"cannot read file: {exc.strerror or exc}") from exc
    if b"\x00" in data:
        raise SkipFile(path, "binary file (contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SkipFile(path, f"not UTF-8 text (byte {exc.start} undecodable)") from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SkipFile(path, "empty file")
    return text


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _first_heading_or_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip() or line.strip()
    return ""


def _load_markdown(path: Path, rel: str) -> Document:
    text = _read_text(path)
    split = split_front_matter(text)
    if split is None:  # plain Markdown without front matter: treated like a .txt file
        return Document(
            id=slugify(path.stem),
            title=_first_heading_or_line(text)[:200],
            kind="news",
            published="",
            sources=(),
            text=text,
            path=rel,
        )
    yaml_text, body = split
    meta = parse_front_matter(yaml_text, str(path))
    if not body.strip():
        raise SkipFile(path, "no text after the front matter")
    return Document(
        id=meta.id,
        title=meta.title,
        kind=meta.kind,
        published=meta.published,
        sources=meta.sources,
        text=body,
        path=rel,
        publisher=meta.publisher,
        extra=meta.extra,
    )


def _load_txt(path: Path, rel: str) -> Document:
    text = _read_text(path)
    return Document(
        id=slugify(path.stem),
        title=_first_line(text)[:200],
        kind="news",
        published="",
        sources=(),
        text=text,
        path=rel,
    )


def _load_html(path: Path, rel: str) -> Document:
    from briefing.corpus.html_text import html_to_document_parts  # bs4: only for HTML files

    parts = html_to_document_parts(_read_text(path))
    if not parts.text.strip():
        raise SkipFile(path, "no main text in HTML")
    return Document(
        id=slugify(path.stem),
        title=(parts.title or path.stem)[:200],
        kind="news",
        published=parts.published,
        sources=(),
        text=parts.text,
        path=rel,
        publisher=parts.publisher,
    )


def _load_pdf(path: Path, rel: str) -> Document:
    from pypdf import PdfReader  # lazy: only PDF corpora pay for the import

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise SkipFile(path, "encrypted PDF")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        title = ""
        if reader.metadata is not None and reader.metadata.title:
            title = str(reader.metadata.title).strip()
    except SkipFile:
        raise
    except FileNotFoundError as exc:
        raise SkipFile(path, "file vanished while loading") from exc
    except Exception as exc:  # pypdf raises many types on damaged files
        raise SkipFile(path, f"unreadable PDF ({type(exc).__name__}: {exc})") from exc
    text = "\n\n".join(page for page in pages if page).replace("\r\n", "\n")
    if not text.strip():
        raise SkipFile(path, "no extractable text in PDF")
    return Document(
        id=slugify(path.stem),
        title=(title or _first_line(text))[:200],
        kind="news",
        published="",
        sources=(),
        text=text,
        path=rel,
    )


_LOADERS = {
    ".md": _load_markdown,
    ".markdown": _load_markdown,
    ".txt": _load_txt,
    ".html": _load_html,
    ".htm": _load_html,
    ".pdf": _load_pdf,
}


def parse_file(path: Path, root: Path | None = None) -> Document:
    """Load one file, raising :class:`SkipFile` if it is unusable.

    ``root`` makes ``Document.path`` relative to it. Raises ``CorpusError`` for
    malformed front matter.
    """
    path = Path(path)
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        raise SkipFile(path, f"unsupported file type '{path.suffix or '(none)'}'")
    if not path.exists():
        raise SkipFile(path, "file vanished while loading")
    return loader(path, _relative(path, root))


def load_file(path: Path, root: Path | None = None) -> Document | None:
    """Load one file; None (with a logged warning naming the file) if it is skipped."""
    try:
        return parse_file(path, root)
    except SkipFile as skip:
        logger.warning("skipping %s: %s", skip.path, skip.reason)
        return None


def _ignored(rel_parts: tuple[str, ...]) -> bool:
    return any(part.startswith(".") for part in rel_parts) or rel_parts[-1].lower() == "readme.md"


def _walk(directory: Path) -> list[Path]:
    """Files under ``directory`` in sorted order, without hidden files/folders or READMEs."""
    found: list[Path] = []
    for current, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(current)
        found.extend(base / name for name in files)
    found = [p for p in found if not _ignored(p.relative_to(directory).parts)]
    return sorted(found, key=lambda p: p.relative_to(directory).as_posix())


def load_corpus(paths: Path | Iterable[Path]) -> LoadResult:
    """Load every document under ``paths`` (files, or folders walked recursively).

    Raises ``CorpusError`` if a given path does not exist, on malformed front matter,
    or when two files share a document id (naming both).
    """
    roots = [Path(paths)] if isinstance(paths, str | os.PathLike) else [Path(p) for p in paths]
    documents: list[Document] = []
    skipped: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for given in roots:
        if given.is_dir():
            targets, root = _walk(given), given
        elif given.is_file():
            targets, root = [given], given.parent
        else:
            raise CorpusError(f"{given}: corpus path does not exist")
        for path in targets:
            try:
                doc = parse_file(path, root)
            except SkipFile as skip:
                logger.warning("skipping %s: %s", skip.path, skip.reason)
                skipped.append((str(skip.path), skip.reason))
                continue
            if doc.id in seen:
                raise CorpusError(
                    f"duplicate document id {doc.id!r}: used by {seen[doc.id]} and {path}"
                )
            seen[doc.id] = str(path)
            documents.append(doc)
    return LoadResult(documents=tuple(documents), skipped=tuple(skipped))


def content_hash(doc: Document) -> str:
    """sha256 over the id, text and the metadata copied into chunks (change detection)."""
    payload = {
        "id": doc.id,
        "title": doc.title,
        "kind": doc.kind,
        "published": doc.published,
        "sources": [[s.name, s.url] for s in doc.sources],
        "publisher": doc.publisher,
        "text": doc.text,
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def corpus_files(paths: Iterable[Path]) -> list[Path]:
    """The files :func:`load_corpus` would read for ``paths`` (for cheap change checks)."""
    found: list[Path] = []
    for given in paths:
        given = Path(given)
        found.extend(_walk(given) if given.is_dir() else [given] if given.is_file() else [])
    return found
