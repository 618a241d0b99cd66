"""Answers as people type them: parsing, checking and showing one field's answer.

Used by the interview (:mod:`advisor.commands.ask`) for what is typed at a
prompt and for the answer files of ``advisor ask --answers``. Pure functions;
every problem comes back as a sentence a shop owner can act on.

At any prompt a few words are commands rather than answers (they win over a
choice id that happens to be spelled the same):

=========================================  =======================
typed                                      meaning
=========================================  =======================
``?``, ``help``, ``why``                   why the question matters
``s``, ``skip``, ``don't know``, ``dk``    leave the field unanswered
``b``, ``back``                            the previous question again
``r``, ``report``                          the advice now (the rest can be answered later)
``q``, ``quit``, ``exit``                  save and stop
=========================================  =======================

Stage: interview.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.errors import Location, ProfileError, unknown_fields_error
from advisor.i18n import _
from advisor.kb import Field, FieldSet

__all__ = ["Command", "Invalid", "parse_answer", "coerce", "show_value", "typed_form", "instructions",
           "read_answer_file", "COMMANDS"]

#: typed word -> command
COMMANDS = {
    "?": "help", "help": "help", "why": "help",
    "s": "skip", "skip": "skip", "don't know": "skip", "dont know": "skip", "dk": "skip", "idk": "skip",
    "b": "back", "back": "back",
    "r": "report", "report": "report",
    "q": "quit", "quit": "quit", "exit": "quit",
    "为什么": "help", "不知道": "skip", "跳过": "skip", "返回": "back", "上一题": "back", "退出": "quit",
}
_NONE_WORDS = ("0", "none", "nothing", "no", "无", "都没有", "没有")
_YES = ("y", "yes", "true", "是", "有", "对")
_NO = ("n", "no", "false", "否", "不是", "没有", "不")


@dataclass(frozen=True)
class Command:
    """A command typed instead of an answer: ``help``, ``skip``, ``back`` or ``quit``."""

    name: str


@dataclass(frozen=True)
class Invalid:
    """An answer that cannot be used, and what to type instead."""

    message: str
    #: a number outside the field's range (E204 in an answer file), not a wrong kind of answer
    out_of_range: bool = False


_MISSING = object()


def parse_answer(f: Field, text: str, default: Any = _MISSING) -> Any:
    """The value typed for ``f``, a :class:`Command`, or :class:`Invalid`.

    An empty line picks ``default`` (pass it explicitly: the field's own
    default, or the current answer when a question is asked again).
    """
    typed = " ".join(text.strip().split())
    lowered = typed.lower().replace("\u2019", "'")
    if lowered in COMMANDS:
        return Command(COMMANDS[lowered])
    if not typed:
        if default is _MISSING or default is None:
            return Invalid(_("Please type an answer, or s if you don't know."))
        return list(default) if f.is_list else default
    if f.type == "choice":
        return _choice(f, typed)
    if f.type == "multi":
        return _multi(f, typed)
    if f.type == "boolean":
        if lowered in _YES:
            return True
        if lowered in _NO:
            return False
        return Invalid(_("Please answer y (yes) or n (no)."))
    return _number(f, typed)


def _choice(f: Field, typed: str) -> Any:
    count = len(f.choices)
    if typed.isdigit():
        number = int(typed)
        if 1 <= number <= count:
            return f.choices[number - 1].id
        return Invalid(_("There is no choice {typed}. Type a number from 1 to {count}.").format(typed=typed, count=count))
    lowered = typed.lower()
    for choice in f.choices:
        if choice.id.lower() == lowered:
            return choice.id
    starts = [c for c in f.choices if c.label.lower().startswith(lowered) or c.id.lower().startswith(lowered)]
    if len(starts) == 1:
        return starts[0].id
    if len(starts) > 1:
        numbers = ", ".join(str(f.choices.index(c) + 1) for c in starts)
        return Invalid(_("{typed} fits several choices ({numbers}). Type the number of the one you mean.").format(
            typed=repr(typed), numbers=numbers))
    return Invalid(_("{typed} is not one of the choices. Type a number from 1 to {count}.").format(typed=repr(typed),
                                                                                                  count=count))


def _multi(f: Field, typed: str) -> Any:
    if typed.lower() in _NONE_WORDS:
        return []
    picked: set[str] = set()
    count = len(f.choices)
    for token in re.split(r"[\s,;]+", typed):
        if not token:
            continue
        if token.isdigit():
            number = int(token)
            if number == 0:
                return Invalid(_("0 means none of these; type it alone, or only the numbers that apply."))
            if number > count:
                return Invalid(_("There is no choice {typed}. Type numbers from 1 to {count}, e.g. 1 3.").format(
                    typed=token, count=count))
            picked.add(f.choices[number - 1].id)
            continue
        match = [c.id for c in f.choices if c.id.lower() == token.lower()]
        if not match:
            return Invalid(_("{typed} is not one of the choices. Type numbers from 1 to {count}, e.g. 1 3, or 0 for "
                             "none.").format(typed=repr(token), count=count))
        picked.add(match[0])
    return [c.id for c in f.choices if c.id in picked]


def _number(f: Field, typed: str) -> Any:
    text = typed.lower()
    for word in (f.unit.lower(), f.unit.lower().rstrip("s"), "%"):
        if word and text.endswith(word):
            text = text[: -len(word)].strip()
            break
    text = re.sub(r"(?<=\d)[,_ ](?=\d{3}\b)", "", text)
    try:
        value: Any = float(text)
    except ValueError:
        return Invalid(_("Please type {number}.").format(number=_number_words(f, False)))
    if not math.isfinite(value):
        return Invalid(_("Please type {number}.").format(number=_number_words(f, False)))
    if f.type == "integer":
        if value != int(value):
            return Invalid(_("Please type {number}.").format(number=_number_words(f)))
        value = int(value)
    elif value == int(value) and "." not in text and "e" not in text:
        value = int(value)
    if (f.minimum is not None and value < f.minimum) or (f.maximum is not None and value > f.maximum):
        return Invalid(_("{typed} is out of range. Please type {number}.").format(typed=typed,
                                                                                    number=_number_words(f, False)),
                       out_of_range=True)
    return value


def _number_words(f: Field, whole: bool = True) -> str:
    """"a whole number from 0 to 100 (people)", "a number", in the language in use."""
    kind = "integer" if whole and f.type == "integer" else "number"
    if f.minimum is None or f.maximum is None:
        return _("a whole number") if kind == "integer" else _("a number")
    unit = _(" ({unit})").format(unit=f.unit) if f.unit else ""
    sentence = (_("a whole number from {low} to {high}{unit}") if kind == "integer"
                else _("a number from {low} to {high}{unit}"))
    return sentence.format(low=f"{f.minimum:,g}", high=f"{f.maximum:,g}", unit=unit)


def coerce(f: Field, raw: Any) -> Any:
    """One value of an answer file: typed text or a profile value -> the answer, ``Command('skip')``, or Invalid.

    ``None`` and the skip words mean "don't know".
    """
    if raw is None:
        return Command("skip")
    if isinstance(raw, str):
        if not raw.strip():
            return Invalid(_("is empty; write the answer, or s for don't know"))
        result = parse_answer(f, raw)
        if isinstance(result, Command) and result.name != "skip":
            return Invalid(_("{raw} is a command of the interview, not an answer").format(raw=repr(raw)))
        return result
    if isinstance(raw, bool):
        if f.type == "boolean":
            return raw
        return Invalid(_("{raw} is a yes/no answer, but this question expects {expected}").format(
            raw=str(raw).lower(), expected=_expects(f)))
    if isinstance(raw, (int, float)):
        if f.type in ("boolean", "multi"):
            return Invalid(_("{raw} is a number, but this question expects {expected}").format(raw=repr(raw),
                                                                                              expected=_expects(f)))
        return parse_answer(f, str(raw))
    if isinstance(raw, list) and f.type == "multi":
        if not all(isinstance(item, (str, int)) and not isinstance(item, bool) for item in raw):
            return Invalid(_("a list of choice ids or numbers is expected"))
        return _multi(f, " ".join(str(item) for item in raw)) if raw else []
    return Invalid(_("a {kind} is not an answer here; expected {expected}").format(kind=type(raw).__name__,
                                                                                  expected=_expects(f)))


def _expects(f: Field) -> str:
    from advisor.inference import choice_list

    if f.type == "choice":
        return _("one of: {choices}").format(choices=choice_list(f))
    if f.type == "multi":
        return _("a list of: {choices}").format(choices=choice_list(f))
    if f.type == "boolean":
        return _("yes or no")
    return _number_words(f)


def show_value(f: Field, value: Any) -> str:
    """An answer in words, as the person would recognise it."""
    if f.type == "multi":
        return _("; ").join(f.label_of(v) for v in value) if value else _("none of these")
    if f.is_numeric:
        return f"{value:,} {f.unit}".strip() if isinstance(value, int) else f.label_of(value)
    return f.label_of(value)


def typed_form(f: Field, value: Any) -> str:
    """What to type to give ``value`` (shown as the Enter default)."""
    if f.type == "choice":
        ids = f.choice_ids()
        return str(ids.index(value) + 1) if value in ids else str(value)
    if f.type == "multi":
        ids = f.choice_ids()
        return " ".join(str(ids.index(v) + 1) for v in value if v in ids) or "0"
    if f.type == "boolean":
        return "y" if value else "n"
    return f"{value:g}" if isinstance(value, float) else str(value)


def instructions(f: Field, default: Any = None, *, keep: bool = False) -> str:
    """One line telling what to type for ``f``, and what Enter gives (``keep``: the answer given before)."""
    if f.type == "choice":
        text = _("Type a number from 1 to {count}.").format(count=len(f.choices))
    elif f.type == "multi":
        text = _("Type the numbers of all that apply, e.g. 1 3, or 0 for none.")
    elif f.type == "boolean":
        text = _("Type y for yes or n for no.")
    else:
        text = _("Type {number}.").format(number=_number_words(f))
    if default is not None:
        typed = typed_form(f, default)
        if f.type == "boolean":
            typed += _(" (yes)") if default else _(" (no)")
        elif f.type == "multi" and not default:
            typed = _("0 (none)")
        if f.type == "choice" and len(show_value(f, default)) <= 40:
            typed += _(" ({value})").format(value=show_value(f, default))
        text += (_(" Press Enter to keep your answer, {typed}.") if keep else _(" Press Enter for {typed}.")).format(
            typed=typed)
    return text


def read_answer_file(path: Path, fields: FieldSet) -> tuple[str, dict[str, Any]]:
    """An answer file (JSON or YAML) -> the business name and field -> answer (None: "don't know").

    Values are read as if typed at the prompt (``price_level: 2``,
    ``has_site: yes``, ``staff: 3 people``), or as profile values; a
    ``skipped`` list marks "don't know"s. Raises :class:`ProfileError` naming
    the line and field of the first bad entry.
    """
    from advisor.inference import text_problem
    from advisor.io import parse_json, parse_yaml, read_text

    name = ""
    text = read_text(path, error=ProfileError)
    if path.suffix.lower() == ".json":
        from advisor.io import find_token

        data = parse_json(text, str(path), error=ProfileError)

        def where(key: str) -> Location:
            line, column = find_token(text, key)
            return Location(str(path), line, column)
    else:
        data, marks = parse_yaml(text, str(path), error=ProfileError)

        def where(key: str) -> Location:
            return marks.location((key,), key=True)
    if not isinstance(data, dict):
        raise ProfileError(_("an answer file holds a mapping of question (field) to answer"), code="E200",
                           location=Location(str(path)), expected=_("e.g. price_level: 2  or  price_level: medium"))
    given: dict[str, Any] = {}
    unknown = [str(k) for k in data if str(k) not in ("name", "notes", "$schema", "skipped") and fields.get(str(k)) is None]
    if unknown:
        raise unknown_fields_error(unknown, fields.names(), location=where(unknown[0]))
    for key, raw in data.items():
        key = str(key)
        if key == "name":
            name = " ".join(str(raw).split())[:200] if raw is not None else ""
            problem = text_problem("name", name)
            if problem is not None:
                problem.location = where(key)
                raise problem
            continue
        if key in ("notes", "$schema"):
            continue
        if key == "skipped" and isinstance(raw, list):
            given.update({str(k): None for k in raw if str(k) in fields})
            continue
        f = fields.get(key)
        if f is None:  # "skipped" holding something other than a list
            raise unknown_fields_error([key], fields.names(), location=where(key))
        value = coerce(f, raw)
        if isinstance(value, Invalid):
            code = "E204" if f.is_numeric and value.out_of_range else ("E203" if f.choices else "E202")
            raise ProfileError(value.message.rstrip(".。"), code=code, location=where(key),
                               where=_("field {name}").format(name=repr(key)))
        given[key] = None if isinstance(value, Command) else value
    return name, given
