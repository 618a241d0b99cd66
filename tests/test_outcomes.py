"""advisor.inference.outcomes: which advice items are settled while some rules are undecided, checked against the report.

The model is told which rules surely fire and which may; whatever subset of the
undecided rules then fires, the report (built by advisor.report.build from those
firings, conflicts decided by advisor.inference.conclude) must give the same outcome for
every item the model calls settled, and one undecided rule must only ever
change items the model says it can reach.
"""

from __future__ import annotations

import random

import pytest
from ask_kit import write_kb
from hypothesis import given, settings
from hypothesis import strategies as st
from planner_kit import advice_of_firings, changed_items, write_disputed_rules

from advisor.inference.outcomes import ADVICE_KINDS, OutcomeModel
from advisor.kb.knowledge_base import load_knowledge_base


@pytest.fixture(scope="module")
def disputed(tmp_path_factory, kb):
    folder = write_disputed_rules(tmp_path_factory.mktemp("disputed"), kb, 300, seed=11)
    return load_knowledge_base(rules=[folder], use_cache=False)


def _advice_rules(kb) -> list[str]:
    return sorted(r.id for r in kb.rules.rules if any(c.kind in ADVICE_KINDS for c in r.then))


def _check_against_the_report(kb, rng: random.Random) -> None:
    model = OutcomeModel([r for r in kb.rules.rules], kb.catalog)
    rules = _advice_rules(kb)
    share_fired, share_open = rng.random() * 0.3, rng.random() * 0.5
    fired, undecided = [], []
    for rule_id in rules:
        roll = rng.random()
        if roll < share_fired:
            fired.append(rule_id)
        elif roll < share_fired + share_open:
            undecided.append(rule_id)
    unsettled, reach = model.open_items(fired, undecided)
    assert set(reach) <= set(undecided) and all(items <= unsettled for items in reach.values())
    surely = advice_of_firings(kb, fired)
    for _ in range(3):
        some = [r for r in undecided if rng.random() < rng.random()]
        advice = advice_of_firings(kb, fired + some)
        assert changed_items(surely, advice) <= unsettled, (changed_items(surely, advice) - unsettled, fired, some)
        for rule_id in rng.sample(undecided, min(4, len(undecided))):  # one rule more or less
            toggled = [r for r in some if r != rule_id] if rule_id in some else some + [rule_id]
            changed = changed_items(advice, advice_of_firings(kb, fired + toggled))
            assert changed <= reach.get(rule_id, frozenset()), (rule_id, changed, fired, some)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_settled_items_and_reach_agree_with_the_report_shipped(kb, seed):
    _check_against_the_report(kb, random.Random(seed))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_settled_items_and_reach_agree_with_the_report_generated(disputed, seed):
    _check_against_the_report(disputed, random.Random(seed))


# --------------------------------------------------------------------------- worked by hand

CONFLICTS = """
    area: test
    title: Disagreements, worked by hand
    rules:
      - id: close-in-person
        title: Close in person
        priority: 50
        when: {field: sells, equals: services}
        then: [{recommend: personal-closing, strength: moderate}]
        because: Services sell in person.
        source: {doc: "000", section: all}
      - id: close-in-person-strongly
        title: Close in person, strongly
        priority: 40
        when: {field: price, equals: high}
        then: [{recommend: personal-closing, strength: strong}]
        because: Expensive things sell in person.
        source: {doc: "000", section: all}
      - id: dealers-object
        title: Dealers object
        priority: 60
        when: {field: channels, contains: dealers}
        then: [{avoid: personal-closing}]
        because: The dealers close the sales.
        source: {doc: "000", section: all}
      - id: dealers-conflict
        title: Dealers and the web
        priority: 45
        when: {field: channels, contains: shops}
        then: [{warn: dealer-conflict}]
        because: Online prices undercut dealers.
        source: {doc: "000", section: all}
"""


@pytest.fixture(scope="module")
def hand(tmp_path_factory):
    knowledge, rules = write_kb(tmp_path_factory.mktemp("hand"), rules=CONFLICTS)
    mistakes = knowledge / "mistakes.yaml"
    mistakes.write_text(mistakes.read_text().replace("    severity: high\n",
                                                     "    severity: high\n    targets: [personal-closing]\n"))
    return load_knowledge_base(knowledge, [rules], use_cache=False)


def _open(hand, fired, undecided):
    return OutcomeModel(hand.rules.rules, hand.catalog).open_items(fired, undecided)


def test_a_recommendation_already_made_at_its_strength_is_settled(hand):
    unsettled, reach = _open(hand, ["close-in-person-strongly"], ["close-in-person"])
    assert unsettled == set() and reach == {}  # one more supporting rule changes nothing


def test_a_stronger_rule_still_open_leaves_the_strength_open(hand):
    unsettled, reach = _open(hand, ["close-in-person"], ["close-in-person-strongly"])
    assert unsettled == {("recommend", "personal-closing")}
    assert reach == {"close-in-person-strongly": {("recommend", "personal-closing")}}


def test_a_higher_priority_avoid_that_fired_settles_the_item(hand):
    # avoid at 60 beats both recommendations (50, 40): whatever they do, the item is not advised
    unsettled, reach = _open(hand, ["dealers-object"], ["close-in-person", "close-in-person-strongly"])
    assert unsettled == set() and reach == {}


def test_an_open_avoid_against_a_recommendation_leaves_both_lists_open(hand):
    unsettled, reach = _open(hand, ["close-in-person"], ["dealers-object"])
    assert unsettled == {("recommend", "personal-closing"), ("avoid", "personal-closing")}
    assert reach["dealers-object"] == unsettled


def test_a_warning_that_loses_to_a_fired_recommendation_is_settled(hand):
    # the warning (45) targets personal-closing, recommended at 50: it would be withdrawn
    unsettled, reach = _open(hand, ["close-in-person"], ["dealers-conflict"])
    assert unsettled == set() and reach == {}


def test_a_warning_that_beats_an_open_recommendation_decides_the_not_advised_list(hand):
    # warned at 45: a recommendation at 40 loses, so it never shows, but puts the item on "not advised"
    unsettled, reach = _open(hand, ["dealers-conflict"], ["close-in-person-strongly"])
    assert unsettled == {("avoid", "personal-closing")}
    # one at 50 wins: the recommendation shows and the warning is withdrawn
    unsettled, reach = _open(hand, ["dealers-conflict"], ["close-in-person"])
    assert unsettled == {("recommend", "personal-closing"), ("warn", "dealer-conflict")}
    assert reach == {"close-in-person": unsettled}
