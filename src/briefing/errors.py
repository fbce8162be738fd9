"""Typed errors. Every message names the file, field or value at fault."""

from __future__ import annotations


class BriefingError(Exception):
    """Base class for every error this package raises on purpose."""


class ConfigError(BriefingError):
    """A setting is missing, malformed or inconsistent (names the setting)."""


class CorpusError(BriefingError):
    """A corpus file cannot be used: malformed front matter, duplicate id, ... (names the file)."""


class IndexStoreError(BriefingError):
    """The index cannot be opened, built or queried (names the location)."""


class QuestionError(BriefingError):
    """The question is unusable: empty, too long, not text (names the limit)."""


class BriefRequestError(BriefingError):
    """A briefing request is unusable: unknown kind, bad date, unknown document, ...
    (names the field and the value)."""


class BackendError(BriefingError):
    """An answer backend failed or is not installed (names the backend and the fix)."""


class DatasetError(BriefingError):
    """An evaluation case is malformed (names the case id and field)."""


class UploadError(BriefingError):
    """A document offered for ingestion was rejected (names the file and the rule)."""


class FeedbackError(BriefingError):
    """Feedback cannot be stored or read (names the file)."""


__all__ = [
    "BackendError",
    "BriefRequestError",
    "BriefingError",
    "ConfigError",
    "CorpusError",
    "DatasetError",
    "FeedbackError",
    "IndexStoreError",
    "QuestionError",
    "UploadError",
]
