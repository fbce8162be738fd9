"""Load corpus files (.md, .txt, .html/.htm, .pdf) into :class:`~briefing.types.Document`.

Files that cannot be used as text (unknown type, binary, not UTF-8 or UTF-16, empty,
unreadable PDF, over the size limit, vanished mid-walk, a symlink leading out of the corpus
folder) are skipped with a logged warning naming the file and the reason. Problems an
author must fix (malformed or unclosed front matter, YAML aliases, duplicate ids) raise
:class:`~briefing.errors.CorpusError` naming the file(s), or, with ``strict=False``, are
collected in ``LoadResult.errors`` while the other files load.

Line endings are normalised to ``\\n``; otherwise ``Document.text`` is the file's text
(for Markdown: the body after the front matter) exactly, so chunk offsets index into it.

Usage::

    result = load_corpus(Path("corpus"))
    for path, reason in result.skipped:
        print("skipped", path, reason)
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from briefing.corpus.front_matter import (
    opens_front_matter,
    parse_front_matter,
    split_front_matter,
)
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
        errors: author errors (``CorpusError`` messages) of files left out; only with
            ``strict=False`` (strict loading raises the first one instead).
    """

    documents: tuple[Document, ...]
    skipped: tuple[tuple[str, str], ...] = ()
    errors: tuple[str, ...] = ()


#: Default size limit of one corpus file (the ``max_file_bytes`` setting passes its own).
DEFAULT_MAX_FILE_BYTES = 5_000_000


def slugify(name: str) -> str:
    """A document id from a file stem: lower case, runs of other characters -> '-'.

    A name in another script is transliterated ("中文" -> "zhongwen", with anyascii) and
    gets a short hash of the original name, so distinct names never share an id.
    """
    if name.isascii():
        ascii_name, suffix = name, ""
    else:
        from anyascii import anyascii

        name = unicodedata.normalize("NFC", name)
        ascii_name = anyascii(name)
        suffix = hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:80].strip("-")
    slug = slug or "document"
    return f"{slug}-{suffix}" if suffix else slug


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
    text = _decode(path, data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise SkipFile(path, "empty file")
    return text


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 (BOM optional), or UTF-16 with a byte-order mark; else SkipFile saying why."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise SkipFile(path, "UTF-32 text is not supported; save the file as UTF-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SkipFile(path, f"not valid UTF-16 text (byte {exc.start})") from exc
    if b"\x00" in data:
        head = data[:400]
        if max(head[1::2].count(0), head[::2].count(0)) > 0.4 * len(head) / 2:
            raise SkipFile(path, "UTF-16 text without a byte-order mark; save it as UTF-8")
        raise SkipFile(path, "binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SkipFile(path, f"not UTF-8 text (byte {exc.start} undecodable)") from exc


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
    if split is None and opens_front_matter(text):
        raise CorpusError(
            f"{path}: front matter opened with '---' on line 1 is never closed; add a "
            "closing '---' line after the fields"
        )
    if split is None:  # plain Markdown without front matter: treated like a .txt file
        return _plain_document(path, rel, text, _first_heading_or_line(text))
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
    return _plain_document(path, rel, text, _first_line(text))


def _load_html(path: Path, rel: str) -> Document:
    from briefing.corpus.html_text import html_to_document_parts  # bs4: only for HTML files

    parts = html_to_document_parts(_read_text(path))
    if not parts.text.strip():
        raise SkipFile(path, "no main text in HTML")
    return _plain_document(
        path,
        rel,
        parts.text,
        parts.title or path.stem,
        published=parts.published,
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
    return _plain_document(path, rel, text, title or _first_line(text))


def _plain_document(
    path: Path, rel: str, text: str, title: str, *, published: str = "", publisher: str = ""
) -> Document:
    """A document without front matter: its id from the file name, a news item with no
    sources, the title cut to 200 characters."""
    return Document(
        id=slugify(path.stem),
        title=title[:200],
        kind="news",
        published=published,
        sources=(),
        text=text,
        path=rel,
        publisher=publisher,
    )


_LOADERS = {
    ".md": _load_markdown,
    ".markdown": _load_markdown,
    ".txt": _load_txt,
    ".html": _load_html,
    ".htm": _load_html,
    ".pdf": _load_pdf,
}


def parse_file(
    path: Path, root: Path | None = None, *, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> Document:
    """Load one file, raising :class:`SkipFile` if it is unusable.

    ``root`` makes ``Document.path`` relative to it; a file over ``max_bytes`` is skipped
    before it is read. Raises ``CorpusError`` for malformed front matter.
    """
    path = Path(path)
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        raise SkipFile(path, f"unsupported file type '{path.suffix or '(none)'}'")
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise SkipFile(path, "file vanished while loading") from exc
    except OSError as exc:
        raise SkipFile(path, f"cannot read file: {exc.strerror or exc}") from exc
    if size > max_bytes:
        raise SkipFile(
            path,
            f"{size:,} bytes is over the limit of {max_bytes:,} per file "
            "(setting max_file_bytes, env BRIEFING_MAX_FILE_BYTES)",
        )
    return loader(path, _relative(path, root))


def load_file(
    path: Path, root: Path | None = None, *, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> Document | None:
    """Load one file; None (with a logged warning naming the file) if it is skipped."""
    try:
        return parse_file(path, root, max_bytes=max_bytes)
    except SkipFile as skip:
        logger.warning("skipping %s: %s", skip.path, skip.reason)
        return None


def _ignored(rel_parts: tuple[str, ...]) -> bool:
    return any(part.startswith(".") for part in rel_parts) or rel_parts[-1].lower() == "readme.md"


def _walk(directory: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files under ``directory`` in sorted order, without hidden files/folders or READMEs,
    and ``(path, reason)`` for symlinks that lead out of it (never followed)."""
    inside = directory.resolve()
    found: list[Path] = []
    skipped: list[tuple[str, str]] = []
    for current, dirs, files in os.walk(directory):
        base = Path(current)
        for name in sorted(d for d in dirs if not d.startswith(".")):
            if (base / name).is_symlink():  # os.walk does not descend into it: say so
                skipped.append((str(base / name), "symlinked folder not followed"))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(base / name for name in files)
    found = [p for p in found if not _ignored(p.relative_to(directory).parts)]
    kept: list[Path] = []
    for path in sorted(found, key=lambda p: p.relative_to(directory).as_posix()):
        if path.is_symlink() and not path.resolve().is_relative_to(inside):
            reason = "symlink to a file outside the corpus folder (not followed)"
            logger.warning("skipping %s: %s", path, reason)
            skipped.append((str(path), reason))
            continue
        kept.append(path)
    return kept, skipped


def load_corpus(
    paths: Path | Iterable[Path],
    *,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    strict: bool = True,
) -> LoadResult:
    """Load every document under ``paths`` (files, or folders walked recursively).

    Raises ``CorpusError`` if a given path does not exist. Malformed front matter, or two
    files sharing a document id (naming both), raise ``CorpusError`` too -- or, with
    ``strict=False``, leave that file out and add the message to ``LoadResult.errors``.
    """
    roots = [Path(paths)] if isinstance(paths, str | os.PathLike) else [Path(p) for p in paths]
    documents: list[Document] = []
    skipped: list[tuple[str, str]] = []
    errors: list[str] = []
    seen: dict[str, str] = {}
    for given in roots:
        if given.is_dir():
            targets, outside = _walk(given)
            skipped.extend(outside)
            root = given
        elif given.is_file():
            targets, root = [given], given.parent
        else:
            raise CorpusError(f"{given}: corpus path does not exist")
        for path in targets:
            try:
                doc = parse_file(path, root, max_bytes=max_file_bytes)
                if doc.id in seen:
                    raise CorpusError(
                        f"duplicate document id {doc.id!r}: used by {seen[doc.id]} and {path}"
                    )
            except SkipFile as skip:
                logger.warning("skipping %s: %s", skip.path, skip.reason)
                skipped.append((str(skip.path), skip.reason))
                continue
            except CorpusError as exc:
                if strict:
                    raise
                logger.warning("leaving out %s: %s", path, exc)
                errors.append(str(exc))
                continue
            seen[doc.id] = str(path)
            documents.append(doc)
    return LoadResult(documents=tuple(documents), skipped=tuple(skipped), errors=tuple(errors))


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
        found.extend(_walk(given)[0] if given.is_dir() else [given] if given.is_file() else [])
    return found
