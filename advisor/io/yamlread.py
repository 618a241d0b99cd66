"""YAML text -> plain data and :class:`~advisor.io.limits.Marks`, under the limits of :mod:`advisor.io.reading`.

Two readers that give the same result:

* the *quick* reader builds data and positions straight from libyaml's event
  stream with an explicit stack: no node tree, no recursion (so no nesting,
  however deep, can overflow the stack), scalars resolved once per distinct
  text. It handles the documents people write - mappings, lists and plain
  or quoted scalars - and gives up (:class:`Unusual`) on anything else:
  aliases, explicit tags, merge keys, repeated keys, non-finite numbers,
  too much nesting, any syntax error;
* the *careful* reader, which handles and reports everything: it measures the
  nesting on the event stream first (the composer recurses, in C with
  libyaml, and a deeply nested file would overflow the stack), composes the
  node tree and walks it (:class:`_Builder`), following aliases under the node
  limit and refusing tags that construct objects.

:func:`parse` runs the quick reader and, when it gives up, the careful one, so
every message (its code, line and column) is the careful reader's.
:func:`read_yaml` is the one place the advisor imports :mod:`yaml` (on first
use: a run that reads no YAML never pays for it) and passes the module in.

Stage: io.
"""

from __future__ import annotations

import math
from typing import Any

from advisor.errors import InputError, Location

from .limits import MAX_ALIAS_NODES, MAX_DEPTH, MAX_YAML_NODES, Marks, line_col

__all__ = ["read_yaml", "parse", "parse_quick", "parse_careful", "Unusual"]

_CORE_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}
_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_CONSTRUCTED = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
                "tag:yaml.org,2002:null")
_KEY_MARK = "<key>"  # where the careful reader files a key node while it builds it


class Unusual(Exception):
    """The quick reader met something only the careful reader handles, or reports, exactly."""


def loader_class(yaml: Any) -> Any:
    """libyaml's safe loader when PyYAML was built with it, else the pure-Python one."""
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse(text: str, name: str, error: type[InputError], yaml: Any) -> tuple[Any, Marks]:
    """Data and positions of one YAML document; an ``error`` naming line and column when it is not usable."""
    try:
        return parse_quick(text, name, yaml)
    except Unusual:
        return parse_careful(text, name, error, yaml)


# --------------------------------------------------------------------------- quick reader


def parse_quick(text: str, name: str, yaml: Any) -> tuple[Any, Marks]:
    """The quick reader (see the module notes); raises :class:`Unusual` when it cannot decide alone."""
    loader = loader_class(yaml)(text)
    try:
        return _walk(loader, name, yaml)
    except yaml.YAMLError:
        raise Unusual() from None
    finally:
        loader.dispose()


class _Frame:
    __slots__ = ("container", "path", "is_map", "key", "key_at")

    def __init__(self, container: Any, path: tuple, is_map: bool) -> None:
        self.container = container
        self.path = path
        self.is_map = is_map
        self.key: Any = _NO_KEY
        self.key_at: tuple[int, int] = (0, 0)


_NO_KEY = object()


def _walk(loader: Any, name: str, yaml: Any) -> tuple[Any, Marks]:
    events = yaml.events
    scalar_event = events.ScalarEvent
    sequence_start, mapping_start = events.SequenceStartEvent, events.MappingStartEvent
    sequence_end, mapping_end = events.SequenceEndEvent, events.MappingEndEvent
    get = loader.get_event
    get()  # the stream start
    if not isinstance(get(), events.DocumentStartEvent):
        raise Unusual()  # no document: the careful reader says so
    values: dict[tuple, tuple[int, int]] = {}
    keys: dict[tuple, tuple[int, int]] = {}
    stack: list[_Frame] = []
    scalars: dict[str, Any] = {}  # plain scalar text -> its value (resolved and constructed once)
    count = 0
    root: Any = None
    while True:
        event = get()
        kind = event.__class__
        if kind is sequence_end or kind is mapping_end:
            stack.pop()
            if stack:
                continue
            break
        if kind is scalar_event:
            if event.tag is not None:
                raise Unusual()
            text = event.value
            if event.implicit[0]:  # plain: resolved like the composer does, constructed like the builder
                value = scalars.get(text, _NO_KEY)
                if value is _NO_KEY:
                    value = scalars[text] = _plain(loader, text, yaml)
            else:
                value = text
            container = None
        elif kind is mapping_start or kind is sequence_start:
            if event.tag is not None or len(stack) >= MAX_DEPTH:
                raise Unusual()
            value = container = {} if kind is mapping_start else []
        else:  # an alias, or events a single document does not hold
            raise Unusual()
        count += 1
        if count > MAX_YAML_NODES:
            raise Unusual()
        mark = event.start_mark
        at = (mark.line + 1, mark.column + 1)
        if stack:
            frame = stack[-1]
            if frame.is_map:
                if frame.key is _NO_KEY:  # this node is a key
                    if container is not None or value in frame.container or value == _KEY_MARK:
                        raise Unusual()
                    frame.key, frame.key_at = value, at
                    continue
                path = frame.path + (frame.key,)
                keys[path] = frame.key_at
                frame.container[frame.key] = value
                frame.key = _NO_KEY
            else:
                items = frame.container
                path = frame.path + (len(items),)
                items.append(value)
            values[path] = at
        else:
            path = ()
            values[path] = at
            root = value
        if container is not None:
            stack.append(_Frame(container, path, kind is mapping_start))
        elif not stack:
            break
    if not isinstance(get(), events.DocumentEndEvent) or not isinstance(get(), events.StreamEndEvent):
        raise Unusual()  # a second document: the careful reader reports it
    return root, Marks(name, values, keys)


def _plain(loader: Any, text: str, yaml: Any) -> Any:
    tag = loader.resolve(yaml.ScalarNode, text, (True, False))
    if tag == _STR or tag == _TIMESTAMP:  # dates stay the text the author wrote
        return text
    if tag not in _CONSTRUCTED:
        raise Unusual()
    try:
        value = loader.yaml_constructors[tag](loader, yaml.ScalarNode(tag, text))
    except (ValueError, OverflowError):
        raise Unusual() from None
    if isinstance(value, float) and not math.isfinite(value):
        raise Unusual()
    return value


# --------------------------------------------------------------------------- careful reader


def parse_careful(text: str, name: str, error: type[InputError], yaml: Any) -> tuple[Any, Marks]:
    """The careful reader: every YAML document, every problem reported where it is."""
    loader_cls = loader_class(yaml)
    marks = Marks(name)
    try:
        # The composer recurses (in C with libyaml) and a deeply nested file would
        # overflow the stack; the event parser does not, so measure the depth first.
        try:
            _measure_depth(text, name, error, yaml, loader_cls)
        except yaml.scanner.ScannerError as exc:
            if "nesting depth" not in str(exc.problem):
                raise
            # libyaml 0.2.6 and later (PyYAML 6.0.4 and later) stop at 1,000 levels while scanning
            # ahead, before the events that pass our limit: the pure-Python parser, which has no
            # limit of its own, finds where the file passes ours, so the message is the same
            # whichever PyYAML is installed
            _measure_depth(text, name, error, yaml, yaml.SafeLoader)
            raise
        node = yaml.compose(text, Loader=loader_cls)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        line, column = line_col(text, min(exc.position, len(text)))
        char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        raise error(f"YAML cannot contain the character U+{char:04X} ({exc.reason})", code="E120",
                    location=Location(name, line, column)) from None
    except yaml.composer.ComposerError as exc:  # e.g. "found undefined alias"
        raise error(f"YAML error: {exc.problem}", code="E120", location=_yaml_loc(name, exc.problem_mark)) from None
    except yaml.MarkedYAMLError as exc:
        opened = _opening(exc, name) or _runaway_quote(text, exc, name, yaml)
        if opened is not None:
            what, start, end = opened
            problem = exc.problem or "cannot parse"
            found = error(f"YAML syntax error: the {what} opened at line {start.line}, column {start.column} is not "
                          f"closed ({problem} at line {end.line}, column {end.column}, where the parser gave up)",
                          code="E120", location=start)
            found.gave_up = end  # where the parser stopped, shown beside where the problem starts
            raise found from None
        problem = exc.problem or exc.context or "cannot parse"
        raise error(f"YAML syntax error: {problem}", code="E120",
                    location=_yaml_loc(name, exc.problem_mark or exc.context_mark)) from None
    except yaml.YAMLError as exc:
        raise error(f"YAML error: {exc}", code="E120", location=Location(name)) from None
    except RecursionError:
        raise error("YAML nests too deeply", code="E124", location=Location(name)) from None
    if node is None:
        raise error("file holds no YAML document", code="E103", location=Location(name),
                    expected="a YAML mapping")
    builder = _Builder(name, marks, error, yaml)
    return builder.build(node, (), 0), marks


def _measure_depth(text: str, name: str, error: type[InputError], yaml: Any, loader_cls: Any) -> None:
    """Raise ``error`` where the document first nests deeper than :data:`MAX_DEPTH` (E124) or
    holds more than :data:`MAX_YAML_NODES` nodes as written (E125), before any node is built."""
    depth = count = 0
    starts, ends = (yaml.SequenceStartEvent, yaml.MappingStartEvent), (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    scalar = yaml.ScalarEvent
    for event in yaml.parse(text, Loader=loader_cls):
        if isinstance(event, starts):
            depth += 1
            if depth > MAX_DEPTH:
                raise error(f"YAML nests more than {MAX_DEPTH} levels deep", code="E124",
                            location=_yaml_loc(name, event.start_mark))
        elif isinstance(event, ends):
            depth -= 1
            continue
        elif not isinstance(event, scalar):
            continue
        count += 1
        if count > MAX_YAML_NODES:
            raise error(f"YAML document holds more than {MAX_YAML_NODES:,} values", code="E125",
                        location=_yaml_loc(name, event.start_mark), expected="the rules split over several files")


#: what the parser was reading when it failed -> the thing left open, in words
_OPENINGS = (("while scanning a quoted scalar", "quoted text"), ("while parsing a flow mapping", "'{' mapping"),
             ("while parsing a flow sequence", "'[' list"), ("while scanning a block scalar", "block text"))


def _opening(exc: Any, name: str) -> tuple[str, Location, Location] | None:
    """For an error inside a quote or bracket that was never closed: what was left open, where it
    opened and where the parser gave up (None for other errors)."""
    context = str(exc.context or "")
    mark, end = exc.context_mark, exc.problem_mark
    if mark is None or end is None or (mark.line, mark.column) == (end.line, end.column):
        return None
    for prefix, what in _OPENINGS:
        if context.startswith(prefix):
            return what, _yaml_loc(name, mark), _yaml_loc(name, end)
    return None


def _runaway_quote(text: str, exc: Any, name: str, yaml: Any) -> tuple[str, Location, Location] | None:
    """A quoted text that runs over several lines up to where the parser gave up: its closing quote
    is most likely missing (a later quote closed it), so the error starts where it opened."""
    end = exc.problem_mark
    if end is None:
        return None
    found = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.line > end.line:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") \
                    and token.end_mark.line > token.start_mark.line:
                found = token
    except yaml.YAMLError:
        pass
    if found is None or found.end_mark.line + 1 < end.line:  # it must run on to (about) where the parser failed
        return None
    return "quoted text", _yaml_loc(name, found.start_mark), _yaml_loc(name, end)


def _yaml_loc(name: str, mark: Any) -> Location:
    if mark is None:
        return Location(name)
    return Location(name, mark.line + 1, mark.column + 1)


class _Builder:
    """Turns composed YAML nodes into plain data under the module's limits."""

    def __init__(self, name: str, marks: Marks, error: type[InputError], yaml: Any) -> None:
        self.name = name
        self.marks = marks
        self.error = error
        self.yaml = yaml
        self.aliased = 0  # nodes built again because an alias refers to them
        self.built: set[int] = set()  # ids of the nodes built once (the composed tree keeps them alive)
        self.expanding = False  # building an alias's copy
        self.constructor = yaml.constructor.SafeConstructor()

    def fail(self, message: str, code: str, node: Any, expected: str | None = None) -> None:
        raise self.error(message, code=code, location=_yaml_loc(self.name, node.start_mark), expected=expected)

    def build(self, node: Any, path: tuple, depth: int) -> Any:
        # what the text holds was counted before composing; here, what aliases add
        again = self.expanding or id(node) in self.built
        if again:
            self.aliased += 1
            if self.aliased > MAX_ALIAS_NODES:
                self.fail(f"YAML aliases expand to more than {MAX_ALIAS_NODES:,} nodes", "E122", node)
            if not self.expanding:
                self.expanding = True
                try:
                    return self._build(node, path, depth)
                finally:
                    self.expanding = False
        else:
            self.built.add(id(node))
        return self._build(node, path, depth)

    def _build(self, node: Any, path: tuple, depth: int) -> Any:
        if depth > MAX_DEPTH:
            self.fail(f"YAML nests more than {MAX_DEPTH} levels deep", "E124", node)
        if node.tag not in _CORE_TAGS:
            self.fail(f"YAML tag {node.tag!r} is not allowed", "E121", node,
                      expected="plain mappings, lists, strings, numbers and booleans")
        self.marks.values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        yaml = self.yaml
        if isinstance(node, yaml.MappingNode):
            try:
                self.constructor.flatten_mapping(node)  # honours '<<' merge keys
            except yaml.MarkedYAMLError as exc:
                raise self.error(f"YAML error: {exc.problem}", code="E120",
                                 location=_yaml_loc(self.name, exc.problem_mark)) from None
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.build(key_node, path + (_KEY_MARK,), depth + 1)
                if isinstance(key, (dict, list)):
                    self.fail("a mapping key must be a plain value", "E120", key_node)
                if key in out:
                    self.fail(f"key {key!r} appears twice in one mapping", "E123", key_node)
                self.marks.keys[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                out[key] = self.build(value_node, path + (key,), depth + 1)
            self.marks.values.pop(path + (_KEY_MARK,), None)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (index,), depth + 1) for index, item in enumerate(node.value)]
        if node.tag == _TIMESTAMP:
            return node.value  # dates stay the text the author wrote (and an impossible date is no error)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError):  # e.g. an integer of more digits than Python converts
            self.fail(f"cannot read {node.value[:20]!r} as a {node.tag.rsplit(':', 1)[-1]}", "E120", node,
                      expected="an ordinary number, or text in quotes")
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(f"number {node.value!r} is not finite", "E120", node, expected="an ordinary number")
        return value


def read_yaml(text: str, name: str, *, error: type[InputError] = InputError) -> tuple[Any, Marks]:
    """:func:`parse_yaml` without the JSON shortcut: always the YAML reader."""
    import yaml  # the one importer of yaml; loaded only when a YAML file is really read

    return parse(text, name, error, yaml)
