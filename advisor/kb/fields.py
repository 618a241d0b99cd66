"""Profile field definitions: the one declaration behind validation, questions and audit.

``knowledge/fields.yaml`` declares every field a business profile can hold.
From it come the profile JSON Schema (:func:`profile_schema`, shipped as
``advisor/schemas/profile.schema.json``), the questionnaire's questions and the
audit's knowledge of which values a rule may compare a field with.

Stage: kb.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor import schemas
from advisor.errors import KnowledgeError
from advisor.io import load_yaml_file

from .catalog import Catalog

__all__ = ["Choice", "Field", "Group", "Goal", "Practice", "FieldSet", "load_fields", "profile_schema", "META_KEYS"]

#: Keys a profile may hold besides fields. ``skipped`` lists the questions a
#: person answered "don't know" in `advisor ask`, so a resumed interview does
#: not ask them again; the advisor treats those fields as unanswered.
META_KEYS = ("$schema", "name", "notes", "skipped")


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    help: str = ""
    #: for a goal a profile states (``promotion_goals``): the catalog goals an item must serve to serve it
    serves: tuple[str, ...] = ()


@dataclass(frozen=True)
class Group:
    id: str
    label: str


@dataclass(frozen=True)
class Goal:
    """A goal catalog items serve (``goals:`` of a channel, tactic or plan step)."""

    id: str
    label: str


@dataclass(frozen=True)
class Practice:
    """Something a business runs or not - its own site, a WeChat account, paid promotion.

    A catalog item ``presupposes`` a practice when advising it means continuing or
    tuning that practice; a rule conclusion starts one (``start:``) when its note
    advises starting it. ``runs`` is the raw condition (rule syntax) under which the
    answers say the business runs it; the knowledge base parses it.
    """

    id: str
    label: str
    runs: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class Field:
    """One profile field."""

    id: str
    type: str  # choice, multi, integer, number, boolean
    group: str
    label: str
    description: str
    question: str
    help: str = ""
    choices: tuple[Choice, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""
    default: Any = None
    ask_if: Any = field(default=None, compare=False)  # raw condition; parsed by the loader
    order: int = 0

    @property
    def is_list(self) -> bool:
        return self.type == "multi"

    @property
    def is_numeric(self) -> bool:
        return self.type in ("integer", "number")

    def choice_ids(self) -> list[str]:
        return [c.id for c in self.choices]

    def label_of(self, value: Any) -> str:
        """The human label of one value of this field."""
        for choice in self.choices:
            if choice.id == value:
                return choice.label
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return f"{value} {self.unit}".strip() if self.is_numeric else str(value)

    def domain(self) -> list[Any] | None:
        """Every value a single answer can take, or None for numbers."""
        if self.type in ("choice", "multi"):
            return self.choice_ids()
        if self.type == "boolean":
            return [False, True]
        return None


@dataclass(frozen=True)
class FieldSet:
    """The profile's fields, in questionnaire order."""

    fields: tuple[Field, ...]
    groups: tuple[Group, ...]
    path: str = ""
    goals: tuple[Goal, ...] = ()
    practices: tuple[Practice, ...] = ()

    def get(self, name: str) -> Field | None:
        return self._index().get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._index()

    def names(self) -> list[str]:
        return [f.id for f in self.fields]

    def goal(self, goal_id: str) -> Goal | None:
        return next((g for g in self.goals if g.id == goal_id), None)

    def practice(self, practice_id: str) -> Practice | None:
        return next((p for p in self.practices if p.id == practice_id), None)

    def _index(self) -> dict[str, Field]:
        cached = self.__dict__.get("_by_id")
        if cached is None:
            cached = {f.id: f for f in self.fields}
            object.__setattr__(self, "_by_id", cached)
        return cached


def load_fields(path: Path | str, catalog: Catalog) -> FieldSet:
    """Load and check ``fields.yaml``; ``choices_from`` is filled from ``catalog``."""
    data, marks = load_yaml_file(path, error=KnowledgeError)
    problem = schemas.first_problem(data, "fields")
    if problem is not None:
        raise KnowledgeError(problem.message, code="E400", location=marks.location(problem.path, key=problem.key),
                             expected=problem.expected, suggestion=problem.suggestion)
    groups = tuple(Group(g["id"], g["label"]) for g in data["groups"])
    group_ids = {g.id for g in groups}
    fields: list[Field] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["fields"]):
        where = ("fields", index)

        def fail(message: str, sub: tuple = ()) -> KnowledgeError:
            return KnowledgeError(f"field {raw['id']!r}: {message}", code="E400", location=marks.location(where + sub))

        if raw["id"] in seen:
            raise fail("is defined twice", ("id",))
        seen.add(raw["id"])
        if raw["group"] not in group_ids:
            raise fail(f"unknown group {raw['group']!r}", ("group",))
        choices: tuple[Choice, ...] = ()
        if "choices" in raw:
            choices = tuple(Choice(c["id"], c["label"], c.get("help", ""), tuple(c.get("serves", ())))
                            for c in raw["choices"])
            ids = [c.id for c in choices]
            if len(set(ids)) != len(ids):
                raise fail("repeats a choice id", ("choices",))
        elif "choices_from" in raw:
            kind = raw["choices_from"].rstrip("s")
            choices = tuple(Choice(i.id, i.name, i.description) for i in catalog.items_of(kind))
            if not choices:
                raise fail(f"takes its choices from the {kind} catalog, which is empty", ("choices_from",))
        ftype = raw["type"]
        minimum, maximum = raw.get("minimum"), raw.get("maximum")
        if minimum is not None and maximum is not None and minimum > maximum:
            raise fail("minimum is greater than maximum", ("minimum",))
        result = Field(
            id=raw["id"], type=ftype, group=raw["group"], label=raw["label"],
            description=" ".join(raw["description"].split()), question=" ".join(raw["question"].split()),
            help=" ".join(raw.get("help", "").split()), choices=choices, minimum=minimum, maximum=maximum,
            unit=raw.get("unit", ""),
            default=tuple(raw["default"]) if isinstance(raw.get("default"), list) else raw.get("default"), ask_if=raw.get("ask_if"), order=index,
        )
        if result.default is not None:
            problem = check_value(result, list(result.default) if result.is_list else result.default)
            if problem:
                raise fail(f"default {result.default!r}: {problem}", ("default",))
        fields.append(result)
    goals = tuple(Goal(g["id"], g["label"]) for g in data.get("goals", ()))
    goal_ids = {g.id for g in goals}
    for index, f in enumerate(fields):
        for c_index, choice in enumerate(f.choices):
            unknown = [g for g in choice.serves if g not in goal_ids]
            if unknown:
                raise KnowledgeError(f"field {f.id!r} choice {choice.id!r}: unknown goal {unknown[0]!r}", code="E400",
                                     location=marks.location(("fields", index, "choices", c_index, "serves")),
                                     expected="one of the goals listed under goals: " + ", ".join(sorted(goal_ids)))
    practices = tuple(Practice(p["id"], p["label"], p["runs"]) for p in data.get("practices", ()))
    if len({p.id for p in practices}) != len(practices):
        raise KnowledgeError("a practice is listed twice", code="E400", location=marks.location(("practices",)))
    return FieldSet(tuple(fields), groups, str(path), goals, practices)


def check_value(f: Field, value: Any) -> str | None:
    """None when ``value`` is a valid answer for ``f``, else what is wrong (for defaults)."""
    if f.type == "boolean":
        return None if isinstance(value, bool) else "expected true or false"
    if f.is_numeric:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "expected a number"
        if f.type == "integer" and value != int(value):
            return "expected a whole number"
        if (f.minimum is not None and value < f.minimum) or (f.maximum is not None and value > f.maximum):
            return f"expected a number from {f.minimum:g} to {f.maximum:g}"
        return None
    allowed = set(f.choice_ids())
    if f.type == "multi":
        if not isinstance(value, list):
            return "expected a list"
        bad = [v for v in value if v not in allowed]
        return f"{bad[0]!r} is not a choice" if bad else None
    return None if value in allowed else "not one of the choices"


def profile_schema(fields: FieldSet) -> dict[str, Any]:
    """The JSON Schema of a business profile, derived from the field definitions."""
    properties: dict[str, Any] = {
        "$schema": {"type": "string"},
        "name": {"type": "string", "maxLength": 200, "description": "The business's name, shown in reports."},
        "notes": {"type": "string", "maxLength": 10000, "description": "Free text; the advisor ignores it."},
        "skipped": {"type": "array", "items": {"enum": fields.names()}, "uniqueItems": True,
                    "description": "Questions answered \"don't know\" in `advisor ask`; treated as unanswered."},
    }
    for f in fields.fields:
        prop: dict[str, Any] = {"title": f.label, "description": f.description}
        if f.type == "choice":
            prop["enum"] = f.choice_ids()
        elif f.type == "multi":
            prop.update(type="array", items={"enum": f.choice_ids()}, uniqueItems=True)
        elif f.type == "boolean":
            prop["type"] = "boolean"
        else:
            prop.update(type=f.type, minimum=f.minimum, maximum=f.maximum)
        properties[f.id] = prop
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://marketing-advisor.example/schemas/profile.schema.json",
        "title": "marketing-advisor business profile",
        "description": "Generated from knowledge/fields.yaml by `advisor schema profile`; do not edit by hand.",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
