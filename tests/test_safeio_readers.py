"""The quick readers give exactly what the careful YAML reader gives: the same data, the same
positions, the same messages - on good files, on mutated ones and on hostile ones.

* :mod:`advisor.io.jsonyaml` reads JSON at C speed, or declines;
* :func:`advisor.io.yamlread.parse_quick` builds YAML from the event stream, or gives up;
* :func:`advisor.io.yamlread.parse_careful` is the reference: it handles and reports everything.
"""

from __future__ import annotations

import json
from pathlib import Path

import fuzz_kit
import pytest
import yaml
from conftest import RULES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.errors import InputError, RuleFileError
from advisor.io import jsonyaml, yamlread
from advisor.io.limits import MAX_DEPTH, MAX_YAML_NODES
from advisor.io.reading import parse_yaml
from advisor.kb.generate import write_rule_base
from advisor.kb.knowledge_base import load_knowledge_base
from advisor.kb.loader import load_rule_base

KB = load_knowledge_base()
NAME = "rules/x.yaml"


def _generated(tmp: Path, n: int) -> str:
    (path,) = write_rule_base(tmp, KB.fields, KB.catalog, n, seed=3)
    return path.read_text(encoding="utf-8")


def _seed_json() -> str:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return _generated(Path(folder), 3)


SEED_JSON = _seed_json()
SEED_COMPACT = json.dumps(json.loads(SEED_JSON), separators=(",", ":"), ensure_ascii=False)
SEED_YAML = sorted(RULES.glob("*.yaml"))[0].read_text(encoding="utf-8")[:2500]

JSON_TOKENS = ['{', '}', '[', ']', ',', ':', '"', '\\"', '\\\\', '\\/', '\\u00e9', '\\ud83d\\ude00', '\\u0000',
               '1e5', '1.5E+3', '-0', '0.5', '1.0', 'NaN', 'Infinity', '9' * 40, 'true', 'null', '"<key>"',
               '\n:', '"k"\n: 1,', ' ' * 20, '"' + 'k' * 200 + '": 1, ', '\t', '\r', '\r\n', '\u2028', '\x85',
               '\ufeff', '\x7f', '😀', 'é', '#', '&a ', '*a', '!!str ', '[[[[', '{"x": {"y": {"z": 1}}}',
               '"id"', '"id": "dup", ', '"when"', '"then"', '---', '...', '? ', '- ', '|']
YAML_TOKENS = ['\n', '  ', '- ', ': ', '&a ', '*a', '!!str ', '!tag ', '<<: *a', '"', "'", '{', '}', '[', ']',
               '---\n', '...\n', '? ', '|\n', '>-\n', '\t', 'field: ', 'all:', 'equals: ', 'yes', '~', '.inf',
               '0x1F', '1_000', '2024-01-01', '2024-13-45', '9' * 5000, '1:20', '=', '<key>: ', 'id: ', '#']


def mutate(seed: str, tokens: list[str]) -> st.SearchStrategy[str]:
    return fuzz_kit.mutate(seed, tokens, cut=8, insert=4, edits=(0, 4))


def typed(value):
    """Data with each scalar's type kept, so 1, 1.0 and True differ."""
    if isinstance(value, dict):
        return {typed(k): typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, value)


def careful(text: str):
    return yamlread.parse_careful(text, NAME, InputError, yaml)


def outcome(read, text: str):
    """("data", typed data, marks) or ("error", the one-line message)."""
    try:
        data, marks = read(text)
    except InputError as error:
        return "error", error.render(), None
    return "data", typed(data), marks


def same_positions(marks, reference) -> None:
    """Every position the reference knows, asked of ``marks`` in every way the loader asks."""
    for path in list(reference.values) + [("rules", 10_000), ("nope",), ("rules", 0, "nope", 1)]:
        assert marks.location(path) == reference.location(path), path
        assert marks.location(path, key=True) == reference.location(path, key=True), path
    for path in reference.keys:
        assert marks.location(path, key=True) == reference.location(path, key=True), path
    assert marks.values == reference.values
    assert marks.keys == reference.keys


def check_json(text: str) -> None:
    expected = outcome(careful, text)
    fast = jsonyaml.read(text, NAME)
    if fast is not None:
        assert expected[0] == "data", expected[1]  # the quick reader never accepts what YAML refuses
        data, marks = fast
        assert typed(data) == expected[1]
        same_positions(marks, expected[2])
        _same_by_node(data, marks, expected[2])
    got = outcome(lambda t: parse_yaml(t, NAME), text)
    assert got[:2] == expected[:2]


def _same_by_node(data, marks, reference, path=()) -> None:
    """Mappings found by identity (as the loader asks) sit where the reference has them."""
    if isinstance(data, dict):
        assert marks.location(path, node=data) == reference.location(path)
        for key, value in data.items():
            _same_by_node(value, marks, reference, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _same_by_node(value, marks, reference, path + (index,))


def check_yaml(text: str) -> None:
    expected = outcome(careful, text)
    try:
        data, marks = yamlread.parse_quick(text, NAME, yaml)
    except yamlread.Unusual:
        pass
    else:
        assert expected[0] == "data", expected[1]
        assert typed(data) == expected[1]
        assert marks.values == expected[2].values and marks.keys == expected[2].keys
    got = outcome(lambda t: parse_yaml(t, NAME), text)
    assert got[:2] == expected[:2]
    if got[0] == "data":
        same_positions(got[2], expected[2])


# ----------------------------------------------------------------------------- properties


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(mutate(SEED_JSON, JSON_TOKENS))
def test_json_reader_agrees_with_yaml_on_mutated_files(text):
    check_json(text)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(mutate(SEED_COMPACT, JSON_TOKENS))
def test_json_reader_agrees_with_yaml_on_mutated_compact_files(text):
    check_json(text)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                    | st.text(max_size=8),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
                    max_leaves=20),
       st.sampled_from([None, 0, 1, 2]), st.booleans())
def test_json_reader_agrees_with_yaml_on_any_json(value, indent, ascii_only):
    text = json.dumps({"data": value}, indent=indent, ensure_ascii=ascii_only)
    check_json(text if _utf8(text) else json.dumps({"data": value}, indent=indent))


SPECIAL_TEXT = st.text(alphabet=st.sampled_from(list('ab {}[]:,"\\/#-') + ["\t", "\n", "\r", "\u2028", "\x85",
                                                   "\ufeff", "\x7f", "\x00", "\U0001F600", "\u00e9", "\ud800"]),
                      max_size=8) | st.text(max_size=8) | st.just("<key>") | st.just("k" * 170)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**40, 10**40) | st.floats(allow_nan=False, allow_infinity=False)
    | SPECIAL_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(SPECIAL_TEXT, inner, max_size=3), max_leaves=8)


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, path + (index,))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_json_reader_agrees_with_yaml_on_edited_rule_data(data):
    """Valid JSON throughout (most of it read quickly), with awkward values put anywhere."""
    document = json.loads(SEED_JSON)
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(list(_paths(document))[1:]))
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict) and data.draw(st.booleans()):
            parent[data.draw(SPECIAL_TEXT)] = data.draw(JSON_VALUES)
        else:
            parent[path[-1]] = data.draw(JSON_VALUES)
    indent = data.draw(st.sampled_from([None, 0, 1, 3]))
    text = json.dumps(document, indent=indent, ensure_ascii=data.draw(st.booleans()))
    if not _utf8(text):  # a lone surrogate: files are decoded from UTF-8, so text never holds one
        text = json.dumps(document, indent=indent)
    check_json(text)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(mutate(SEED_YAML, YAML_TOKENS))
def test_quick_yaml_reader_agrees_with_the_careful_one(text):
    check_yaml(text)


# ----------------------------------------------------------------------------- examples


def test_generated_file_is_read_quickly_and_the_same(tmp_path):
    text = _generated(tmp_path, 40)
    assert jsonyaml.read(text, NAME) is not None
    check_json(text)
    check_yaml(text)


def test_shipped_rule_files_read_the_same(tmp_path):
    for path in sorted(RULES.glob("*.yaml")):
        check_yaml(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text, reason", [
    ('{"a": 1e5}', "YAML 1.1 reads 1e5 as text"),
    ('{"a": 1.5E+3}', "an exponent"),
    ('{"a": NaN}', "not a JSON number"),
    ('{"a": "\\ud83d\\ude00"}', "surrogate escapes"),
    ('{"a":\t1}', "a tab"),
    ('{"a": 1,\r"b": 2}', "a lone carriage return"),
    ('{"a": "x\u2028y"}', "a YAML line break inside a string"),
    ('{"a": "x\ufeffy"}', "a byte-order mark inside a string"),
    ('{"a"\n: 1}', "a key on another line than its colon"),
    ('{"a"' + " " * 20 + ': 1}', "a key far from its colon"),
    ('{"' + "k" * 200 + '": 1}', "a key YAML cannot take as a simple key"),
    ('{"a": 1, "a": 2}', "a repeated key"),
    ('{"<key>": 1}', "the name the YAML reader files keys under"),
    ('["a", "b"]', "not a mapping"),
    ('{"a": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}", "too deep"),
])
def test_json_reader_declines(text, reason):
    assert jsonyaml.read(text, NAME) is None, reason
    check_json(text)


def test_json_at_the_depth_limit_is_read_quickly():
    text = '{"a": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"
    assert jsonyaml.read(text, NAME) is not None
    check_json(text)
    deep = '{"a": ' + '{"b": ' * (MAX_DEPTH - 1) + "1" + "}" * (MAX_DEPTH - 1) + "}"
    assert jsonyaml.read(deep, NAME) is not None
    check_json(deep)


@pytest.mark.parametrize("text, code", [
    ('{"area": ' + "[" * 5000 + "]" * 5000 + "}", "E124"),
    ('{"area": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}", "E124"),
    ('{"area": [' + ", ".join(["1"] * (MAX_YAML_NODES + 10)) + "]}", "E125"),  # too many values: no alias bomb
    ('{"area": "a", "area": "b"}', "E123"),
    ('{"area": NaN}', None),  # text to YAML 1.1 (its not-a-number is .nan)
    ('{"area": 1e999}', None),  # YAML 1.1 reads it as text: the schema then refuses it
    ('{"area": "a"', "E120"),
])
def test_hostile_json_gets_the_careful_message(text, code):
    expected = outcome(careful, text)
    got = outcome(lambda t: parse_yaml(t, NAME), text)
    assert got[:2] == expected[:2]
    if code:
        assert got[0] == "error" and f"[{code}]" in got[1], got[1]


def test_positions_count_characters_and_crlf_lines():
    text = '{\r\n "title": "caf\u00e9 \U0001F600",\r\n "rules": [\r\n  {"id": "a", "x": {"y": 1}}\r\n ]\r\n}\r\n'
    data, marks = jsonyaml.read(text, NAME)
    assert (marks.location(("rules", 0)).line, marks.location(("rules", 0)).column) == (4, 3)
    assert (marks.location(("rules", 0, "x")).line, marks.location(("rules", 0, "x")).column) == (4, 20)
    check_json(text)


def test_impossible_date_and_huge_integer_are_one_line_errors():
    for text in ("area: 2001-13-45\n", "area: " + "9" * 5000 + "\n"):
        got = outcome(lambda t: parse_yaml(t, NAME), text)
        if got[0] == "error":
            assert "\n" not in got[1] and "x.yaml:1:7" in got[1]
    assert parse_yaml("area: 2001-13-45\n", NAME)[0] == {"area": "2001-13-45"}


def test_deep_block_yaml_never_reaches_the_composer(monkeypatch):
    """The quick reader has no recursion; the careful one measures depth before composing."""
    composed = []
    real = yaml.compose
    monkeypatch.setattr(yaml, "compose", lambda *a, **k: composed.append(1) or real(*a, **k))
    for text in ("- " * 100_000 + "x\n", "a: " + "[" * 100_000 + "\n", "a:\n" + "".join(
            " " * i + "b:\n" for i in range(1, 3000))):
        with pytest.raises(InputError) as caught:
            parse_yaml(text, NAME)
        assert caught.value.code in ("E124", "E120")
    assert not composed


# ----------------------------------------------------------------------------- through the loader


def _load(folder: Path, *, quick: bool, strict: bool = False):
    import advisor.io.jsonyaml as module

    if quick:
        return load_rule_base([folder], KB.fields, KB.catalog, strict=strict)
    saved = module.read
    module.read = lambda text, name: None
    try:
        return load_rule_base([folder], KB.fields, KB.catalog, strict=strict)
    finally:
        module.read = saved


def _locations(rules) -> list:
    out = []
    for rule in rules:
        out.append((rule.id, rule.location, tuple(c.location for c in rule.then),
                    tuple(c.location for c in rule.sources), tuple(t.location for t in rule.tests())))
    return out


def test_loader_gives_the_same_rules_and_locations_both_ways(tmp_path):
    write_rule_base(tmp_path, KB.fields, KB.catalog, 300, seed=5)
    quick, slow = _load(tmp_path, quick=True), _load(tmp_path, quick=False)
    assert quick.rules == slow.rules
    assert _locations(quick.rules.rules) == _locations(slow.rules.rules)
    assert [p.render() for p in quick.problems] == [p.render() for p in slow.problems]
    assert quick.rule_paths.keys() == slow.rule_paths.keys()


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture], max_examples=30)
@given(mutate(SEED_JSON, ['"price_levl"', '"hihg"', '"seo-magic"', '"equal"', '"sales-chanel"', '"009"', '"x"',
                          '17', 'true', '"gen-00000"', '{}', '[]']))
def test_loader_reports_the_same_problems_both_ways(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("rules")
    (folder / "x.yaml").write_text(text, encoding="utf-8")
    for strict in (False, True):
        results = []
        for quick in (True, False):
            try:
                loaded = _load(folder, quick=quick, strict=strict)
            except RuleFileError as error:
                results.append(("error", error.render()))
            else:
                results.append(("ok", [p.render() for p in loaded.problems], _locations(loaded.rules.rules),
                                loaded.fact_declarations))
        assert results[0] == results[1]
