"""Errors a person can meet, their exit codes, and how they are printed.

Every error the advisor raises on bad input is an :class:`AdvisorError` that
carries its data (where, what, what would be right, a close match) so that
renderers and tests can read it, and prints as one line::

    rules/fit.yaml:42:9: rule 'seo-first' > when > all[1]: unknown field 'budjet' (did you mean 'budget'?)

Codes are stable and each one is documented in ``docs/errors.md``
(a test keeps the two in step).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum
from typing import Iterable

__all__ = [
    "ExitCode",
    "Location",
    "AdvisorError",
    "InputError",
    "ProfileError",
    "RuleFileError",
    "KnowledgeError",
    "OutputError",
    "InternalError",
    "ERROR_CODES",
    "close_matches",
    "elide",
    "did_you_mean",
    "unknown_names",
    "unknown_fields_error",
]


class ExitCode(IntEnum):
    """Process exit statuses, named in one place."""

    OK = 0
    FINDINGS = 1  # the audit found problems of error severity
    BAD_INPUT = 2  # input could not be used: profile, rule file, option
    INTERNAL = 3  # a bug in the advisor itself
    INTERRUPTED = 130  # Ctrl-C
    PIPE_CLOSED = 141  # the reader of standard output went away (128 + SIGPIPE), reported quietly
    TERMINATED = 143  # SIGTERM (128 + 15), as a shell reports a process it ended


#: Stable error codes and a one-line meaning; docs/errors.md explains each.
ERROR_CODES: dict[str, str] = {
    "E100": "file cannot be read (missing, a directory, unreadable, or not a regular file)",
    "E101": "file is larger than the allowed size",
    "E102": "file is not valid UTF-8 text",
    "E103": "file is empty",
    "E104": "output cannot be written (full disk or device, closed pipe, socket, disk device, no permission)",
    "E110": "JSON syntax error",
    "E111": "JSON nests too deeply",
    "E112": "JSON holds a number that is not finite or too large",
    "E113": "JSON object repeats a key",
    "E120": "YAML syntax error",
    "E121": "YAML uses a tag that is not allowed",
    "E122": "YAML aliases expand too much (an alias bomb)",
    "E123": "YAML mapping repeats a key",
    "E124": "YAML nests too deeply",
    "E125": "YAML document has too many nodes",
    "E150": "output format cannot be written (the file name or --format asks for another)",
    "E200": "profile is not a JSON object",
    "E201": "profile names an unknown field",
    "E202": "profile value has the wrong type",
    "E203": "profile value is not one of the allowed choices",
    "E204": "profile number is outside the allowed range",
    "E205": "profile list repeats a value",
    "E206": "profile text holds a character that cannot be written (a lone surrogate or a control character)",
    "E300": "rule file does not follow the rule schema",
    "E301": "rule refers to an unknown profile field",
    "E302": "rule refers to an unknown catalog item",
    "E303": "rule cites an unknown document or section",
    "E304": "rule compares a field with a value it cannot take",
    "E305": "rule uses an operator that does not apply to the field's type",
    "E306": "two rules share one id",
    "E307": "derived facts depend on each other in a cycle",
    "E308": "a condition expands into too many alternatives",
    "E309": "rule uses a derived fact that no rule derives",
    "E310": "rule quotes words its cited section does not hold",
    "E311": "rule starts a practice knowledge/fields.yaml does not declare",
    "E400": "knowledge catalog is malformed",
    "E401": "no rule files found",
    "E402": "catalog entry quotes words its cited section does not hold",
    "E403": "catalog entry's ordering names an unknown goal, practice or item, or an order with a cycle",
    "E404": "translation file (knowledge/i18n/) malformed: not a mapping of id to a fingerprint and texts",
    "E405": "knowledge/markets.yaml malformed: a concept without its words, or a market without platforms for one",
    "E500": "option or argument is not valid",
    "E501": "explain or graph names an id that is no item, derived fact or rule",
    "E502": "--set or --unset names an unknown field or a value the field cannot take",
    "E503": "Graphviz's dot program is not installed, so a picture cannot be drawn",
}


@dataclass(frozen=True, order=True)
class Location:
    """Where a problem is: a file and, when known, a 1-based line and column."""

    path: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.path or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class AdvisorError(Exception):
    """Base of every error the advisor reports to a person.

    Parameters
    ----------
    message : what is wrong, in plain words.
    code : a key of :data:`ERROR_CODES`.
    location : file, line and column.
    where : a breadcrumb inside the file, e.g. ``rule 'seo' > when > all[1]``
        or ``field 'price_level'``.
    expected : what would be right.
    suggestion : a close match to what was written.
    hint : what to do instead, when that is not a close match (a sentence).
    """

    exit_code: int = ExitCode.BAD_INPUT

    def __init__(
        self,
        message: str,
        *,
        code: str = "E500",
        location: Location | None = None,
        where: str | None = None,
        expected: str | None = None,
        suggestion: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.location = location
        self.where = where
        self.expected = expected
        self.suggestion = suggestion
        self.hint = hint

    def render(self) -> str:
        """The one-line form printed to standard error.

        The errors a shop owner meets (files, JSON, profiles, options: see :func:`localized`) are joined in the
        language in use; their parts were written in it when they were raised. The others (rule files, YAML,
        catalogs: the knowledge engineer's) are English.
        """
        from advisor.i18n import N_, _

        tr = _ if localized(self.code) else str
        head = []
        if self.location is not None:
            head.append(str(self.location))
        if self.where:
            head.append(self.where)
        text = self.message
        if self.expected:
            text = tr(N_("{message}; expected {expected}")).format(message=text, expected=self.expected)
        if self.suggestion:
            text = tr(N_("{message} (did you mean {suggestion}?)")).format(message=text, suggestion=repr(self.suggestion))
        if self.hint:
            text = tr(N_("{message}; {hint}")).format(message=text, hint=self.hint)
        line = ": ".join(head + [text]) + f" [{self.code}]"
        return " ".join(line.split())  # always one line, whatever a message quoted

    def __str__(self) -> str:
        return self.render()


class InputError(AdvisorError):
    """A file or value given by the user cannot be used (exit status 2)."""


class ProfileError(InputError):
    """A business profile is malformed or holds values the fields do not allow."""


class RuleFileError(InputError):
    """A rule file is malformed or refers to things that do not exist."""


class KnowledgeError(InputError):
    """A knowledge catalog (fields, sources, channels...) is malformed."""


class OutputError(AdvisorError):
    """The advisor's output cannot be written: a full disk or device, a closed pipe, a socket (exit status 2)."""


class InternalError(AdvisorError):
    """Something the advisor should have prevented; a bug, reported as such."""

    exit_code = ExitCode.INTERNAL


#: codes whose messages speak the user's language: files (E10x), JSON (E11x), outputs (E15x), profiles (E2xx),
#: options (E5xx); the rest (YAML, rule files, catalogs) are the knowledge engineer's and English
_LOCALIZED = re.compile(r"E(1[015]\d|[25]\d\d)")


def localized(code: str) -> bool:
    """True when an error of ``code`` is written in the user's language (``--lang``).

    >>> localized("E203"), localized("E110"), localized("E120"), localized("E301")
    (True, True, False, False)
    """
    return bool(_LOCALIZED.fullmatch(code))


def elide(parts: list[str], joiner: str, *, head: int = 4, tail: int = 2) -> str:
    """``parts`` joined for a one-line message: all of them, or when there are many the first
    ``head`` and the last ``tail`` around a count of those left out (a cycle of 10,000 facts is
    a line to read, not 258 KB).

    >>> elide([str(n) for n in range(10)], " -> ")
    '0 -> 1 -> 2 -> 3 -> ... (4 more) -> 8 -> 9'
    """
    if len(parts) <= head + tail + 1:
        return joiner.join(parts)
    return (joiner.join(parts[:head]) + f"{joiner}... ({len(parts) - head - tail:,} more){joiner}"
            + joiner.join(parts[len(parts) - tail:]))


def close_matches(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Candidates that look like ``word`` (case-insensitive), best first."""
    pool = sorted(set(candidates))
    lowered = {c.lower(): c for c in pool}
    import difflib  # only when a name is wrong

    found = difflib.get_close_matches(str(word).lower(), list(lowered), n=n, cutoff=0.6)
    return [lowered[f] for f in found]


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The single closest candidate to ``word``, or None.

    Spelling first (``budjet`` -> ``budget``); failing that, a candidate that
    holds the word as one of its ``_``/``-`` separated parts, or whose parts
    are all in it (``budget`` -> ``marketing_budget``), when only one does.
    """
    pool = list(candidates)
    found = close_matches(word, pool, n=1)
    if found:
        return found[0]
    parts = set(re.split(r"[_\-\s]+", str(word).lower())) - {""}
    if not parts:
        return None
    holding = sorted({c for c in pool if parts <= set(re.split(r"[_\-]+", c.lower()))
                      or set(re.split(r"[_\-]+", c.lower())) <= parts})
    return holding[0] if len(holding) == 1 else None


def unknown_fields_error(names: Iterable[str], fields: Iterable[str], *, code: str = "E201",
                         location: "Location | None" = None, where: str | None = None) -> "ProfileError":
    """The one error for a profile's unknown keys: one key with its close match, or all of them at
    once (an exported profile need not fail once per key), each with its own."""
    from advisor.i18n import _

    names, pool = list(names), list(fields)
    expected = _("a field of knowledge/fields.yaml (see `advisor fields`)")
    if len(names) == 1:
        return ProfileError(_("unknown field {name}").format(name=repr(names[0])), code=code, location=location,
                            where=where, expected=expected, suggestion=did_you_mean(names[0], pool))
    return ProfileError(_("{count} unknown fields: {names}").format(count=len(names), names=unknown_names(names, pool)),
                        code=code, location=location, where=where, expected=expected)


def unknown_names(names: Iterable[str], candidates: Iterable[str]) -> str:
    """Several unknown names in one phrase, each with its close match when there is one:
    ``'budget' (did you mean 'marketing_budget'?), 'shop_name'``."""
    from advisor.i18n import _

    pool = list(candidates)
    out = []
    for name in names:
        match = did_you_mean(name, pool)
        out.append(_("{message} (did you mean {suggestion}?)").format(message=repr(name), suggestion=repr(match))
                   if match else repr(name))
    return _(", ").join(out)
