"""Rule files: every kind of mistake gets one message with the exact place, and exit status 2."""

from __future__ import annotations

import textwrap

import pytest

from advisor.errors import RuleFileError
from advisor.kb.knowledge_base import load_knowledge_base

GOOD_RULE = """
area: test
title: Test rules
rules:
  - id: good-rule
    title: A good rule
    when:
      field: price_level
      equals: high
    then:
      - recommend: seo
    because: A rule written for a test of the loader.
    source: {doc: "004", section: sales-channel}
"""


def load(write_rules, text: str):
    return load_knowledge_base(rules=[write_rules(text)], use_cache=False)


def error_of(write_rules, text: str) -> RuleFileError:
    with pytest.raises(RuleFileError) as caught:
        load(write_rules, text)
    return caught.value


@pytest.mark.parametrize("old, new, code, line, message", [
    ("field: price_level\n      equals: high", "field: price_levl\n      equals: high", "E301", 7,
     "unknown field 'price_levl'"),
    ("equals: high", "equals: hihg", "E304", 8, "'hihg' is not a choice of 'price_level'"),
    ("equals: high", "equal: high", "E300", 8, "unknown key 'equal'"),
    ("equals: high", "contains: high", "E305", 8, "'contains' applies to list fields"),
    ("equals: high", "less_than: 3", "E305", 8, "'less_than' compares numbers"),
    ("- recommend: seo", "- recommend: seo-magic", "E302", 10, "unknown channel or tactic 'seo-magic'"),
    ("- recommend: seo", "- warn: seo", "E302", 10, "'seo' is a channel, but 'warn' needs a mistake"),
    ('section: sales-channel', 'section: sales-chanel', "E303", 12, "document 004 has no section 'sales-chanel'"),
    ('doc: "004"', 'doc: "009"', "E303", 12, "unknown document '009'"),
    ("    because: A rule written for a test of the loader.\n", "", "E300", 4, "missing required key 'because'"),
    ("- recommend: seo", "- recomend: seo", "E300", 10, "needs one of the keys"),
])
def test_rule_mistakes_are_located(write_rules, old, new, code, line, message):
    assert old in GOOD_RULE
    error = error_of(write_rules, GOOD_RULE.replace(old, new))
    assert error.code == code
    assert error.location.line == line
    assert message in error.message
    assert error.location.path.endswith("test.yaml")


def test_suggestions_for_typos(write_rules):
    error = error_of(write_rules, GOOD_RULE.replace("price_level", "price_levle"))
    assert error.suggestion == "price_level"
    assert "did you mean 'price_level'?" in error.render()
    error = error_of(write_rules, GOOD_RULE.replace("equals: high", "equals: hgh"))
    assert error.suggestion == "high"
    assert "expected one of: low, medium, high, luxury" in error.render()


def test_breadcrumb_names_the_rule(write_rules):
    text = GOOD_RULE.replace("field: price_level\n      equals: high",
                             "all:\n        - field: storefront\n          equals: own_site\n"
                             "        - field: pricelevel\n          equals: high")
    error = error_of(write_rules, text)
    assert error.where == "rule 'good-rule' > when > all[1] > field"
    assert error.location.line == 10


def test_duplicate_rule_ids(write_rules):
    error = error_of(write_rules, GOOD_RULE + GOOD_RULE.split("rules:\n")[1])
    assert error.code == "E306"
    assert error.location.line == 13
    assert "already used at" in error.message and ":4:5" in error.message


def test_fact_never_derived(write_rules):
    error = error_of(write_rules, GOOD_RULE.replace("field: price_level\n      equals: high", "fact: ghost_fact"))
    assert error.code == "E309"
    assert "'ghost_fact' is never derived" in error.message


def test_cycle_is_spelled_out(write_rules):
    text = GOOD_RULE.split("rules:\n")[0] + "rules:\n" + textwrap.dedent("""
      - id: a-from-b
        title: A from B
        when: {fact: b}
        then: [{derive: a}]
        because: A rule written for a test of the loader.
        source: {doc: "004", section: sales-channel}
      - id: b-from-a
        title: B from A
        when: {fact: a}
        then: [{derive: b}]
        because: A rule written for a test of the loader.
        source: {doc: "004", section: sales-channel}
    """)
    error = error_of(write_rules, text)
    assert error.code == "E307"
    assert "a-from-b derives a" in error.message and "b-from-a derives b" in error.message


def test_yaml_syntax_error_has_line_and_column(write_rules):
    text = GOOD_RULE.replace("    title: A good rule", "    title: [unclosed")
    error = error_of(write_rules, text)
    assert error.code == "E120"
    # reported where the bracket opens (issue 19), with where the parser gave up in the message
    written = textwrap.dedent(text).lstrip()  # as write_rules writes it
    opened = next(i for i, line in enumerate(written.splitlines(), 1) if "[unclosed" in line)
    assert (error.location.line, error.location.column) == (opened, 12)
    assert f"'[' list opened at line {opened}, column 12 is not closed" in error.message
    assert "at line 6, column" in error.message and error.gave_up.line == 6


def test_rule_file_that_is_a_list(write_rules):
    error = error_of(write_rules, "- id: x\n- id: y\n")
    assert error.code == "E300"
    assert "is a list" in error.message


def test_empty_rule_file(write_rules):
    error = error_of(write_rules, "\n\n")
    assert error.code == "E103"


def test_norway_problem_is_explained(write_rules):
    error = error_of(write_rules, GOOD_RULE.replace("id: good-rule", "id: no"))
    assert "YAML reads unquoted yes/no" in error.message


def test_collecting_mode_reports_every_problem(write_rules, kb):
    from advisor.kb.loader import load_rule_base

    text = GOOD_RULE.replace("price_level", "price_levl") + GOOD_RULE.split("rules:\n")[1].replace(
        "good-rule", "second-rule").replace("seo", "seo-magic")
    result = load_rule_base([write_rules(text)], kb.fields, kb.catalog, strict=False)
    assert [(p.code, p.location.line) for p in result.problems] == [("E301", 7), ("E302", 19)]


def test_a_good_rule_loads_with_its_location(write_rules):
    kb = load(write_rules, GOOD_RULE)
    (rule,) = kb.rules.rules
    assert rule.id == "good-rule"
    assert rule.location.line == 4
    assert rule.sources[0].key() == "004#sales-channel"


def test_too_many_tests_in_one_alternative(write_rules):
    tests = "\n".join(f"        - field: months_online\n          at_least: {i}" for i in range(15))
    error = error_of(write_rules, GOOD_RULE.replace("field: price_level\n      equals: high", "all:\n" + tests))
    assert error.code == "E308" and "15 tests" in error.message


def test_too_many_alternatives(write_rules):
    anys = "\n".join("        - any:\n" + "\n".join(f"            - field: months_online\n              at_least: {i}"
                                                  for i in range(5)) for _ in range(3))
    error = error_of(write_rules, GOOD_RULE.replace("field: price_level\n      equals: high", "all:\n" + anys))
    assert error.code == "E308" and "125 alternatives" in error.message


def _chain(length: int, loop: bool = False) -> str:
    """Rules deriving fact f0 from a field and each f<i> from f<i-1>, written last first."""
    import json

    rules = []
    for i in range(length):
        when = {"fact": f"f{i - 1}"} if i else ({"fact": f"f{length - 1}"} if loop else
                                                {"field": "price_level", "equals": "high"})
        rules.append({"id": f"r{i}", "title": "A link of a long chain", "when": when,
                      "then": [{"derive": f"f{i}"}], "because": "A rule written for a test of the loader.",
                      "source": {"doc": "004", "section": "sales-channel"}})
    rules.append({"id": "end", "title": "The end of the chain", "when": {"fact": f"f{length - 1}"},
                  "then": [{"recommend": "seo"}], "because": "A rule written for a test of the loader.",
                  "source": {"doc": "004", "section": "sales-channel"}})
    return json.dumps({"area": "test", "title": "A long chain", "rules": rules[::-1]}, indent=1)


def test_a_long_chain_of_derived_facts_loads_and_compiles(write_rules):
    """Levels and cycles are found without recursion: a chain far longer than Python's recursion limit."""
    from advisor.kb.loader import dependency_levels

    kb = load(write_rules, _chain(3000))
    levels = dependency_levels(kb.rules.rules)
    assert levels["end"] == 3000 and levels["r0"] == 0 and levels["r2999"] == 2999


def test_a_long_cycle_is_summarised_in_one_readable_line(write_rules):
    """Spelled out whole, a cycle of thousands of rules was a line of hundreds of kilobytes; the
    message names its length, its first and last steps, and where every step is listed."""
    error = error_of(write_rules, _chain(2500, loop=True))
    assert error.code == "E307"
    assert "a cycle of 2,500 rules: r0 derives f0 -> r2499 derives f2499 ->" in error.message
    assert "... (2,494 more) -> r2 derives f2 -> r1 derives f1 -> back to r0" in error.message
    assert "advisor audit --format json" in error.message
    assert error.message.count(" derives ") == 6 and len(error.render()) < 600


def test_a_null_key_beside_an_unknown_key_is_a_schema_error(write_rules):
    """A bare `?` makes a null key; sorting it with text keys once crashed the schema message."""
    from advisor.kb.loader import load_rule_base

    kb = load_knowledge_base()
    result = load_rule_base([write_rules("? \nrea: test\ntitle: x\nrules: []\n")], kb.fields, kb.catalog,
                            strict=False)
    shown = [problem.render() for problem in result.problems]
    assert any("test.yaml:2:1: unknown key 'rea'" in line for line in shown), shown


def test_gc_paused_restores_the_collector_and_cycles_are_still_collected():
    import gc
    import weakref

    from advisor.kb.loader import gc_paused

    class Node:
        pass

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        a, b = Node(), Node()
        a.other, b.other = b, a  # a cycle only the collector can free
        alive = weakref.ref(a)
        del a, b
    assert gc.isenabled()
    gc.collect()
    assert alive() is None
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # a caller's choice is left alone
    finally:
        gc.enable()
