"""A generated rule base of 10,000 rules: it loads, fits the C engine's limits and fires correctly.

Speed is measured by benchmarks/, not here; this checks correctness at size.
"""

from __future__ import annotations

import random

import pytest

from advisor.api import engine_for, infer
from advisor.inference.profile import validate_answers
from advisor.inference.reference import ReferenceEvaluator
from advisor.kb.generate import random_profile, write_rule_base
from advisor.kb.knowledge_base import load_knowledge_base


@pytest.fixture(scope="module")
def big_kb(kb, tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    write_rule_base(folder, kb.fields, kb.catalog, 10_000, seed=11)
    return load_knowledge_base(rules=[folder], use_cache=False)


def test_ten_thousand_rules_load_into_several_rulesets(big_kb):
    assert len(big_kb.rules.rules) >= 10_000
    assert big_kb.compiled.shard_count() > 1
    assert big_kb.compiled.level_count >= 3  # derived facts chain over several levels
    for shard in big_kb.compiled.shards:
        assert len(shard.actions) <= 2000


def differential(kb, profiles: int, seed: int) -> int:
    """Engine and reference agree on every profile; returns the rules fired in all."""
    reference = ReferenceEvaluator(kb.rules)
    engine = engine_for(kb)
    rng = random.Random(seed)
    total = 0
    for _ in range(profiles):
        answers = random_profile(kb.fields, rng, answer_rate=rng.choice([0.3, 0.75, 1.0]))
        profile = validate_answers(answers, kb.fields)
        expected = reference.run(profile.as_dict())
        got = infer(kb, profile)
        assert set(got.fired_ids()) == set(expected.fired), answers
        assert {d.fact: d.value for d in got.derived} == expected.derived, answers
        total += len(expected.fired)
    assert engine.is_clean()
    return total


def test_ten_thousand_rules_fire_as_the_reference_says(big_kb):
    profiles = 200
    assert differential(big_kb, profiles, seed=5) > profiles * 100  # the profiles really exercise the base


def test_one_thousand_rules_fire_as_the_reference_says(kb, tmp_path):
    write_rule_base(tmp_path, kb.fields, kb.catalog, 1_000, seed=3)
    small = load_knowledge_base(rules=[tmp_path], use_cache=False)
    profiles = 400
    assert differential(small, profiles, seed=9) > profiles * 10


def test_a_profile_with_every_list_choice_stays_within_limits(big_kb):
    """The most facts one profile can hold: every field answered, every list choice ticked."""
    profile = {}
    for f in big_kb.fields.fields:
        if f.type == "multi":
            profile[f.id] = f.choice_ids()
        elif f.type == "choice":
            profile[f.id] = f.choice_ids()[0]
        elif f.type == "boolean":
            profile[f.id] = True
        else:
            profile[f.id] = f.minimum
    expected = ReferenceEvaluator(big_kb.rules).run(validate_answers(profile, big_kb.fields).as_dict())
    assert set(infer(big_kb, profile).fired_ids()) == set(expected.fired)
