"""JSON documents read at C speed, giving exactly what the YAML reader would give.

Rule files are YAML, and JSON is (nearly) YAML: generated rule bases are
written as JSON because it is quick to write. Reading them through the YAML
reader keeps a position for every node, at a cost of about a second per
thousand rules. :func:`read` reads such a file with :func:`json.loads` instead
and keeps only the positions of mappings (every ``{``, matched to the mapping
built when its ``}`` was reached), which is what rules, conditions,
conclusions and citations record. Any other position - a key, a scalar, a
path that does not exist - is asked of the YAML reader the first time it is
needed (:class:`JsonMarks`), which happens when a problem must be reported.

:func:`read` returns None, and the YAML reader decides, unless it is certain
that the YAML reader would give the same data without complaint:

* the text is a JSON object, with only characters YAML prints (no tab, no
  line break other than LF or CRLF, no byte-order mark or C1 control);
* no escape YAML reads differently (UTF-16 surrogates);
* no number YAML 1.1 reads as text (``1e5``) and none that is not finite;
* no key repeated, no key YAML would not take as a simple key (on another line
  than its colon, or longer than about a thousand characters);
* no more nesting (:data:`~advisor.io.limits.MAX_DEPTH`) and no more nodes
  (:data:`~advisor.io.limits.MAX_YAML_NODES`) than the YAML reader allows.

``tests/test_safeio_readers.py`` compares both readers on mutated files: same data,
same positions, same messages.

Stage: io.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from typing import Any

from advisor.errors import InputError, Location

from .limits import MAX_DEPTH, MAX_YAML_NODES, Marks

__all__ = ["read", "JsonMarks"]

#: characters outside this class make the YAML reader fail or count lines differently
_UNSAFE = re.compile("[^\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_LONE_CR = re.compile(r"\r(?!\n)")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
#: a colon on a later line than its key (a raw line break is never inside a JSON string)
_KEY_APART = re.compile(r"\n[ \r]*:")
#: a list right inside a list (or, harmlessly, such text inside a string)
_LIST_IN_LIST = re.compile(r"[\[,][ \r\n]*\[")
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST = re.compile(r"\[\]|\{\}")
_OPEN = re.compile(r"\{")
_CLOSE = re.compile(r"\}")
_BRACE_OR_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}]')
_KEY_MARK = "<key>"  # the YAML reader files key nodes under this name while it builds them
#: longest key read here: escaped, it stays under the 1024 characters a YAML simple key may span
_MAX_KEY = 160


class _Decline(Exception):
    pass


def read(text: str, name: str) -> tuple[dict, "JsonMarks"] | None:
    """The data and marks of ``text`` when it is JSON the YAML reader would read the same, else None."""
    if not text.lstrip(" \r\n").startswith("{"):
        return None
    if _UNSAFE.search(text) or ("\r" in text and _LONE_CR.search(text)):
        return None
    if "\\" in text and _SURROGATE_ESCAPE.search(text):
        return None
    if _KEY_APART.search(text) or " " * 16 + ":" in text:
        return None
    # every node but the root follows a '{', '[', ',' or ':' (more when some are inside strings)
    if 1 + text.count("{") + text.count("[") + text.count(",") + text.count(":") > MAX_YAML_NODES:
        return None
    made: list[dict] = []
    try:
        data = json.loads(text, object_pairs_hook=_collecting(made), parse_float=_float, parse_constant=_constant)
    except (ValueError, RecursionError, _Decline):  # ValueError: bad JSON, or an integer too long to convert
        return None
    if not isinstance(data, dict):
        return None
    starts, mapping_depth = _mapping_starts(text, made)
    # lists hang from mappings (unless a list holds a list), so at most as many lists as mappings nest
    if text.count("[") + len(made) > MAX_DEPTH and (2 * mapping_depth > MAX_DEPTH or _LIST_IN_LIST.search(text)):
        if _depth(text) > MAX_DEPTH:
            return None
    return data, JsonMarks(name, text, data, made, starts)


def _collecting(made: list[dict]) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict:
        out = dict(pairs)
        if len(out) != len(pairs) or _KEY_MARK in out or (out and max(map(len, out)) > _MAX_KEY):
            raise _Decline()
        made.append(out)
        return out

    return hook


def _float(literal: str) -> float:
    if "e" in literal or "E" in literal:  # YAML 1.1 reads 1e5 and 1.5e3 as text
        raise _Decline()
    value = float(literal)
    if not math.isfinite(value):
        raise _Decline()
    return value


def _constant(word: str) -> Any:
    raise _Decline()  # NaN, Infinity


def _depth(text: str) -> int:
    """How deep the brackets of valid JSON nest (strings left out); more than MAX_DEPTH is not measured."""
    skeleton = _NOT_BRACKET.sub("", _STRING.sub("", text))
    for level in range(MAX_DEPTH + 1):
        if not skeleton:
            return level
        skeleton = _INNERMOST.sub("", skeleton)  # one level of nesting less
    return MAX_DEPTH + 1


class JsonMarks(Marks):
    """:class:`~advisor.io.limits.Marks` of a JSON document: mappings' positions at once, the rest on demand."""

    def __init__(self, path: str, text: str, data: dict, made: list[dict], starts: dict[int, int]) -> None:
        self.path = path
        self._text = text
        self._data = data
        self._made = made  # keeps every mapping alive, so their ids stay theirs
        self._starts = starts
        self._line_starts: list[int] | None = None
        self._full: Marks | None = None

    # -- the whole table, as the YAML reader records it (read once, when first asked for)
    @property
    def values(self) -> dict[tuple, tuple[int, int]]:  # type: ignore[override]
        return self.full().values

    @property
    def keys(self) -> dict[tuple, tuple[int, int]]:  # type: ignore[override]
        return self.full().keys

    def full(self) -> Marks:
        """The positions of every node, from the YAML reader."""
        if self._full is None:
            from .yamlread import read_yaml

            try:
                self._full = read_yaml(self._text, self.path)[1]
            except InputError:  # cannot happen for text read() accepted; positions degrade to the file
                self._full = Marks(self.path)
        return self._full

    def location(self, path: tuple = (), *, key: bool = False, node: Any = None) -> Location:
        """As :meth:`Marks.location`; quick for a mapping (pass it as ``node`` to skip the walk)."""
        if not key:
            if node is None or id(node) not in self._starts:
                node = self._at(path)
            offset = self._starts.get(id(node)) if node is not None else None
            if offset is not None:
                return Location(self.path, *self.line_col(offset))
        return self.full().location(path, key=key)

    def _at(self, path: tuple) -> Any:
        node: Any = self._data
        for step in path:
            if isinstance(node, dict) and type(step) is str and step in node:
                node = node[step]
            elif isinstance(node, list) and type(step) is int and 0 <= step < len(node):
                node = node[step]
            else:
                return None
        return node if isinstance(node, dict) else None

    def line_col(self, offset: int) -> tuple[int, int]:
        starts = self._line_starts
        if starts is None:
            starts = self._line_starts = [0] + [m.end() for m in re.finditer("\n", self._text)]
        line = bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1


def _mapping_starts(text: str, made: list[dict]) -> tuple[dict[int, int], int]:
    """id of each mapping -> offset of its '{', and how deep mappings nest. The JSON reader builds a
    mapping at its '}', so the k-th mapping built closes at the k-th '}' outside strings; a stack
    pairs each '}' with its '{'."""
    if text.count("{") == len(made) == text.count("}"):  # no brace inside a string
        opens = [m.start() for m in _OPEN.finditer(text)]
        closes = [m.start() for m in _CLOSE.finditer(text)]
    else:
        braces = [m for m in _BRACE_OR_STRING.finditer(text) if len(m.group()) == 1]
        opens = [m.start() for m in braces if m.group() == "{"]
        closes = [m.start() for m in braces if m.group() == "}"]
    opened: list[int] = []
    push, pop = opened.append, opened.pop
    matched: list[int] = []
    add = matched.append
    following, count, deepest = 0, len(opens), 0
    for close in closes:
        while following < count and opens[following] < close:
            push(opens[following])
            following += 1
        if len(opened) > deepest:
            deepest = len(opened)
        add(pop())
    return dict(zip(map(id, made), matched)), deepest
