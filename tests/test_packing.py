"""The shard packing, differentially: however rules are spread over rulesets, the engine fires
exactly what the reference evaluator fires and leaves every ruleset empty."""

from __future__ import annotations

import random

import pytest

from advisor.inference.engine import Engine
from advisor.inference.profile import validate_answers
from advisor.inference.reference import ReferenceEvaluator
from advisor.kb import compiler
from advisor.kb.compiler import compile_rules, dnf
from advisor.kb.generate import random_profile, write_rule_base
from advisor.kb.knowledge_base import load_knowledge_base


@pytest.fixture(scope="module")
def generated(kb, tmp_path_factory):
    folder = tmp_path_factory.mktemp("packing")
    write_rule_base(folder, kb.fields, kb.catalog, 600, seed=3)
    return load_knowledge_base(rules=[folder], use_cache=False)


def _agrees(base, compiled, profiles: int, seed: int) -> int:
    reference = ReferenceEvaluator(base.rules)
    rng = random.Random(seed)
    fired = 0
    with Engine(compiled) as engine:
        for _ in range(profiles):
            profile = validate_answers(random_profile(base.fields, rng), base.fields)
            want = reference.run(profile.as_dict())
            got = engine.infer_answers(profile.answers)
            assert set(got.fired_ids()) == set(want.fired), profile
            assert {d.fact: d.value for d in got.derived} == want.derived, profile
            assert engine.is_clean()
            fired += len(want.fired)
    return fired


def test_shards_span_levels_and_agree_with_the_reference(generated):
    compiled = generated.compiled
    assert compiled.level_count >= 4
    # the default packing puts several levels into one ruleset
    assert any(len(shard.levels) > 1 for shard in compiled.shards)
    assert _agrees(generated, compiled, 150, seed=21) > 150 * 20


def test_many_small_shards_agree_with_the_reference(generated, monkeypatch):
    """Tight limits force many shards, rules of one level spread over several, and the
    first-fit placement into older shards; the answers must not change."""
    # the root holds the group nodes (see advisor.kb.facts.GROUPS) and the start nodes; a cap
    # just above the groups makes start groups, properties per group and tests per
    # property all fill shards
    monkeypatch.setattr(compiler, "ROOT_CHILDREN_CAP", 12)
    monkeypatch.setattr(compiler, "START_GROUP", 7)
    compiled = compile_rules(generated.rules, generated.fields, prefix="tight")
    assert compiled.shard_count() >= 10
    levels_per_shard = [len(shard.levels) for shard in compiled.shards]
    assert max(levels_per_shard) > 1
    # some level has its rules spread over several shards, and so have its start facts
    by_level: dict[int, int] = {}
    for shard in compiled.shards:
        for level in shard.levels:
            by_level[level] = by_level.get(level, 0) + 1
    assert max(by_level.values()) > 1
    starts_by_level: dict[int, int] = {}
    for shard in compiled.shards:
        for level, _ in shard.starts:
            starts_by_level[level] = starts_by_level.get(level, 0) + 1
    assert max(starts_by_level.values()) > 1
    # every alternative of every rule is placed exactly once
    placed = [rule_id for shard in compiled.shards for _, rule_id in shard.actions]
    expected = sum(len(dnf(rule.when)) for rule in generated.rules.rules) - len(compiled.never)
    assert len(placed) <= expected and set(placed) | set(compiled.never) == {r.id for r in generated.rules.rules}
    _agrees(generated, compiled, 120, seed=22)


def test_infer_and_infer_answers_give_the_same_inference(generated):
    from advisor.kb.facts import encode_answers

    rng = random.Random(4)
    with Engine(generated.compiled) as engine:
        for _ in range(40):
            profile = validate_answers(random_profile(generated.fields, rng), generated.fields)
            assert engine.infer(encode_answers(profile.answers, generated.fields)) == engine.infer_answers(profile.answers)


def test_provenance_memo_does_not_change_results(generated, monkeypatch):
    """Inference with the message memo emptied before every profile equals inference with it warm."""
    from advisor.inference import engine as engine_module

    rng = random.Random(9)
    sample = [validate_answers(random_profile(generated.fields, rng), generated.fields) for _ in range(30)]
    with Engine(generated.compiled) as warm:
        first = [warm.infer_answers(p.answers) for p in sample]
        again = [warm.infer_answers(p.answers) for p in sample]
    monkeypatch.setattr(engine_module, "MEMO_LIMIT", -1)  # emptied on every call
    with Engine(generated.compiled) as cold:
        fresh = [cold.infer_answers(p.answers) for p in sample]
    assert first == again == fresh
