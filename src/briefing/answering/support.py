"""The support check, re-exported from :mod:`briefing.grounding` where it now lives (shared
with the evaluation harness without either package importing the other)."""

from __future__ import annotations

from ..grounding.support import SUPPORT_RULE, SupportCheck, check_support, is_supported

__all__ = ["SUPPORT_RULE", "SupportCheck", "check_support", "is_supported"]
