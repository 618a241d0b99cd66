"""``advisor audit``: verify a rule base the way rule-base verifiers and decision-table checkers do.

The loader's collecting mode finds every per-file problem (YAML, schema,
names, citations, ids); the checks in :mod:`advisor.audit.checks` add the
whole-base ones: rules that can never fire, unused and circular derived facts,
redundant and subsumed rules, conflicts no priority decides, gaps in the
channel advice, and uncovered sources and catalog entries. Rules may suppress
a warning about themselves with a reason; suppressed findings stay listed.

Example
-------
>>> from advisor.audit import run
>>> findings = run()                      # the shipped rules/ and knowledge/
>>> all(f.code.startswith("A") for f in findings)
True

Stage: audit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

from .finding import Finding, Severity

__all__ = ["run", "AuditResult", "Finding", "Severity", "resolve_inputs", "summary"]


def resolve_inputs(paths: Sequence[Path | str] = (), knowledge: Path | str | None = None) -> tuple[list[Path], Path]:
    """The rule files/folders and the knowledge folder to audit.

    Without ``paths``, the shipped rules; without ``knowledge``, the shipped
    catalogs. A folder holding ``fields.yaml`` and ``sources.yaml`` among the
    paths is taken as the knowledge folder, and a folder holding ``rules/``
    and ``knowledge/`` as both. Raises :class:`~advisor.errors.InputError`
    (exit status 2) for a path that does not exist.
    """
    from advisor.errors import InputError, Location
    from advisor.kb import default_paths

    default_knowledge, default_rules = default_paths()
    # The shipped folders are shown relative to the working directory: no absolute paths in outputs.
    default_knowledge, default_rules = _relative(default_knowledge, always=True), _relative(default_rules, always=True)
    rules: list[Path] = []
    found_knowledge = Path(knowledge) if knowledge is not None else None
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError("rule file or folder not found", code="E100", location=Location(str(path)),
                             expected="a rule file (*.yaml) or a folder of them")
        if path.is_dir() and (path / "fields.yaml").is_file() and (path / "sources.yaml").is_file():
            if found_knowledge is None:
                found_knowledge = path
            continue
        if path.is_dir() and (path / "rules").is_dir() and (path / "knowledge").is_dir():
            rules.append(path / "rules")
            if found_knowledge is None:
                found_knowledge = path / "knowledge"
            continue
        rules.append(_relative(path))
    if found_knowledge is not None:
        found_knowledge = _relative(found_knowledge)
    return (rules or [default_rules]), (found_knowledge or default_knowledge)


def run(paths: Sequence[Path | str] = (), knowledge: Path | str | None = None, *,
        gap_fields: Iterable[str] | None = None) -> "AuditResult":
    """Audit a rule base; every finding, suppressed ones included (``suppressed`` holds the reason), sorted.

    Raises :class:`~advisor.errors.InputError` when the input cannot be read
    at all: a missing path, a malformed knowledge folder, no rule files.
    """
    from advisor.kb import gc_paused

    with gc_paused():  # millions of long-lived objects: full collections would only rescan them
        return _run(paths, knowledge, gap_fields)


def _run(paths: Sequence[Path | str], knowledge: Path | str | None, gap_fields: Iterable[str] | None) -> "AuditResult":
    from advisor.errors import KnowledgeError, Location
    from advisor.kb import load_catalog, load_fields, load_rule_base

    from .checks import families
    from .context import DEFAULT_GAP_FIELDS, AuditContext

    rule_paths, knowledge_dir = resolve_inputs(paths, knowledge)
    if not knowledge_dir.is_dir():
        raise KnowledgeError("knowledge folder not found", code="E400", location=Location(str(knowledge_dir)),
                             expected="a folder holding fields.yaml, sources.yaml and catalog files")
    catalog = load_catalog(knowledge_dir)
    fields_path = knowledge_dir / "fields.yaml"
    if not fields_path.is_file():
        raise KnowledgeError("knowledge folder has no fields.yaml", code="E400", location=Location(str(knowledge_dir)))
    fieldset = load_fields(fields_path, catalog)
    if gap_fields is not None:
        gap_fields = tuple(gap_fields)
        _check_gap_fields(gap_fields, fieldset)
    loaded = load_rule_base(rule_paths, fieldset, catalog, strict=False)
    ctx = AuditContext(fieldset, catalog, knowledge_dir, loaded,
                       gap_fields if gap_fields is not None else DEFAULT_GAP_FIELDS)
    findings: list[Finding] = []
    for family in families():
        if hasattr(family, "run"):
            findings.extend(family.run(ctx))
    for family in families():
        if hasattr(family, "finalize"):
            findings = family.finalize(ctx, findings)
    findings = _withhold_knock_on(findings)
    unique = {(f.code, f.location, f.message): f for f in findings}
    bases = {basis: sum(1 for r in loaded.rules.rules if r.basis == basis) for basis in ("source", "reading",
                                                                                     "assumption", "")}
    return AuditResult(sorted(unique.values(), key=Finding.sort_key), files=loaded.rules.files,
                       rule_count=len(loaded.rules.rules), bases=bases)


#: Findings that a rule file which cannot be read may have caused: they say something is missing
#: (a fact nobody derives, declares or tests, a passage nobody cites, an entry nobody concludes, a
#: combination nobody advises, a practice nobody establishes, the English of a translated id), and the
#: unreadable file may hold it.
KNOCK_ON_CODES = ("A202", "A301", "A302", "A303", "A701", "A801", "A802", "A821", "A833")


def _withhold_knock_on(findings: list[Finding]) -> list[Finding]:
    """When a rule file cannot be read or parsed (A100, A101), drop the findings that its definitions
    could answer and say so once, on the first such file's finding."""
    from dataclasses import replace

    broken = sorted((f for f in findings if f.code in ("A100", "A101")), key=Finding.sort_key)
    if not broken:
        return findings
    kept = [f for f in findings if f.code not in KNOCK_ON_CODES]
    withheld = len(findings) - len(kept)
    if withheld:
        first = broken[0]
        note = (f" - {withheld} finding{'s' if withheld != 1 else ''} that what this file defines could answer "
                f"({', '.join(sorted({f.code for f in findings if f.code in KNOCK_ON_CODES}))}) "
                f"{'are' if withheld != 1 else 'is'} withheld until every rule file can be read")
        kept = [replace(f, message=f.message + note) if f is first else f for f in kept]
    return kept


def _check_gap_fields(names: tuple[str, ...], fieldset) -> None:
    from advisor.errors import InputError, did_you_mean

    for name in names:
        f = fieldset.get(name)
        if f is None:
            raise InputError(f"--gap-fields: unknown field {name!r}", code="E500",
                             expected="choice or yes/no fields of knowledge/fields.yaml",
                             suggestion=did_you_mean(name, fieldset.names()))
        if f.type not in ("choice", "boolean"):
            kind = "a list" if f.type == "multi" else "a number"
            raise InputError(f"--gap-fields: {name!r} is {kind} field", code="E500",
                             expected="choice or yes/no fields, whose answers can be listed")


class AuditResult(list):
    """The sorted findings of one audit, with what was audited (``files``, ``rule_count``) and how its
    rules stand to the text (``bases``: rules per basis, ``""`` for rules that do not say)."""

    def __init__(self, findings: Iterable[Finding] = (), *, files: Sequence[str] = (), rule_count: int = 0,
                 bases: dict[str, int] | None = None) -> None:
        super().__init__(findings)
        self.files = tuple(files)
        self.rule_count = rule_count
        self.bases = dict(bases or {})


def _relative(path: Path, always: bool = False) -> Path:
    """``path`` relative to the working directory when it lies inside it (or ``always``)."""
    import os

    if not path.is_absolute():
        return path
    relative = os.path.relpath(path)
    return Path(relative) if always or not relative.startswith("..") else path


def summary(findings: Iterable[Finding]) -> dict[str, int]:
    """Counts of active findings by severity, and of suppressed ones."""
    counts = {"error": 0, "warning": 0, "info": 0, "suppressed": 0}
    for f in findings:
        if f.suppressed:
            counts["suppressed"] += 1
        else:
            counts[f.severity.value] += 1
    return counts
