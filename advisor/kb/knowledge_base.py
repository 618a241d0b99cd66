"""A knowledge base: profile fields, catalogs, rules and their compiled form, loaded together.

``knowledge/`` (fields, sources, catalogs) and ``rules/`` ship at the top of
the repository; in an installed wheel they travel inside the package as
``advisor/_kb/``. :func:`load_knowledge_base` finds them, checks everything
(first problem raised, see :mod:`advisor.kb.loader`), compiles the rules for the
engine and caches the result (:mod:`advisor.kb.cache`).

Stage: kb.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from advisor import schemas
from advisor.errors import KnowledgeError, Location
from advisor.io import Marks
from advisor.version import __version__

from . import cache
from .catalog import Catalog, check_ordering, load_catalog
from .compiled import CompiledBase
from .fields import FieldSet, load_fields
from .loader import gc_paused, load_rule_base, parse_condition, rule_files
from .markets import Markets, load_markets
from .model import Condition, RuleBase

__all__ = ["KnowledgeBase", "default_paths", "load_knowledge_base", "record_types"]


@dataclass(frozen=True)
class KnowledgeBase:
    fields: FieldSet
    catalog: Catalog
    rules: RuleBase
    compiled: CompiledBase
    ask_if: dict[str, Condition] = field(default_factory=dict)
    fingerprint: str = ""
    #: practice id -> the condition under which the answers say the business runs it (fields.yaml ``practices``)
    practices: dict[str, Condition] = field(default_factory=dict)
    #: knowledge/markets.yaml: the platforms that fill each concept per market (cached with the rest)
    markets: Markets | None = None

    def rule(self, rule_id: str):
        index = self.__dict__.get("_rules_by_id")
        if index is None:
            index = self.rules.by_id()
            object.__setattr__(self, "_rules_by_id", index)
        return index.get(rule_id)


def record_types() -> dict[str, type]:
    """The record types a cache entry of a knowledge base may hold (see :mod:`advisor.kb.knowledge_base.cache`)."""
    from . import catalog, compiled, fields, markets, model

    classes = [
        model.Test, model.All, model.Any_, model.Not, model.Citation, model.Conclusion, model.Rule,
        model.RuleBase, catalog.Section, catalog.Document, catalog.Item, catalog.Catalog,
        fields.Choice, fields.Group, fields.Goal, fields.Practice, fields.Field, fields.FieldSet, catalog.Ground,
        compiled.Shard, compiled.CompiledBase, markets.Markets,
        KnowledgeBase,
    ]
    return {cls.__name__: cls for cls in classes}


def default_paths() -> tuple[Path, Path]:
    """The shipped ``knowledge/`` and ``rules/`` folders (source tree or installed package)."""
    package = Path(__file__).resolve().parent.parent  # advisor/
    top = package.parent
    if (top / "knowledge" / "fields.yaml").is_file() and (top / "rules").is_dir():
        return top / "knowledge", top / "rules"
    return package / "_kb" / "knowledge", package / "_kb" / "rules"


def _knowledge_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


def load_knowledge_base(
    knowledge: Path | str | None = None,
    rules: Iterable[Path | str] | None = None,
    extra_rules: Iterable[Path | str] = (),
    *,
    use_cache: bool = True,
) -> KnowledgeBase:
    """Load, check and compile a knowledge base.

    Parameters
    ----------
    knowledge : folder with fields.yaml, sources.yaml and catalogs (default: shipped).
    rules : rule files or folders replacing the shipped rules.
    extra_rules : rule files or folders added to ``rules``.
    use_cache : read and write the compiled form in the on-disk cache.
    """
    default_knowledge, default_rules = default_paths()
    knowledge_dir = Path(knowledge) if knowledge is not None else default_knowledge
    rule_paths = [Path(p) for p in (rules if rules is not None else [default_rules])] + [Path(p) for p in extra_rules]
    if not knowledge_dir.is_dir():
        raise KnowledgeError("knowledge folder not found", code="E400", location=Location(str(knowledge_dir)),
                             expected="a folder holding fields.yaml, sources.yaml and catalog files")
    for path in rule_paths:
        if not path.exists():
            raise KnowledgeError("rule file or folder not found", code="E100", location=Location(str(path)))
    files = _knowledge_files(knowledge_dir) + rule_files(rule_paths)
    key = cache.content_key(__version__, files, extra="\n".join(str(p) for p in files))
    if use_cache:
        with gc_paused():  # a big base decodes into many objects: half of a warm 10,000-rule load otherwise
            cached = cache.load(key, record_types(), lambda value: value if isinstance(value, KnowledgeBase) else None)
        if cached is not None:
            return cached
    catalog = load_catalog(knowledge_dir)
    fields_path = knowledge_dir / "fields.yaml"
    if not fields_path.is_file():
        raise KnowledgeError("knowledge folder has no fields.yaml", code="E400", location=Location(str(knowledge_dir)))
    fieldset = load_fields(fields_path, catalog)
    practices = _practices(fieldset)
    check_ordering(catalog, fieldset)
    from .compiler import compile_rules  # the cold path only: a cached base is already compiled

    with gc_paused():  # see loader.gc_paused: a third of a big cold load otherwise
        result = load_rule_base(rule_paths, fieldset, catalog, strict=True)
        compiled = compile_rules(result.rules, fieldset, prefix="kb")
        kb = KnowledgeBase(fieldset, catalog, result.rules, compiled, _ask_if(fieldset), key, practices,
                           load_markets(knowledge_dir))
        if use_cache:
            cache.store(key, kb)
    return kb


def _condition(fieldset: FieldSet, raw: object, where: tuple, what: str) -> Condition | None:
    """A condition written in fields.yaml (an ``ask_if``, a practice's ``runs``), parsed; E400 on a problem."""
    marks = Marks(fieldset.path)

    def report(message: str, code: str, rel: tuple, **kw: object) -> None:
        raise KnowledgeError(f"{what}: {message}", code="E400",
                             location=Location(fieldset.path), expected=kw.get("expected"),  # type: ignore[arg-type]
                             suggestion=kw.get("suggestion"))  # type: ignore[arg-type]

    problem = schemas.first_problem(raw, "rule", "condition")
    if problem is not None:
        report(problem.message, "E400", problem.path, expected=problem.expected, suggestion=problem.suggestion)
    return parse_condition(raw, where, marks, fieldset, report_at=report)


def _ask_if(fieldset: FieldSet) -> dict[str, Condition]:
    out: dict[str, Condition] = {}
    for index, f in enumerate(fieldset.fields):
        if f.ask_if is None:
            continue
        condition = _condition(fieldset, f.ask_if, ("fields", index, "ask_if"), f"field {f.id!r} > ask_if")
        if condition is not None:
            out[f.id] = condition
    return out


def _practices(fieldset: FieldSet) -> dict[str, Condition]:
    out: dict[str, Condition] = {}
    for index, practice in enumerate(fieldset.practices):
        condition = _condition(fieldset, practice.runs, ("practices", index, "runs"),
                               f"practice {practice.id!r} > runs")
        if condition is not None:
            out[practice.id] = condition
    return out
