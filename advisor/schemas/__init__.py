"""The shipped JSON Schemas and one way of checking data against them.

The schema files in this folder are the values editors and the loaders share:
``rule.schema.json`` (rule files), ``profile.schema.json`` (business profiles,
generated from ``knowledge/fields.yaml`` by :func:`advisor.kb.fields.profile_schema`),
``fields.schema.json``, ``catalog.schema.json`` and ``sources.schema.json``.

:func:`problems` runs :mod:`jsonschema` and turns each error into a plain
sentence with the data path it concerns, so callers can attach a file
position (see :class:`advisor.io.limits.Marks`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator

from advisor.errors import close_matches

__all__ = ["load", "Problem", "problems", "first_problem"]


@lru_cache(maxsize=None)
def load(name: str) -> dict[str, Any]:
    """The schema ``<name>.schema.json`` shipped with the package."""
    text = resources.files(__package__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=None)
def _validator(name: str, definition: str | None = None) -> Any:
    import jsonschema  # heavy import, only when something is validated

    schema = load(name)
    if definition is not None:  # validate against one of the schema's $defs
        schema = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"}
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


@dataclass(frozen=True)
class Problem:
    """One schema violation: where in the data, what is wrong, what would be right."""

    path: tuple
    message: str
    expected: str | None = None
    suggestion: str | None = None
    key: bool = False  # the problem is the key at ``path`` (an unknown property)
    validator: str = ""  # the JSON Schema keyword that failed


@lru_cache(maxsize=None)
def _fast_validator(name: str, definition: str | None = None) -> Any:
    """The schema compiled to Python by fastjsonschema (None when it is not installed)."""
    try:
        import fastjsonschema
    except ImportError:
        return None
    # a deep copy: fastjsonschema rewrites the references of the schema it is given
    schema = json.loads(json.dumps(load(name)))
    if definition is not None:
        schema = {"$id": schema["$id"], "$defs": schema["$defs"], "$ref": f"#/$defs/{definition}"}
    try:
        # every $ref is inside the document; a handler that refuses keeps it off the network
        return fastjsonschema.compile(schema, handlers={"http": _no_fetch, "https": _no_fetch})
    except Exception:  # a schema it cannot compile: jsonschema alone then
        return None


def _no_fetch(uri: str) -> Any:
    raise ValueError(f"schemas are never fetched ({uri})")


def problems(data: Any, name: str, definition: str | None = None) -> list[Problem]:
    """All violations of schema ``name`` (or of its ``$defs/definition``) by ``data``, in path order.

    Data that fastjsonschema (when installed) accepts has none; only data it
    refuses pays for jsonschema, which explains each problem.
    """
    check = _fast_validator(name, definition)
    if check is not None:
        try:
            check(data)
            return []
        except Exception:  # fastjsonschema.JsonSchemaException: jsonschema says what is wrong
            pass
    validator = _validator(name, definition)
    found = [_explain(error) for error in validator.iter_errors(data)]
    return sorted(found, key=lambda p: (_sort_key(p.path), p.message))


def first_problem(data: Any, name: str, definition: str | None = None) -> Problem | None:
    """The violation to show when only one can be shown (the earliest in the file)."""
    found = problems(data, name, definition)
    return found[0] if found else None


def _sort_key(path: tuple) -> tuple:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in path)


def _leaves(error: Any) -> Iterator[Any]:
    """The most specific errors under a oneOf/anyOf failure."""
    if error.context:
        # Prefer the alternative that got furthest: its errors lie deepest.
        deepest = max(len(e.absolute_path) for e in error.context)
        for sub in error.context:
            if len(sub.absolute_path) == deepest:
                yield from _leaves(sub)
    else:
        yield error


def _explain(error: Any) -> Problem:
    problem = _explain_inner(error)
    if problem.validator:
        return problem
    return Problem(problem.path, problem.message, problem.expected, problem.suggestion, problem.key,
                   _leaf_validator(error))


def _leaf_validator(error: Any) -> str:
    if error.validator in ("oneOf", "anyOf") and error.context:
        return "oneOf"
    return str(error.validator)


def _explain_inner(error: Any) -> Problem:
    if (error.validator in ("oneOf", "anyOf") and error.context and isinstance(error.instance, dict)
            and all(e.validator == "required" for e in error.context)):
        wanted = sorted({e.validator_value[0] for e in error.context})
        present = sorted(map(str, error.instance))
        near = next((m for key in present for m in close_matches(key, wanted, n=1)), None)
        shown = ", ".join(present) if present else "nothing"
        return Problem(tuple(error.absolute_path), f"has {shown}, but needs one of the keys: {', '.join(wanted)}",
                       _oneof_expected(error), near, validator="required")
    if error.validator in ("oneOf", "anyOf") and error.context:
        candidates = list(_leaves(error))
        # an unknown key says most; then anything that is not a bare "required"
        candidates.sort(key=lambda e: (e.validator != "additionalProperties", e.validator == "required", e.message))
        inner = candidates[0]
        if inner.validator in ("additionalProperties", "enum", "pattern", "type", "minLength", "minItems",
                               "minimum", "maximum", "const", "uniqueItems", "maxItems"):
            return _explain(inner)
        return Problem(tuple(error.absolute_path), _oneof_message(error), _oneof_expected(error), validator="oneOf")
    path = tuple(error.absolute_path)
    validator = error.validator
    if validator == "additionalProperties":
        allowed = sorted((error.schema.get("properties") or {}).keys())
        # keys may be of any YAML type (a bare `?` makes a null key): text first, then the rest as written
        extra = sorted(set(error.instance) - set(allowed), key=lambda k: (not isinstance(k, str), str(k))) \
            if isinstance(error.instance, dict) else []
        key = extra[0] if extra else "?"
        near = close_matches(str(key), allowed, n=1)
        return Problem(path + (key,), f"unknown key {key!r}", "one of: " + ", ".join(allowed),
                       near[0] if near else None, key=True)
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return Problem(path, f"missing required key {missing!r}")
    if validator == "enum":
        allowed = [str(v) for v in error.validator_value]
        near = close_matches(str(error.instance), allowed, n=1)
        return Problem(path, f"{error.instance!r} is not allowed", "one of: " + ", ".join(allowed),
                       near[0] if near else None)
    if validator == "type":
        wanted = error.validator_value
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        message = f"{_short(error.instance)} is a {_json_type(error.instance)}"
        if isinstance(error.instance, bool) and "string" in str(wanted):
            message += " (YAML reads unquoted yes/no/on/off/true/false as booleans; put the text in quotes)"
        return Problem(path, message, f"a {wanted}")
    if validator == "pattern":
        return Problem(path, f"{error.instance!r} is not a valid id here",
                       f"text matching {error.validator_value}")
    if validator in ("minimum", "maximum"):
        return Problem(path, f"{error.instance!r} is out of range",
                       f"a number {'at least' if validator == 'minimum' else 'at most'} {error.validator_value}")
    if validator == "minLength":
        return Problem(path, "text is too short", f"at least {error.validator_value} characters")
    if validator == "minItems":
        return Problem(path, "list is too short", f"at least {error.validator_value} item(s)")
    if validator == "maxItems":
        return Problem(path, "list is too long", f"at most {error.validator_value} item(s)")
    if validator == "uniqueItems":
        return Problem(path, "list repeats a value", "each value once")
    if validator == "not":
        return Problem(path, "combines operators that cannot go together", "exactly one operator per test")
    return Problem(path, error.message)


def _oneof_message(error: Any) -> str:
    instance = error.instance
    if isinstance(instance, dict):
        keys = ", ".join(sorted(map(str, instance)))
        return f"{{{keys}}} does not match any allowed form"
    return f"{_short(instance)} does not match any allowed form"


def _oneof_expected(error: Any) -> str | None:
    desc = error.schema.get("description")
    return desc.rstrip(".").lower() if desc else None


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return "null"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:37] + "..."
