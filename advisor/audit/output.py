"""Renderings of audit findings: text for people, JSON for scripts, SARIF 2.1.0 for code scanning.

Each is a pure function of the findings (suppressed ones included, listed
apart with their reasons); paths are shown with forward slashes, as given.

Stage: audit.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Sequence

from advisor.errors import Location
from advisor.version import __version__

from .finding import Finding, Severity

__all__ = ["FORMATS", "render", "text", "as_json", "sarif"]

FORMATS = ("text", "json", "sarif")

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}

#: ``paint(text, fg=colour, bold=flag)``, as ``click.style``
Paint = Callable[..., str]


def _plain(value: str, **_style: Any) -> str:
    return value


def render(findings: Sequence[Finding], fmt: str, *, files: Sequence[str] = (), rule_count: int = 0,
           paint: Paint | None = None, bases: dict[str, int] | None = None) -> str:
    """The findings in format ``fmt`` (one of :data:`FORMATS`).

    ``paint(text, fg=..., bold=...)`` colours the text format (the command line
    hands down ``click.style`` on a terminal); without it the text is plain.
    """
    if fmt == "json":
        return as_json(findings, files=files, rule_count=rule_count, bases=bases)
    if fmt == "sarif":
        return sarif(findings)
    return text(findings, files=files, rule_count=rule_count, paint=paint, bases=bases)


def _path(location: Location) -> str:
    return (location.path or "").replace("\\", "/")


def _where(location: Location) -> str:
    parts = [_path(location) or "<input>"]
    if location.line is not None:
        parts.append(str(location.line))
        if location.column is not None:
            parts.append(str(location.column))
    return ":".join(parts)


def _counts(findings: Sequence[Finding]) -> dict[str, int]:
    from .runner import summary

    return summary(findings)


def text(findings: Sequence[Finding], *, files: Sequence[str] = (), rule_count: int = 0,
         paint: Paint | None = None, bases: dict[str, int] | None = None) -> str:
    """One finding per line (``file:line:col: severity CODE message``) with its fix below, then the
    suppressed findings and their reasons, then a summary line."""
    paint = paint or _plain

    lines = []
    for f in findings:
        if f.suppressed:
            continue
        head = f"{_where(f.location)}: {paint(f.severity.value, fg=_COLORS[f.severity], bold=True)} " \
               f"{paint(f.code, bold=True)} {f.message}"
        lines.append(head)
        if f.fix:
            lines.append(f"    fix: {f.fix}")
    suppressed = [f for f in findings if f.suppressed]
    if suppressed:
        if lines:
            lines.append("")
        lines.append(f"Suppressed ({len(suppressed)}):")
        for f in suppressed:
            lines.append(f"  {_where(f.location)}: {f.code} {f.message}")
            lines.append(f"      reason: {f.suppressed}")
    counts = _counts(findings)
    if lines:
        lines.append("")
    what = f"{len(files)} rule file{'s' if len(files) != 1 else ''}, {rule_count} rule{'s' if rule_count != 1 else ''}"
    tally = ", ".join(_plural(counts[k], k) for k in ("error", "warning", "info"))
    tail = f" ({counts['suppressed']} suppressed)" if counts["suppressed"] else ""
    lines.append(f"audited {what}: {tally}{tail}")
    if bases and any(bases.values()):
        lines.append(_bases_line(bases))
    return "\n".join(lines) + "\n"


def _bases_line(bases: dict[str, int]) -> str:
    """How the rules stand to the text, in words."""
    parts = [f"{bases.get('source', 0)} on the text's word (source)",
             f"{_plural(bases.get('reading', 0), 'reading')} and {_plural(bases.get('assumption', 0), 'assumption')} "
             "(the advisor's judgement)"]
    if bases.get(""):
        parts.append(f"{bases['']} not saying (A812)")
    return "basis of the rules: " + "; ".join(parts)


def _plural(n: int, word: str) -> str:
    if word == "info":
        return f"{n} info"
    return f"{n} {word}{'s' if n != 1 else ''}"


def _location_dict(location: Location) -> dict[str, Any]:
    return {"path": _path(location), "line": location.line, "column": location.column}


def _finding_dict(f: Finding) -> dict[str, Any]:
    from .checks import registry

    entry: dict[str, Any] = {
        "code": f.code,
        "name": registry()[f.code].name,
        "severity": f.severity.value,
        **_location_dict(f.location),
        "rules": list(f.rules),
        "message": f.message,
        "fix": f.fix,
    }
    if f.example is not None:
        entry["example"] = f.example
    if f.related:
        entry["related"] = [_location_dict(loc) for loc in f.related]
    if f.steps:
        entry["steps"] = list(f.steps)
    if f.suppressed:
        entry["reason"] = f.suppressed
    return entry


def as_json(findings: Sequence[Finding], *, files: Sequence[str] = (), rule_count: int = 0,
            bases: dict[str, int] | None = None) -> str:
    """``{"summary": {...}, "findings": [...], "suppressed": [...]}``, stable keys, sorted findings."""
    data = {
        "tool": "advisor audit",
        "version": __version__,
        "files": [str(p).replace("\\", "/") for p in files],
        "rules": rule_count,
        "bases": {("unstated" if k == "" else k): v for k, v in (bases or {}).items()},
        "summary": _counts(findings),
        "findings": [_finding_dict(f) for f in findings if not f.suppressed],
        "suppressed": [_finding_dict(f) for f in findings if f.suppressed],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _physical(location: Location) -> dict[str, Any]:
    from urllib.parse import quote

    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(_path(location) or "unknown")}}
    if location.line:
        region: dict[str, Any] = {"startLine": location.line}
        if location.column:
            region["startColumn"] = location.column
        physical["region"] = region
    return physical


def sarif(findings: Sequence[Finding]) -> str:
    """A SARIF 2.1.0 log with one run: every check as a reporting rule, every finding as a result
    (suppressed ones carry an in-source suppression with its justification)."""
    from .checks import registry

    checks = list(registry().values())
    index = {c.code: i for i, c in enumerate(checks)}
    rules = [{
        "id": c.code,
        "name": c.name,
        "shortDescription": {"text": c.summary},
        "fullDescription": {"text": f"{c.summary} Fix: {c.fix}"},
        "help": {"text": f"{c.summary}\n\nFails:\n{c.fail}\n\nPasses:\n{c.passes}\n\nFix: {c.fix}"},
        "defaultConfiguration": {"level": c.severity.sarif_level},
        "properties": {"suppressible": c.suppressible},
    } for c in checks]
    results = []
    for f in findings:
        result: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": f.severity.sarif_level,
            "message": {"text": f"{f.message.rstrip('.')}. Fix: {f.fix}" if f.fix else f.message},
            "locations": [{"physicalLocation": _physical(f.location)}],
        }
        if f.related:
            result["relatedLocations"] = [{"id": i + 1, "physicalLocation": _physical(loc)}
                                          for i, loc in enumerate(f.related)]
        if f.suppressed:
            result["suppressions"] = [{"kind": "inSource", "justification": f.suppressed}]
        properties: dict[str, Any] = {}
        if f.rules:
            properties["rules"] = list(f.rules)
        if f.example is not None:
            properties["example"] = f.example
        if properties:
            result["properties"] = properties
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "advisor-audit", "version": __version__, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
