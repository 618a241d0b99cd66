"""JSON business profiles -> :class:`Profile`, with errors that name the field.

A profile is a JSON object whose keys are field ids of ``knowledge/fields.yaml``
(plus ``name``, ``notes`` and ``$schema``). Any field may be left out; the
report then says which unanswered fields would unlock more advice.
Validation uses the profile JSON Schema generated from the field definitions.

Stage: inference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from advisor.errors import Location, ProfileError, did_you_mean, unknown_fields_error
from advisor.i18n import N_, _
from advisor.io import MAX_PROFILE_BYTES, find_token, parse_json, read_stream, read_text
from advisor.kb import META_KEYS, FieldSet, profile_schema

from .fastcheck import fast_validator

__all__ = ["Profile", "choice_list", "parse_profile", "range_words", "load_profile", "read_profile_source", "text_problem", "validate_answers"]


@dataclass(frozen=True)
class Profile:
    """A validated business profile: answered fields only, in field order."""

    answers: tuple[tuple[str, Any], ...]
    name: str = ""
    source: str = ""

    def get(self, field: str, default: Any = None) -> Any:
        return dict(self.answers).get(field, default)

    def as_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.answers}

    def answered(self) -> set[str]:
        return {k for k, _ in self.answers}

    def with_answers(self, changes: dict[str, Any], fields: FieldSet) -> "Profile":
        """A copy with ``changes`` applied (a value of None removes the answer)."""
        merged = self.as_dict()
        for key, value in changes.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        if self.name:
            merged["name"] = self.name
        return validate_answers(merged, fields, source=self.source)


@lru_cache(maxsize=8)
def _validator(fields: FieldSet) -> Any:
    import jsonschema

    schema = profile_schema(fields)
    return jsonschema.validators.validator_for(schema)(schema)


_FAST: dict[int, tuple[FieldSet, Any]] = {}


def _surely_valid(data: Any, fields: FieldSet) -> bool:
    # looked up by identity: hashing a FieldSet walks every field and choice
    entry = _FAST.get(id(fields))
    if entry is None or entry[0] is not fields:
        if len(_FAST) > 16:
            _FAST.clear()
        entry = _FAST[id(fields)] = (fields, fast_validator(fields))
    check = entry[1]
    if check is None:
        return False
    try:
        check(data)
    except Exception:  # fastjsonschema.JsonSchemaException and its kin: let jsonschema explain
        return False
    return True


_CODES = {
    "additionalProperties": "E201",
    "type": "E202",
    "enum": "E203",
    "minimum": "E204",
    "maximum": "E204",
    "uniqueItems": "E205",
    "maxLength": "E202",
}


def validate_answers(data: Any, fields: FieldSet, *, source: str = "<profile>", text: str | None = None) -> Profile:
    """Check a parsed JSON value against the profile definition; raise on the first problem.

    Problems are reported in field order, so the same profile always gives the
    same message.
    """
    if not isinstance(data, dict):
        kind = {list: N_("a list"), str: N_("a string"), bool: N_("a boolean"), type(None): N_("null")}.get(
            type(data), N_("a number"))
        raise ProfileError(_("profile is {kind}, not a JSON object").format(kind=_(kind)), code="E200",
                           location=Location(source), expected=_('an object such as {"business_model": "B2C"}'))
    order = {name: i for i, name in enumerate(fields.names())}
    errors = [] if _surely_valid(data, fields) else list(_validator(fields).iter_errors(data))
    if errors:
        def sort_key(error: Any) -> tuple:
            path = list(error.absolute_path)
            key = path[0] if path else None
            if error.validator == "additionalProperties":
                extra = sorted(set(error.instance) - set(fields.names()) - set(META_KEYS))
                key = extra[0] if extra else key
            return (order.get(key, -1 if key not in order else 0), str(key), str(error.validator))

        error = sorted(errors, key=sort_key)[0]
        raise _profile_error(error, fields, source, text)
    for key in _TEXT_KEYS:
        if isinstance(data.get(key), str):
            problem = text_problem(key, data[key])
            if problem is not None:
                problem.location = _where(source, text, key)
                raise problem
    answers = []
    for f in fields.fields:
        if f.id in data:
            value = data[f.id]
            if f.type == "multi":
                value = tuple(value)
            elif f.type == "integer" and isinstance(value, float):
                value = int(value)
            answers.append((f.id, value))
    name = data.get("name", "")
    return Profile(tuple(answers), name if isinstance(name, str) else "", source)


#: the free-text keys of a profile, and the control characters each may hold
_TEXT_KEYS = {"name": "", "notes": "\t\n\r", "$schema": ""}
#: a lone surrogate (half of a UTF-16 pair: JSON's "\ud800" decodes to one), C0 and C1 controls, DEL
_UNWRITABLE = re.compile("[\ud800-\udfff\x00-\x1f\x7f-\x9f]")


def text_problem(key: str, value: str) -> ProfileError | None:
    """The error for free text (``name``, ``notes``) that no report can show as it is, else None.

    Refused: a lone surrogate (which no UTF-8 file can hold) and control characters (an escape
    sequence in a name would restyle, or rewrite, the terminal showing the report); ``notes``
    may hold line breaks and tabs. The caller sets the error's location.
    """
    allowed = _TEXT_KEYS.get(key, "")
    for found in _UNWRITABLE.finditer(value):
        char = found.group()
        if char in allowed:
            continue
        where, point, at = _field(key), f"U+{ord(char):04X}", found.start() + 1
        if "\ud800" <= char <= "\udfff":
            return ProfileError(_("text holds {char} at character {at}, a lone half of a UTF-16 surrogate pair").format(
                                char=point, at=at), code="E206", where=where,
                                expected=_("whole characters (the character itself, or both halves of its \\u pair)"))
        message = _("text holds the control character {char} at character {at}").format(char=point, at=at)
        expected = (_("printable text (line breaks and tabs in {field})") if allowed else
                    _("printable text (no control characters in {field})")).format(field=repr(key))
        return ProfileError(message, code="E206", where=where, expected=expected)
    return None


def _profile_error(error: Any, fields: FieldSet, source: str, text: str | None) -> ProfileError:
    path = list(error.absolute_path)
    code = _CODES.get(error.validator, "E202")
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(fields.names()) - set(META_KEYS))
        return unknown_fields_error(extra, fields.names(), code=code, location=_where(source, text, extra[0]),
                                    where=_("profile"))
    key = path[0] if path else None
    f = fields.get(key) if isinstance(key, str) else None
    where = _field(key) if key is not None else _("profile")
    if len(path) > 1:
        where += f"[{path[1]}]"
    value = error.instance
    location = _where(source, text, key)
    if f is None and key == "skipped":  # the questions `advisor ask` recorded as "don't know"
        if error.validator == "uniqueItems":
            message = _("the list repeats a field")
        elif len(path) > 1:
            message = _("{value} is not a field name").format(value=repr(value))
        else:
            message = _("{value} is not a list").format(value=repr(value))
        near = did_you_mean(str(value), fields.names()) if len(path) > 1 else None
        return ProfileError(message, code=code, location=location, where=where,
                            expected=_("a list of field names (see `advisor fields`), each once"), suggestion=near)
    if f is None:
        return ProfileError(_("{value} is not valid here").format(value=repr(value)), code=code, location=location,
                            where=where)
    if error.validator == "enum":
        near = did_you_mean(str(value), f.choice_ids())
        return ProfileError(_("{value} is not allowed").format(value=repr(value)), code=code, location=location,
                            where=where, expected=_("one of: {choices}").format(choices=choice_list(f)),
                            suggestion=near)
    if error.validator in ("minimum", "maximum"):
        return ProfileError(_("{value} is out of range").format(value=repr(value)), code=code, location=location,
                            where=where, expected=range_words(f))
    if error.validator == "uniqueItems":
        return ProfileError(_("the list repeats a value"), code=code, location=location, where=where,
                            expected=_("each choice at most once"))
    if f.type == "choice":
        expected = _("one of: {choices}").format(choices=choice_list(f))
    elif f.type == "multi":
        expected = _("a list of: {choices}").format(choices=choice_list(f))
    elif f.type == "boolean":
        expected = _("true or false")
    else:
        kind = _("a whole number from {minimum} to {maximum}") if f.type == "integer" else \
            _("a number from {minimum} to {maximum}")
        expected = kind.format(minimum=f"{f.minimum:g}", maximum=f"{f.maximum:g}")
    if key in ("name", "notes", "$schema"):
        expected = _("a string")
    shown = repr(value) if not isinstance(value, (dict, list)) else _(_JSON_KINDS[type(value)])
    return ProfileError(_("{value} has the wrong type").format(value=shown), code=code, location=location,
                        where=where, expected=expected)


#: how a JSON object or array is named where the value itself would be too long to show
_JSON_KINDS = {dict: N_("dict"), list: N_("list")}


def _field(key: str) -> str:
    """The breadcrumb of a profile's field: ``field 'price_level'``."""
    return _("field {name}").format(name=repr(key))


def range_words(f: Any, unit: bool = True) -> str:
    """A numeric field's range for a message: ``a number from 0 to 100 (people)``, in the language in use."""
    words = _("a number from {minimum} to {maximum}").format(minimum=f"{f.minimum:g}", maximum=f"{f.maximum:g}")
    return _("{range} ({unit})").format(range=words, unit=f.unit) if unit and f.unit else words


def choice_list(f: Any) -> str:
    """A field's choices for a message: their ids (``low, medium``), in Chinese each with its label
    (``low（低价）、medium（中等）``) when the knowledge base is translated (the ids are what a profile holds)."""
    ids = f.choice_ids()
    from advisor.i18n import current

    if current() == "en":
        return ", ".join(ids)
    # a label the knowledge base has not translated yet is left out: the id says as much
    labels = {c.id: c.label for c in f.choices if any(ch >= "\u2e80" for ch in c.label)}
    return _(", ").join(_("{id} ({label})").format(id=i, label=labels[i]) if i in labels else i for i in ids)


def _where(source: str, text: str | None, key: Any) -> Location:
    if text is None or not isinstance(key, str):
        return Location(source)
    line, column = find_token(text, key)
    return Location(source, line, column)


def parse_profile(text: str, fields: FieldSet, *, source: str = "<profile>") -> Profile:
    """Parse and validate JSON profile text."""
    data = parse_json(text, source, error=ProfileError)
    return validate_answers(data, fields, source=source, text=text)


def load_profile(path: Path | str, fields: FieldSet) -> Profile:
    """Read, parse and validate a JSON profile file."""
    text = read_text(path, limit=MAX_PROFILE_BYTES, error=ProfileError)
    return parse_profile(text, fields, source=str(path))


def read_profile_source(path: str, fields: FieldSet, stdin: BinaryIO | None = None) -> Profile:
    """A profile from a file path, or from standard input when ``path`` is ``-``."""
    if path == "-":
        import sys

        stream = stdin if stdin is not None else sys.stdin.buffer
        text = read_stream(stream, "<stdin>", limit=MAX_PROFILE_BYTES, error=ProfileError)
        return parse_profile(text, fields, source="<stdin>")
    return load_profile(path, fields)
