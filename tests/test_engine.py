"""The durable-rules engine on small hand-written rule bases, checked against known answers."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from advisor.api import engine_for, infer
from advisor.inference.reference import ReferenceEvaluator

HEAD = """
area: test
title: Test rules
rules:
"""
CITE = '    source: {doc: "004", section: sales-channel}\n    because: A rule written for a test of the engine.\n'


def rule(rule_id: str, when: str, then: str = "      - recommend: seo", priority: int = 50) -> str:
    when_block = textwrap.indent(textwrap.dedent(when).strip(), "      ")
    return (f"  - id: {rule_id}\n    title: Test rule {rule_id}\n    priority: {priority}\n"
            f"    when:\n{when_block}\n    then:\n{then}\n{CITE}")


def fired(kb, profile) -> set[str]:
    return set(infer(kb, profile).fired_ids())


def test_equality_and_one_of(make_kb):
    kb = make_kb(HEAD + rule("eq", "field: price_level\nequals: high")
                 + rule("one-of", "field: price_level\nin: [high, luxury]"))
    assert fired(kb, {"price_level": "high"}) == {"eq", "one-of"}
    assert fired(kb, {"price_level": "luxury"}) == {"one-of"}
    assert fired(kb, {"price_level": "low"}) == set()
    assert fired(kb, {}) == set()


def test_not_in_needs_an_answer_but_not_does_not(make_kb):
    kb = make_kb(HEAD + rule("not-in", "field: price_level\nnot_in: [high, luxury]")
                 + rule("negated", "not:\n  field: price_level\n  in: [high, luxury]"))
    assert fired(kb, {"price_level": "low"}) == {"not-in", "negated"}
    assert fired(kb, {"price_level": "high"}) == set()
    assert fired(kb, {}) == {"negated"}  # unanswered: not(...) holds, not_in does not


def test_numeric_comparisons_and_between(make_kb):
    kb = make_kb(HEAD
                 + rule("lt", "field: months_online\nless_than: 6")
                 + rule("le", "field: months_online\nat_most: 6")
                 + rule("gt", "field: months_online\ngreater_than: 6")
                 + rule("ge", "field: months_online\nat_least: 6")
                 + rule("between", "field: months_online\nbetween: [3, 12]"))
    assert fired(kb, {"months_online": 6}) == {"le", "ge", "between"}
    assert fired(kb, {"months_online": 2}) == {"lt", "le"}
    assert fired(kb, {"months_online": 13}) == {"gt", "ge"}
    assert fired(kb, {"months_online": 12}) == {"gt", "ge", "between"}
    assert fired(kb, {}) == set()


def test_list_conditions(make_kb):
    kb = make_kb(HEAD
                 + rule("has-stores", "field: offline_channels\ncontains: physical_stores")
                 + rule("any-personal", "field: offline_channels\ncontains_any: [sales_staff, phone_sales]")
                 + rule("both", "field: offline_channels\ncontains_all: [physical_stores, dealers]")
                 + rule("no-stores", "not:\n  field: offline_channels\n  contains: physical_stores"))
    assert fired(kb, {"offline_channels": ["physical_stores", "dealers"]}) == {"has-stores", "both"}
    assert fired(kb, {"offline_channels": ["sales_staff", "phone_sales"]}) == {"any-personal", "no-stores"}
    assert fired(kb, {"offline_channels": []}) == {"no-stores"}
    assert fired(kb, {}) == {"no-stores"}


def test_answered_and_unanswered(make_kb):
    kb = make_kb(HEAD
                 + rule("answered", "field: brand_awareness\nanswered: true")
                 + rule("unanswered", "field: brand_awareness\nanswered: false")
                 + rule("list-answered", "field: offline_channels\nanswered: true"))
    assert fired(kb, {"brand_awareness": "famous"}) == {"answered"}
    assert fired(kb, {}) == {"unanswered"}
    assert fired(kb, {"offline_channels": []}) == {"unanswered", "list-answered"}


def test_booleans_are_not_numbers(make_kb):
    kb = make_kb(HEAD + rule("is-yes", "field: viral_capability\nequals: true")
                 + rule("is-no", "field: viral_capability\nequals: false"))
    assert fired(kb, {"viral_capability": True}) == {"is-yes"}
    assert fired(kb, {"viral_capability": False}) == {"is-no"}


def test_all_any_not_combinations(make_kb):
    kb = make_kb(HEAD + rule("combo", """
        all:
          - any:
              - field: product_type
                equals: services
              - field: price_level
                in: [high, luxury]
          - not:
              all:
                - field: storefront
                  equals: own_site
                - field: seo
                  equals: thorough
        """))
    assert fired(kb, {"product_type": "services"}) == {"combo"}
    assert fired(kb, {"price_level": "luxury", "storefront": "own_site", "seo": "basic"}) == {"combo"}
    assert fired(kb, {"price_level": "luxury", "storefront": "own_site", "seo": "thorough"}) == set()
    assert fired(kb, {"price_level": "low", "product_type": "vehicles"}) == set()


CHAIN = HEAD + """
  - id: a-derives
    title: Derive a from price
    when: {field: price_level, in: [high, luxury]}
    then: [{derive: a}]
    because: A rule written for a test of the engine.
    source: {doc: "004", section: sales-channel}
  - id: b-from-a
    title: Derive b from a and stage
    when: {all: [{fact: a}, {field: business_stage, equals: launch}]}
    then: [{derive: b}]
    because: A rule written for a test of the engine.
    source: {doc: "004", section: sales-channel}
  - id: c-from-b
    title: Recommend from b
    when: {fact: b}
    then: [{recommend: seo}]
    because: A rule written for a test of the engine.
    source: {doc: "004", section: sales-channel}
  - id: not-a
    title: Fires only when a was not derived
    when: {all: [{field: business_stage, answered: true}, {not: {fact: a}}]}
    then: [{recommend: pay-by-goal}]
    because: A rule written for a test of the engine.
    source: {doc: "004", section: sales-channel}
"""


def test_forward_chaining_through_derived_facts(make_kb):
    kb = make_kb(CHAIN)
    result = infer(kb, {"price_level": "high", "business_stage": "launch"})
    assert result.fired_ids() == ["a-derives", "b-from-a", "c-from-b"]
    assert [(f.rule_id, f.level) for f in result.firings] == [("a-derives", 0), ("b-from-a", 1), ("c-from-b", 2)]
    assert {d.fact: d.value for d in result.derived} == {"a": True, "b": True}


def test_negation_of_a_derived_fact_waits_for_its_derivers(make_kb):
    kb = make_kb(CHAIN)
    # a is derived, so not-a must not fire even though it sits in an early level
    assert "not-a" not in fired(kb, {"price_level": "high", "business_stage": "growth"})
    assert fired(kb, {"price_level": "low", "business_stage": "growth"}) == {"not-a"}


def test_provenance_names_the_matched_answers(make_kb):
    kb = make_kb(CHAIN + rule("two-ways", "field: offline_channels\ncontains_any: [dealers, sales_staff]"))
    result = infer(kb, {"price_level": "high", "business_stage": "launch",
                        "offline_channels": ["dealers", "sales_staff"]})
    by_id = {f.rule_id: f for f in result.firings}
    assert [m.facts for m in by_id["b-from-a"].matches] == [
        (("answer:business_stage", "launch"), ("derived:a", True))]
    # two members satisfy the rule: both matches are recorded
    assert [m.facts for m in by_id["two-ways"].matches] == [
        (("member:offline_channels=dealers", "dealers"),),
        (("member:offline_channels=sales_staff", "sales_staff"),)]


def test_conflicting_derivations_take_the_higher_priority(make_kb):
    kb = make_kb(HEAD + """
  - id: says-promotion
    title: Role is promotion
    priority: 40
    when: {field: product_type, equals: services}
    then: [{derive: web_role, value: promotion}]
    because: A rule written for a test of the engine.
    source: {doc: "004", section: sales-channel}
  - id: says-sales
    title: Role is sales
    priority: 80
    when: {field: price_level, equals: low}
    then: [{derive: web_role, value: sales}]
    because: A rule written for a test of the engine.
    source: {doc: "004", section: sales-channel}
  - id: uses-role
    title: Uses the role
    when: {fact: web_role, equals: sales}
    then: [{recommend: seo}]
    because: A rule written for a test of the engine.
    source: {doc: "004", section: sales-channel}
""")
    result = infer(kb, {"product_type": "services", "price_level": "low"})
    (derivation,) = result.derived
    assert (derivation.fact, derivation.value, derivation.rule_id) == ("web_role", "sales", "says-sales")
    assert derivation.overridden == (("says-promotion", "promotion"),)
    assert "uses-role" in result.fired_ids()


def test_engine_state_is_empty_after_each_profile(make_kb):
    kb = make_kb(CHAIN)
    engine = engine_for(kb)
    for profile in ({"price_level": "high", "business_stage": "launch"}, {}, {"price_level": "low"}):
        infer(kb, profile)
        assert engine.is_clean()


def test_facts_leave_in_the_reverse_order_of_their_arrival(make_kb):
    """Start facts first, then derived facts (latest level first), then the answers: a rule
    without a start fact loses its latest positive fact before any fact it negates. In the
    order of assertion, durable re-ran negations on the way out and damaged its memory now
    and then (segfaults, a dictionary lookup that never ended)."""
    import json

    from advisor.inference.engine import Engine

    kb = make_kb(CHAIN)
    engine = Engine(kb.compiled)
    calls = []

    class Recorder:
        def __init__(self, real):
            self.real = real

        def __getattr__(self, name):
            return getattr(self.real, name)

        def retract_facts(self, handle, text):
            calls.append(json.loads(text))
            return self.real.retract_facts(handle, text)

    engine._dre = Recorder(engine._dre)
    from advisor.api import as_profile

    profile = as_profile(kb, {"price_level": "high", "business_stage": "launch"})
    result = engine.infer_answers(profile.answers)
    assert {"a-derives", "b-from-a", "c-from-b"} <= set(result.fired_ids())
    assert len(calls) == 1  # one call per shard; this base fits one
    ids = [fact["id"] for fact in calls[0]]
    kinds = [i[0] for i in ids]
    starts = [k for k in kinds if k == "s"]
    assert kinds[:len(starts)] == starts  # start facts first
    rest = ids[len(starts):]
    assert rest.index("d_b") < rest.index("d_a")  # b (derived from a) leaves before a
    assert max(rest.index("d_a"), rest.index("d_b")) < min(rest.index(i) for i in rest if i[0] == "f")
    assert engine.is_clean()
    engine.close()


def test_equal_rules_share_an_engine_that_is_closed_after_the_last_goes(make_kb):
    """engine_for keeps no knowledge base alive: bases of equal compiled rules share one engine;
    when the last of them is freed it idles for a reload of the same rules, and is closed (its
    memory given back) once another engine takes its idle place."""
    import gc
    import weakref

    from advisor.inference import run

    gc.collect()  # knowledge bases other tests dropped are released now, not while this test watches
    kb, again = make_kb(CHAIN), make_kb(CHAIN)
    engine = engine_for(kb)
    assert engine_for(kb) is engine and engine_for(again) is engine
    infer(kb, {"price_level": "high"})
    kb_ref, engine_ref = weakref.ref(kb), weakref.ref(engine)
    del kb, again, engine
    gc.collect()
    assert kb_ref() is None
    reloaded = make_kb(CHAIN)
    assert engine_for(reloaded) is engine_ref()  # the idle engine serves the same rules again
    del reloaded
    gc.collect()
    edited = make_kb(CHAIN.replace("Derive b from a and stage", "Derive b").replace("[{derive: b}]",
                                                                                  "[{derive: b}]\n    priority: 60"))
    assert engine_for(edited) is not engine_ref()
    del edited
    gc.collect()  # the edited base's engine now idles in the one idle place: the first one was closed
    assert engine_ref() is None or engine_ref()._closed
    assert len(run._IDLE) == run.IDLE_ENGINES


def test_closing_deletes_each_state_then_its_ruleset(make_kb):
    """Deleting a ruleset alone leaks its state (about 6 MB each), so close() deletes the state
    first, which the sentinel rule fired at creation makes safe even in a state where no rule
    ever fired (the C engine frees two pointers it leaves unset until an action has run; a
    crash without the sentinel). Hundreds of engines that fire nothing are created and closed
    here; benchmarks/bench_memory.py measures the memory given back."""
    import durable_rules_engine as dre

    from advisor.api import as_profile
    from advisor.inference.engine import Engine

    kb = make_kb(CHAIN)
    nothing = as_profile(kb, {}).answers
    for round_ in range(300):
        engine = Engine(kb.compiled)
        handles = [shard[0] for shard in engine._shards]
        engine.infer_answers(nothing)
        if round_ % 2:
            engine.infer_answers(as_profile(kb, {"price_level": "high", "business_stage": "launch"}).answers)
        assert engine.is_clean()
        engine.close()
    for handle in handles:  # the last engine's rulesets are gone, and their states with them
        with pytest.raises(dre.error):
            dre.get_facts(handle, "0")


def test_shipped_base_agrees_with_the_reference_evaluator(kb):
    import random

    from advisor.inference.profile import validate_answers
    from advisor.kb.generate import random_profile

    reference = ReferenceEvaluator(kb.rules)
    rng = random.Random(2024)
    for _ in range(300):
        profile = validate_answers(random_profile(kb.fields, rng), kb.fields)
        expected = reference.run(profile.as_dict())
        got = infer(kb, profile)
        assert set(got.fired_ids()) == set(expected.fired), profile
        assert {d.fact: d.value for d in got.derived} == expected.derived


def test_many_profiles_that_fire_nothing_do_not_crash(tmp_path):
    """Regression for the double free in durable's deleteStateNode (states where no rule fired)."""
    script = textwrap.dedent("""
        from advisor.kb import load_knowledge_base
        from advisor.api import infer
        kb = load_knowledge_base(use_cache=False)
        for i in range(3000):
            result = infer(kb, {})
        # a fresh engine per knowledge base, many times over
        for i in range(40):
            kb = load_knowledge_base(use_cache=False)
            infer(kb, {})
        print("done", len(result.firings) >= 0)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          cwd=str(tmp_path))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "done True" in done.stdout


@pytest.mark.parametrize("profile", [{"price_level": "high"}, {}])
def test_same_profile_same_firings(make_kb, profile):
    kb = make_kb(CHAIN)
    first = infer(kb, profile)
    again = infer(kb, profile)
    assert first == again
