"""One audit finding: a stable code, a severity, where, what is wrong and how to fix it.

Stage: audit.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from advisor.errors import Location

__all__ = ["Severity", "Finding", "location_key"]


class Severity(str, Enum):
    """How bad a finding is; errors make ``advisor audit`` exit with status 1."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]

    @property
    def sarif_level(self) -> str:
        return {"error": "error", "warning": "warning", "info": "note"}[self.value]


@dataclass(frozen=True)
class Finding:
    """A defect the audit found.

    ``rules`` names the rules involved (the first is the one the finding is
    about); any of them may suppress the finding with a ``suppress`` entry.
    ``example`` is a profile that shows the problem (a conflict's trigger, a
    gap), already checked with the reference evaluator. ``suppressed`` holds
    the reason when a rule suppressed the finding.
    """

    code: str
    severity: Severity
    location: Location
    message: str
    fix: str = ""
    rules: tuple[str, ...] = ()
    example: dict[str, Any] | None = field(default=None, compare=False)
    related: tuple[Location, ...] = ()
    suppressed: str | None = None
    steps: tuple[str, ...] = ()  # every step of what the message summarises (a long cycle), for --format json

    def sort_key(self) -> tuple:
        return location_key(self.location) + (self.code, self.message)

    def with_suppression(self, reason: str) -> "Finding":
        return replace(self, suppressed=reason)


def location_key(location: Location | None) -> tuple:
    """A sort key for locations: path, line, column (unknown parts first)."""
    loc = location or Location()
    return (loc.path or "", loc.line or 0, loc.column or 0)
