"""The audit's reasoning against brute force: what it calls impossible, implied or an example is checked
by trying every answer (small fields) or by the reference evaluator (a generated rule base)."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.audit.domains import ABSENT
from advisor.audit.reasoning import Reasoner
from advisor.inference.reference import test_holds as holds_for
from advisor.kb.catalog import load_catalog
from advisor.kb.fields import load_fields
from advisor.kb.model import Test as Probe

KNOWLEDGE = Path(__file__).resolve().parent / "audit_corpus" / "knowledge"
CATALOG = load_catalog(KNOWLEDGE)
FIELDS = load_fields(KNOWLEDGE / "fields.yaml", CATALOG)
THRESHOLDS = [-5, 0, 1, 29.5, 30, 50, 99, 100, 150]


def every_answer(name: str) -> list:
    """Every answer a field can hold (the number field: every whole number, and a few outside)."""
    f = FIELDS.get(name)
    if f.type == "multi":
        ids = f.choice_ids()
        subsets = [list(c) for n in range(len(ids) + 1) for c in itertools.combinations(ids, n)]
        return [ABSENT] + subsets
    if f.is_numeric:
        return [ABSENT] + list(range(int(f.minimum), int(f.maximum) + 1))
    return [ABSENT] + list(f.domain())


def strategy_for(name: str) -> st.SearchStrategy:
    f = FIELDS.get(name)
    answered = st.builds(Probe, st.just("field"), st.just(name), st.just("answered"), st.booleans())
    if f.type == "multi":
        ids = f.choice_ids()
        return st.one_of(
            answered,
            st.builds(Probe, st.just("field"), st.just(name), st.just("contains"), st.sampled_from(ids)),
            st.builds(Probe, st.just("field"), st.just(name), st.just("contains_any"),
                      st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True).map(tuple)),
        )
    if f.is_numeric:
        return st.one_of(answered, st.builds(Probe, st.just("field"), st.just(name),
                                             st.sampled_from(["less_than", "at_most", "greater_than", "at_least",
                                                              "equals"]), st.sampled_from(THRESHOLDS)))
    values = list(f.domain())
    return st.one_of(
        answered,
        st.builds(Probe, st.just("field"), st.just(name), st.just("equals"), st.sampled_from(values)),
        st.builds(Probe, st.just("field"), st.just(name), st.sampled_from(["in", "not_in"]),
                  st.lists(st.sampled_from(values), min_size=1, max_size=len(values), unique=True).map(tuple)),
    )


def literals_for(name: str) -> st.SearchStrategy:
    return st.lists(st.tuples(st.booleans(), strategy_for(name)), min_size=1, max_size=4)


def holds(literals, value) -> bool:
    answers = {} if value is ABSENT else {literals[0][1].name: value}
    return all(holds_for(test, answers, {}) == positive for positive, test in literals)


def reasoner_for(*literal_lists) -> Reasoner:
    """A reasoner whose number domains are cut at every threshold the literals use (as a rule base's are)."""
    from advisor.kb.model import All, Rule

    tests = [test for literals in literal_lists for _, test in literals]
    rule = Rule("probe", "probe", All(tuple(tests)) if tests else None, (), "probe", ())
    return Reasoner([rule], FIELDS)


NAMES = ["price_level", "counts_on_viral", "repeat_customer_share", "offline_channels"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(NAMES).flatmap(literals_for))
def test_a_conjunction_is_impossible_exactly_when_no_answer_satisfies_it(literals):
    reasoner = reasoner_for(literals)
    state, reason = reasoner.conjoin(literals)
    possible = any(holds(literals, value) for value in every_answer(literals[0][1].name))
    assert (state is not None) == possible
    if state is None:
        assert reason.literals and reason.literals[-1] in literals


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(NAMES).flatmap(literals_for))
def test_the_example_answer_satisfies_the_conjunction(literals):
    reasoner = reasoner_for(literals)
    state, _ = reasoner.conjoin(literals)
    if state is None:
        return
    for prefer_absent in (True, False):
        profile = reasoner.witness(state, prefer_absent)
        name = literals[0][1].name
        assert holds(literals, profile.get(name, ABSENT))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(NAMES).flatmap(lambda name: st.tuples(literals_for(name), literals_for(name))))
def test_implication_is_sound(pair):
    a, b = pair
    reasoner = reasoner_for(a, b)
    state_a, _ = reasoner.conjoin(a)
    state_b, _ = reasoner.conjoin(b)
    if state_a is None or state_b is None or not reasoner.implies(state_a, state_b):
        return
    for value in every_answer(a[0][1].name):
        if holds(a, value):
            assert holds(b, value), (a, b, value)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated rule base (shipped knowledge), its audit and many random profiles' firings."""
    from advisor.audit.runner import run
    from advisor.inference.reference import ReferenceEvaluator
    from advisor.kb.generate import random_profile, write_rule_base
    from advisor.kb.knowledge_base import load_knowledge_base

    kb = load_knowledge_base()
    folder = tmp_path_factory.mktemp("generated")
    write_rule_base(folder, kb.fields, kb.catalog, 1500, seed=7)  # enough to hold every kind of defect
    findings = run([folder])
    base = load_knowledge_base(rules=[folder], use_cache=False)
    evaluator = ReferenceEvaluator(base.rules)
    rng = random.Random(3)
    firings = [set(evaluator.run(random_profile(base.fields, rng, answer_rate=rng.random())).fired)
               for _ in range(1500)]
    return findings, firings, evaluator


def test_generated_rules_said_never_to_fire_never_fire(generated):
    findings, firings, _ = generated
    never = {f.rules[0] for f in findings if f.code in ("A201", "A202", "A203")}
    assert len(never) >= 5  # the generator makes some, so the check is exercised
    assert not any(rule in fired for fired in firings for rule in never)


def test_generated_subsumed_rules_never_fire_without_their_cover(generated):
    findings, firings, _ = generated
    pairs = [(f.rules[0], f.rules[1]) for f in findings if f.code in ("A501", "A502")]
    assert len(pairs) >= 5
    exercised = 0
    for rule, cover in pairs:
        for fired in firings:
            if rule in fired:
                exercised += 1
                assert cover in fired, (rule, cover)
    assert exercised > 0


def test_generated_conflict_examples_fire_both_rules(generated):
    findings, _, evaluator = generated
    for f in findings:
        if f.code in ("A601", "A602"):
            assert set(f.rules) <= set(evaluator.run(f.example).fired)


def test_a_fact_check_reaches_the_fixpoint_first():
    """Regression: check() asked before anything else must not take every fact's derivers for dead."""
    from advisor.kb.knowledge_base import load_knowledge_base

    corpus = Path(__file__).resolve().parent / "audit_corpus"
    kb = load_knowledge_base(KNOWLEDGE, rules=[corpus / "clean" / "rules"], use_cache=False)
    reasoner = Reasoner(kb.rules.rules, kb.fields)
    (alt,) = reasoner.alternatives(kb.rule("close-personally"))
    assert alt.needs and reasoner.check(alt) is None
