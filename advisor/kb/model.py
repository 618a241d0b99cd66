"""The typed model every stage shares: rules, conditions, conclusions, citations, firings.

Rule files are parsed into these frozen records by :mod:`advisor.kb.loader`; the
compiler (durable-rules), the reference evaluator, the audit, the graph and the
explanations all read them, never the raw YAML. Each record that came from a
file keeps its :class:`~advisor.errors.Location`.

Semantics (docs/rules.md has the full text):

* a test on a field is false when the field is unanswered, except
  ``answered: false``;
* ``not`` is plain negation, so ``not {field: f, equals: x}`` holds when ``f``
  is unanswered; ``not_in`` requires an answer;
* ``{fact: x}`` holds when derived fact ``x`` has the value ``true``;
* a derived fact takes the value of the highest-priority rule that derives it
  (ties: the rule id that sorts first).

Stage: kb.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Union

from advisor.errors import Location
from advisor.i18n import _

__all__ = [
    "BASES",
    "OPERATORS",
    "FIELD_ONLY_OPERATORS",
    "Test",
    "All",
    "Any_",
    "Not",
    "Condition",
    "Citation",
    "Conclusion",
    "Rule",
    "RuleBase",
    "Match",
    "Firing",
    "lazy_firing",
    "iter_tests",
    "STRENGTHS",
    "SEVERITIES",
    "ROLES",
]

#: how a rule stands to its sources, strongest first; "reading" and "assumption" are the advisor's judgement
BASES = ("source", "reading", "assumption")

#: Operators of a test, as written in rule files.
OPERATORS = (
    "equals",
    "in",
    "not_in",
    "less_than",
    "at_most",
    "greater_than",
    "at_least",
    "between",
    "contains",
    "contains_any",
    "contains_all",
    "answered",
)
FIELD_ONLY_OPERATORS = ("contains", "contains_any", "contains_all")

#: Recommendation strengths, strongest first, with their ranking weight.
STRENGTHS = {"essential": 4, "strong": 3, "moderate": 2, "optional": 1}
SEVERITIES = {"high": 3, "medium": 2, "low": 1}
ROLES = ("promotion", "sales", "retention", "service", "brand", "research")


@dataclass(frozen=True)
class Test:
    """One test on a profile field (``kind='field'``) or a derived fact (``kind='fact'``).

    ``op`` is one of :data:`OPERATORS`; ``between`` is stored as two tests,
    ``contains_all`` as several ``contains``.
    """

    kind: str
    name: str
    op: str
    value: Any
    location: Location | None = field(default=None, compare=False)

    def describe(self) -> str:
        """The test in words, e.g. ``price_level is one of high, luxury``."""
        subject = self.name if self.kind == "field" else _("fact {name}").format(name=self.name)
        value = self.value
        if isinstance(value, (list, tuple)):
            value = _(", ").join(map(_word, value))
        else:
            value = _word(value)
        phrases = {
            "equals": _("{subject} is {value}"),
            "in": _("{subject} is one of {value}"),
            "not_in": _("{subject} is answered and not one of {value}"),
            "less_than": "{subject} < {value}",
            "at_most": "{subject} <= {value}",
            "greater_than": "{subject} > {value}",
            "at_least": "{subject} >= {value}",
            "contains": _("{subject} includes {value}"),
            "contains_any": _("{subject} includes any of {value}"),
            "answered": _("{subject} is answered") if self.value else _("{subject} is unanswered"),
        }
        if self.kind == "fact" and self.op == "equals" and self.value is True:
            return _("{name} holds").format(name=self.name)
        return phrases.get(self.op, "{subject} " + self.op + " {value}").format(subject=subject, value=value)


@dataclass(frozen=True)
class All:
    """All of the conditions hold."""

    items: tuple["Condition", ...]
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Any_:
    """At least one of the conditions holds."""

    items: tuple["Condition", ...]
    location: Location | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Not:
    """The condition does not hold."""

    item: "Condition"
    location: Location | None = field(default=None, compare=False)


Condition = Union[Test, All, Any_, Not]


def iter_tests(condition: Condition | None) -> Iterator[Test]:
    """Every test inside ``condition``, in written order."""
    if condition is None:
        return
    if isinstance(condition, Test):
        yield condition
    elif isinstance(condition, Not):
        yield from iter_tests(condition.item)
    else:
        for item in condition.items:
            yield from iter_tests(item)


@dataclass(frozen=True, order=True)
class Citation:
    """A document id and a section id of ``knowledge/sources.yaml``, and the words quoted from it.

    ``quotes`` are the sentences of the section that carry the rule, as the
    document writes them (the loader checks that the section holds each).
    """

    doc: str
    section: str
    location: Location | None = field(default=None, compare=False)
    quotes: tuple[str, ...] = ()

    def key(self) -> str:
        return f"{self.doc}#{self.section}"


@dataclass(frozen=True)
class Conclusion:
    """What a rule concludes.

    ``kind`` is one of ``derive``, ``recommend``, ``avoid``, ``warn``, ``step``,
    ``kpi``; ``target`` is the derived fact's name or the catalog item's id.
    """

    kind: str
    target: str
    value: Any = True  # derive
    role: str | None = None  # recommend
    strength: str | None = None  # recommend
    severity: str | None = None  # warn
    note: str | None = None
    kpi_target: str | None = None  # kpi
    location: Location | None = field(default=None, compare=False)
    #: recommend/step: the practice (fields.yaml ``practices``) this advice starts - its note says so
    start: str | None = None


@dataclass(frozen=True)
class Rule:
    """One rule of the knowledge base."""

    id: str
    title: str
    when: Condition | None
    then: tuple[Conclusion, ...]
    because: str
    sources: tuple[Citation, ...]
    priority: int = 50
    area: str = ""
    suppress: tuple[tuple[str, str], ...] = ()
    location: Location | None = field(default=None, compare=False)
    #: ``source`` (the text says it), ``reading`` (our interpretation of the text) or
    #: ``assumption`` (a threshold or default the text does not give); "" when the file does not say
    basis: str = ""
    #: for a reading or an assumption: what the text says and what the advisor adds
    judgement: str = ""
    #: the one platform (a brand of ``knowledge/markets.yaml``) the advice holds for alone; "" for most rules
    platform: str = ""

    def tests(self) -> list[Test]:
        return list(iter_tests(self.when))

    def fields_used(self) -> set[str]:
        return {t.name for t in self.tests() if t.kind == "field"}

    def facts_used(self) -> set[str]:
        return {t.name for t in self.tests() if t.kind == "fact"}

    def facts_derived(self) -> set[str]:
        return {c.target for c in self.then if c.kind == "derive"}


@dataclass(frozen=True)
class RuleBase:
    """All rules of a knowledge base, with the derived facts their files declare."""

    rules: tuple[Rule, ...]
    facts: dict[str, str]  # derived fact -> what it means
    files: tuple[str, ...]
    #: derived fact -> the rule file that declares it (its ``facts:``), for its translation
    fact_files: dict[str, str] = field(default_factory=dict)

    def by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}


@dataclass(frozen=True)
class Match:
    """One way a rule's condition was satisfied: the facts the engine matched.

    ``facts`` are keys such as ``answer:price_level``, ``member:offline_channels=physical_stores``
    or ``derived:high_value``, each with the value that was matched.
    """

    facts: tuple[tuple[str, Any], ...]


class Firing(tuple):
    """A rule that fired for a profile, with every match the engine reported.

    ``matches`` may be given, or read on first use: ``read(source)`` is then
    called once to produce them (the engine reads only which rules fired while
    it runs, and leaves what they matched to the readers that need it). A
    firing is immutable (a tuple underneath, so that the engine can make one
    in a single C call, see :func:`lazy_firing`); two firings are equal when
    rule, level and matches are.
    """

    __slots__ = ()

    def __new__(cls, rule_id: str, level: int, matches: tuple[Match, ...] = (), *,
                read: Callable[[Any], tuple[Match, ...]] | None = None, source: Any = None) -> "Firing":
        return tuple.__new__(cls, (rule_id, level, [matches] if read is None else [None, read, source]))

    @property
    def rule_id(self) -> str:
        return self[0]

    @property
    def level(self) -> int:
        return self[1]

    @property
    def matches(self) -> tuple[Match, ...]:
        cell = self[2]
        if len(cell) == 3:  # not read yet
            cell[:] = [cell[1](cell[2])]
        return cell[0]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Firing):
            return NotImplemented
        return self[0] == other[0] and self[1] == other[1] and self.matches == other.matches

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash((self[0], self[1], self.matches))

    def __repr__(self) -> str:
        return f"Firing(rule_id={self[0]!r}, level={self[1]!r}, matches={self.matches!r})"

    def __getnewargs__(self) -> tuple:  # type: ignore[override]
        return (self[0], self[1], self.matches)

    def __reduce__(self) -> tuple:
        return (Firing, (self[0], self[1], self.matches))

    def fact_keys(self) -> list[str]:
        seen: dict[str, None] = {}
        for match in self.matches:
            for key, _v in match.facts:
                seen.setdefault(key, None)
        return list(seen)


_new_tuple = tuple.__new__


def lazy_firing(rule_id: str, level: int, read: Callable[[Any], tuple[Match, ...]], source: Any) -> Firing:
    """A :class:`Firing` whose matches are ``read(source)``, read when first asked for."""
    return _new_tuple(Firing, (rule_id, level, [None, read, source]))


def _word(value: Any) -> str:
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)
