"""Bounded, careful reading of the files people hand the advisor.

With :mod:`advisor.io.yamlread` (YAML) and :mod:`advisor.io.jsonyaml` (YAML
documents written as JSON, read at C speed), the only place that parses
files. Every reader here either returns plain data or raises an :class:`~advisor.errors.InputError` that names the
file, the line and the column. Limits are explicit constants:

* files larger than :data:`MAX_FILE_BYTES` (profiles :data:`MAX_PROFILE_BYTES`)
  are refused before they are read;
* JSON and YAML may nest at most :data:`MAX_DEPTH` levels;
* a YAML document may hold at most :data:`MAX_YAML_NODES` nodes, and its
  aliases add at most :data:`MAX_ALIAS_NODES` more (the "billion laughs" bomb
  stops here);
* YAML tags other than the core schema's (``!!python/object``, custom ``!tag``)
  are refused: nothing in a file ever constructs an object;
* repeated keys are refused in both formats;
* JSON ``NaN``, ``Infinity`` and numbers beyond float range are refused.

YAML keeps its positions: :func:`parse_yaml` returns the data and a
:class:`Marks` table from data paths (``("rules", 3, "when")``) to
``(line, column)``, so that schema errors found on plain data can still be
reported at the exact place. Every reader keeps every limit above, whichever
way it goes: the quick ones give up, and the careful YAML reader decides and
reports, whenever a document comes near one.

Stage: io.
"""

from __future__ import annotations

import json
import math
import os
import stat
from typing import Any, BinaryIO

from advisor.errors import InputError, Location
from advisor.i18n import N_, _

from .limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_PROFILE_BYTES, Marks, Path_, line_col
from .yamlread import read_yaml

__all__ = [
    "read_text",
    "read_stream",
    "decode",
    "parse_json",
    "find_token",
    "parse_yaml",
    "read_yaml",
    "load_yaml_file",
]


# --------------------------------------------------------------------------- reading


def read_text(path: Path_, *, limit: int = MAX_FILE_BYTES, error: type[InputError] = InputError) -> str:
    """Read a regular file as UTF-8 text, within ``limit`` bytes.

    Raises ``error`` (an :class:`InputError` subclass) naming the file when it
    is missing, not a regular file, unreadable, too large, empty or not UTF-8.
    """
    name = str(path)
    loc = Location(name)
    try:
        st = os.stat(path)  # follows symlinks; a loop raises OSError
    except FileNotFoundError:
        raise error(_("file not found"), code="E100", location=loc) from None
    except OSError as exc:
        raise error(_("cannot read file: {reason}").format(reason=os_reason(exc)), code="E100", location=loc) from None
    if stat.S_ISDIR(st.st_mode):
        raise error(_("is a directory, not a file"), code="E100", location=loc)
    if not stat.S_ISREG(st.st_mode):
        raise error(_("is not a regular file (a device, pipe or socket)"), code="E100", location=loc)
    if st.st_size > limit:
        raise error(
            _("file is {size} bytes, more than the limit of {limit}").format(size=f"{st.st_size:,}", limit=f"{limit:,}"),
            code="E101",
            location=loc,
        )
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise error(_("cannot read file: {reason}").format(reason=os_reason(exc)), code="E100", location=loc) from None
    if len(data) > limit:
        raise error(_("file is more than the limit of {limit} bytes").format(limit=f"{limit:,}"), code="E101",
                    location=loc)
    return decode(data, name, error=error)


def read_stream(stream: BinaryIO, name: str = "<stdin>", *, limit: int = MAX_PROFILE_BYTES,
                error: type[InputError] = InputError) -> str:
    """Read a binary stream (standard input) as UTF-8 text, within ``limit`` bytes."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise error(_("input is more than the limit of {limit} bytes").format(limit=f"{limit:,}"), code="E101",
                    location=Location(name))
    return decode(data, name, error=error)


def decode(data: bytes, name: str, *, error: type[InputError] = InputError) -> str:
    """Decode UTF-8 (a leading byte-order mark is dropped); name the bad byte's line and column."""
    if not data.strip():
        raise error(_("file is empty"), code="E103", location=Location(name),
                    expected=_("a JSON object or a YAML mapping"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise error(
            _("not UTF-8 text (byte {byte} cannot be decoded)").format(byte=f"0x{data[exc.start]:02x}"),
            code="E102",
            location=Location(name, line, column),
            expected=_("a text file saved as UTF-8"),
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        pos = text.index("\x00")
        line, column = line_col(text, pos)
        raise error(_("binary data (a NUL byte) in a text file"), code="E102", location=Location(name, line, column))
    return text


# --------------------------------------------------------------------------- JSON


def parse_json(text: str, name: str, *, error: type[InputError] = InputError) -> Any:
    """Parse JSON strictly: no duplicate keys, no NaN/Infinity, bounded depth and numbers."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise _JsonProblem(_("key {key} appears twice in one object").format(key=repr(key)), "E113", key)
            out[key] = value
        return out

    def constant(word: str) -> Any:
        raise _JsonProblem(_("{word} is not a number JSON allows").format(word=word), "E112", word)

    def parse_float(literal: str) -> float:
        value = float(literal)
        if not math.isfinite(value):
            raise _JsonProblem(_("number {number} is too large").format(number=literal[:20]), "E112", literal)
        return value

    def parse_int(literal: str) -> int | float:
        if len(literal.lstrip("-")) > 30:
            raise _JsonProblem(_("number {number}... has too many digits").format(number=literal[:20]), "E112",
                              literal)
        return int(literal)

    # fewer brackets than the limit cannot nest past it: skip the character scan
    depth = _json_depth(text) if text.count("[") + text.count("{") > MAX_DEPTH else 0
    if depth > MAX_DEPTH:
        raise error(
            _("JSON nests {depth} levels deep, more than the limit of {limit}").format(depth=depth, limit=MAX_DEPTH),
            code="E111",
            location=Location(name),
        )
    try:
        return json.loads(
            text,
            object_pairs_hook=pairs,
            parse_constant=constant,
            parse_float=parse_float,
            parse_int=parse_int,
        )
    except json.JSONDecodeError as exc:
        raise error(_("not valid JSON: {problem}").format(problem=_(exc.msg) if exc.msg in _JSON_MESSAGES else exc.msg),
                    code="E110",
                    location=Location(name, exc.lineno, exc.colno)) from None
    except _JsonProblem as exc:
        line, column = find_token(text, exc.token)
        raise error(exc.message, code=exc.code, location=Location(name, line, column)) from None
    except RecursionError:
        raise error(_("JSON nests too deeply"), code="E111", location=Location(name)) from None


#: what Python's JSON parser says of a syntax error (json/decoder.py, and its C scanner), to translate
_JSON_MESSAGES = frozenset((
    N_("Expecting value"), N_("Expecting ',' delimiter"), N_("Expecting ':' delimiter"),
    N_("Expecting property name enclosed in double quotes"), N_("Extra data"), N_("Unterminated string starting at"),
    N_("Invalid control character at"), N_("Invalid \\escape"), N_("Invalid \\uXXXX escape"),
    N_("Illegal trailing comma before end of object"), N_("Illegal trailing comma before end of array"),
))

#: the system's words (``strerror``) for the reasons a person meets why a file cannot be read or written, in the
#: catalogue so that they are translated (others are shown as the system says them)
_OS_REASONS = (
    N_("Permission denied"), N_("Operation not permitted"), N_("No such file or directory"), N_("Not a directory"),
    N_("Is a directory"), N_("No space left on device"), N_("Input/output error"),
    N_("Too many levels of symbolic links"), N_("Read-only file system"), N_("File name too long"), N_("Broken pipe"),
    N_("Disk quota exceeded"), N_("File too large"), N_("No such device or address"),
)


def os_reason(exc: OSError) -> str:
    """Why ``exc`` failed, in the user's language (the system's words when the catalogue does not have them)."""
    return _(exc.strerror) if exc.strerror else str(exc)


class _JsonProblem(Exception):
    def __init__(self, message: str, code: str, token: str) -> None:
        super().__init__(message)
        self.message, self.code, self.token = message, code, token


def _json_depth(text: str) -> int:
    """Deepest nesting of ``[`` and ``{`` outside strings (a linear scan)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    return deepest
        elif char in "]}":
            depth -= 1
    return deepest


def find_token(text: str, token: str) -> tuple[int | None, int | None]:
    """Best-effort position of a key or literal, for messages about parsed JSON."""
    for probe in (f'"{token}"', token):
        pos = text.rfind(probe) if probe.startswith('"') else text.find(probe)
        if pos >= 0:
            return line_col(text, pos)
    return None, None


# --------------------------------------------------------------------------- YAML


def parse_yaml(text: str, name: str, *, error: type[InputError] = InputError) -> tuple[Any, Marks]:
    """Parse one YAML document into plain data, keeping positions; see the module notes.

    A document written as JSON is read by :mod:`advisor.io.jsonyaml` when it can be sure
    of giving what the YAML reader would; otherwise :mod:`advisor.io.yamlread` reads it.
    """
    from .jsonyaml import read

    found = read(text, name)
    if found is not None:
        return found
    return read_yaml(text, name, error=error)


def load_yaml_file(path: Path_, *, error: type[InputError] = InputError) -> tuple[Any, Marks]:
    """Read and parse a YAML file (bounded), returning data and :class:`Marks`."""
    return parse_yaml(read_text(path, error=error), str(path), error=error)
