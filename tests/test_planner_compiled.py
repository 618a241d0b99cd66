"""The planner's compiled conditions (advisor.interview.compiled) give what its interpreter (Planner._status) gives.

* every rule and ``ask_if`` of the shipped base and of two generated bases,
  over random partial answers with random fields left open or skipped: the
  compiled status equals the interpreted one, and the planner's evaluation
  (statuses and derived facts) equals an evaluation that interprets every
  condition;
* random condition trees over every operator, operand type and fact value
  (including values the shipped rules never derive);
* the assessments of the bundled examples (and of partial answers made from
  them) equal those the planner gave before its conditions were compiled,
  kept in tests/data/planner-examples.json (``--regen-golden`` rewrites it).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import random
from typing import Any

import pytest
from conftest import EXAMPLES, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from planner_kit import write_disputed_rules

from advisor.interview.compiled import ABSENT, compile_status
from advisor.interview.planner import Planner
from advisor.kb import All, Any_, Not
from advisor.kb import Test as KbTest
from advisor.kb.generate import random_profile, write_rule_base
from advisor.kb.knowledge_base import load_knowledge_base

SNAPSHOT = ROOT / "tests" / "data" / "planner-examples.json"


def _planner(kb) -> Planner:
    planner = kb.__dict__.get("_compiled_test_planner")
    if planner is None:
        planner = Planner(kb)
        object.__setattr__(kb, "_compiled_test_planner", planner)
    return planner


@pytest.fixture(scope="module")
def disputed(tmp_path_factory, kb):
    folder = write_disputed_rules(tmp_path_factory.mktemp("disputed"), kb, 250, seed=9)
    return load_knowledge_base(rules=[folder], use_cache=False)


@pytest.fixture(scope="module")
def generated(tmp_path_factory, kb):
    folder = tmp_path_factory.mktemp("generated")
    write_rule_base(folder, kb.fields, kb.catalog, 400, seed=4)
    return load_knowledge_base(rules=[folder], use_cache=False)


# --------------------------------------------------------------------------- every condition of a base


def _interpreted(planner: Planner, answers: dict[str, Any], open_fields: frozenset[str]):
    """Every rule's status and every fact's (values, depends), interpreting each condition (the planner's
    evaluation as it was before conditions were compiled)."""
    status: dict[str, Any] = {}
    facts: dict[str, tuple[tuple[Any, ...], frozenset[str]]] = {}
    for rules, resolved in planner._plan:
        for rule in rules:
            status[rule.id] = planner._status(rule.when, answers, open_fields, facts)
        for fact in resolved:
            possible: list[Any] = []
            depends: set[str] = set()
            for rule, value in planner._derivers[fact]:
                s = status[rule.id]
                if s is False:
                    continue
                possible.append(value)
                if s is True:
                    break
                depends |= s
            else:
                possible.append(ABSENT)
            facts[fact] = (tuple(possible), frozenset(depends))
    return status, facts


class _Interpreting(Planner):
    """The planner with every condition interpreted, as it was before they were compiled."""

    def __init__(self, kb) -> None:
        super().__init__(kb)
        self._gates = {name: self._interpreter(cond) for name, cond in self.ask_if.items()}

    def _interpreter(self, cond):
        return lambda answers, open_fields, facts: self._status(cond, answers, open_fields, facts)

    def _evaluate(self, answers, open_fields):
        return _interpreted(self, answers, open_fields)


def _reference(kb) -> Planner:
    planner = kb.__dict__.get("_interpreting_test_planner")
    if planner is None:
        planner = _Interpreting(kb)
        object.__setattr__(kb, "_interpreting_test_planner", planner)
    return planner


def _fields_of(assessment) -> tuple:
    return tuple(getattr(assessment, f.name) for f in dataclasses.fields(assessment))


def _check_base(kb, data) -> None:
    planner = _planner(kb)
    rng = random.Random(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    answers = random_profile(kb.fields, rng, data.draw(st.sampled_from([0.0, 0.3, 0.75, 1.0]), label="rate"))
    names = kb.fields.names()
    open_fields = frozenset(n for n in names if n not in answers and rng.random() < 0.7)
    if rng.random() < 0.3:  # answered fields treated as open too: the status only reads what is not open
        open_fields |= {n for n in answers if rng.random() < 0.2}
    status, facts = _interpreted(planner, answers, open_fields)
    compiled_status, compiled_facts = planner._evaluate(answers, open_fields)
    assert compiled_status == status
    assert compiled_facts == facts
    by_id = {rule.id: rule for rules, _ in planner._plan for rule in rules}
    for rules, _ in planner._compiled_plan:
        for rule_id, compiled in rules:
            assert compiled(answers, open_fields, facts) == status[rule_id], rule_id
            assert status[rule_id] == planner._status(by_id[rule_id].when, answers, open_fields, facts)
    for name, cond in planner.ask_if.items():
        expected = planner._status(cond, answers, open_fields, facts)
        assert planner._gates[name](answers, open_fields, facts) == expected, name
    skipped = {n for n in names if n not in answers and n not in open_fields}
    assert _fields_of(planner.assess(answers, skipped)) == _fields_of(_reference(kb).assess(answers, skipped))
    assert planner.inapplicable_answers(answers, skipped) == _reference(kb).inapplicable_answers(answers, skipped)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_compiled_conditions_of_the_shipped_base(kb, data):
    _check_base(kb, data)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_compiled_conditions_of_a_generated_base(generated, data):
    _check_base(generated, data)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_compiled_conditions_of_a_disputed_base(disputed, data):
    _check_base(disputed, data)


# --------------------------------------------------------------------------- any condition

FIELDS = {"c": st.sampled_from(["a", "b", "c"]), "n": st.one_of(st.integers(-3, 3), st.sampled_from([0.5, 2.0])),
          "b": st.booleans(), "m": st.lists(st.sampled_from(["a", "b", "c"]), max_size=3, unique=True)}
WORDS = st.sampled_from(["a", "b", "c"])
WORD_TUPLES = st.lists(WORDS, min_size=1, max_size=3, unique=True).map(tuple)
NUMBERS = st.one_of(st.integers(-3, 3), st.sampled_from([0.5, 2.0]))
ANY_VALUE = st.one_of(st.booleans(), NUMBERS, WORDS)
OPERATORS = {
    "c": [("equals", WORDS), ("in", WORD_TUPLES), ("not_in", WORD_TUPLES), ("answered", st.booleans())],
    "n": [(op, NUMBERS) for op in ("equals", "less_than", "at_most", "greater_than", "at_least")]
    + [("answered", st.booleans())],
    "b": [("equals", st.booleans()), ("answered", st.booleans())],
    "m": [("contains", WORDS), ("contains_any", WORD_TUPLES), ("answered", st.booleans())],
}
FACT_OPERATORS = [("equals", ANY_VALUE), ("in", st.lists(ANY_VALUE, min_size=1, max_size=3).map(tuple)),
                  ("not_in", st.lists(ANY_VALUE, min_size=1, max_size=3).map(tuple)), ("answered", st.booleans())] + [
    (op, NUMBERS) for op in ("less_than", "at_most", "greater_than", "at_least")]
FACTS = ["f", "g", "h"]  # h is never in the facts: no rule sets it


@st.composite
def single_tests(draw) -> KbTest:
    if draw(st.booleans()):
        name = draw(st.sampled_from(sorted(FIELDS)))
        op, values = draw(st.sampled_from(OPERATORS[name]))
        return KbTest("field", name, op, draw(values))
    op, values = draw(st.sampled_from(FACT_OPERATORS))
    return KbTest("fact", draw(st.sampled_from(FACTS)), op, draw(values))


conditions = st.recursive(single_tests(), lambda inner: st.one_of(
    inner.map(Not), st.lists(inner, max_size=4).map(lambda xs: All(tuple(xs))),
    st.lists(inner, max_size=4).map(lambda xs: Any_(tuple(xs)))), max_leaves=12)


@st.composite
def situations(draw) -> tuple[dict[str, Any], frozenset[str], dict[str, Any]]:
    answers = {name: draw(values) for name, values in FIELDS.items() if draw(st.booleans())}
    open_fields = frozenset(draw(st.sets(st.sampled_from(sorted(FIELDS)))) - set(answers))
    facts = {}
    for name in FACTS[:2]:
        if draw(st.booleans()):
            possible = draw(st.lists(st.one_of(ANY_VALUE, st.just(ABSENT)), min_size=1, max_size=3))
            depends = frozenset(draw(st.sets(st.sampled_from(sorted(FIELDS)), min_size=1)))
            facts[name] = (tuple(possible), depends)
    return answers, open_fields, facts


@settings(max_examples=400, deadline=None)
@given(cond=st.one_of(st.none(), conditions), situation=situations())
def test_compiled_condition_equals_the_interpreted_one(kb, cond, situation):
    answers, open_fields, facts = situation
    expected = _planner(kb)._status(cond, answers, open_fields, facts)
    assert compile_status(cond)(answers, open_fields, facts) == expected


# --------------------------------------------------------------------------- the examples, as before


def _variants(answers: dict[str, Any]) -> list[tuple[dict[str, Any], list[str]]]:
    """The answers, then with every second answer left open, then with two thirds open or skipped."""
    names = sorted(answers)
    return [(answers, []),
            ({k: answers[k] for k in names[::2]}, []),
            ({k: answers[k] for k in names[::3]}, names[1::3])]


def _snapshot(planner: Any, kb) -> dict[str, Any]:
    from advisor.inference.run import as_profile

    out: dict[str, Any] = {}
    for path in sorted(EXAMPLES.glob("*.json")):
        answers = as_profile(kb, json.loads(path.read_text(encoding="utf-8"))).as_dict()
        runs = []
        for partial, skipped in _variants(answers):
            a = planner.assess(partial, skipped)
            whole = {
                "open": sorted(a.open), "inapplicable": sorted(a.inapplicable),
                "stakes": {k: sorted(v) for k, v in a.stakes.items()}, "askable": list(a.askable),
                "waiting": list(a.waiting), "decided": sorted(a.decided), "answers": a.answers,
                "skipped": sorted(a.skipped), "unsettled": sorted(map(list, a.unsettled)),
                "reach": {k: sorted(map(list, v)) for k, v in sorted(a.reach.items())},
                "next": planner.choose(a), "inapplicable_answers": planner.inapplicable_answers(partial, skipped)}
            # the small parts as they are, everything (over a megabyte for the examples) as a digest
            text = json.dumps(whole, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
            runs.append({**{k: whole[k] for k in ("askable", "waiting", "next", "inapplicable_answers")},
                         "unsettled": len(a.unsettled), "digest": hashlib.sha256(text.encode()).hexdigest()})
        out[path.stem] = runs
    return out


def test_the_examples_are_assessed_as_before(kb, request):
    actual = _snapshot(_planner(kb), kb)
    if request.config.getoption("--regen-golden"):
        SNAPSHOT.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert sorted(actual) == sorted(expected)
    for name in expected:
        assert json.loads(json.dumps(actual[name])) == expected[name], name
