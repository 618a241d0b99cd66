"""The audit's checks, one module per family, discovered rather than listed by hand.

Each module of this package declares ``CHECKS``, a tuple of :class:`Check`
(a stable code, a severity, a one-line summary, a FAIL and a PASS example
that double as the documentation in ``docs/audit.md``), and either

* ``run(ctx) -> Iterable[Finding]``: findings about the rule base, or
* ``finalize(ctx, findings) -> list[Finding]``: a pass over every finding
  made by the others (the suppressions).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType
from typing import Any

from advisor.errors import Location

from ..finding import Finding, Severity

__all__ = ["Check", "families", "registry", "check"]


@dataclass(frozen=True)
class Check:
    """One kind of finding the audit can make."""

    code: str
    name: str  # a short slug, e.g. "never-fires"
    severity: Severity
    summary: str  # one line
    fail: str  # a YAML example that triggers the finding
    passes: str  # the same example, fixed
    fix: str  # the usual way to fix it

    @property
    def suppressible(self) -> bool:
        """Errors must be fixed; warnings and notes may be suppressed with a reason."""
        return self.severity is not Severity.ERROR

    def at(self, location: Location | None, message: str, *, fix: str | None = None, rules: tuple[str, ...] = (),
           example: dict[str, Any] | None = None, related: tuple[Location, ...] = ()) -> Finding:
        """A finding of this check."""
        return Finding(self.code, self.severity, location or Location(), message, fix or self.fix, tuple(rules),
                       example, tuple(related))


@lru_cache(maxsize=None)
def families() -> tuple[ModuleType, ...]:
    """The check modules of this package, in the order of their codes."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "CHECKS"):
            found.append(module)
    return tuple(sorted(found, key=lambda m: min(c.code for c in m.CHECKS)))


@lru_cache(maxsize=None)
def registry() -> dict[str, Check]:
    """Every check by code, in code order."""
    table: dict[str, Check] = {}
    for module in families():
        for item in module.CHECKS:
            if item.code in table:
                raise RuntimeError(f"audit code {item.code} is declared twice")
            table[item.code] = item
    return dict(sorted(table.items()))


def check(code: str) -> Check:
    """The check with ``code``."""
    return registry()[code]
