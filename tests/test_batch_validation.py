"""The fast schema checks that batch and cold loads lean on (fastjsonschema) never accept what
jsonschema refuses: profiles and rule files, valid and broken, give the same verdict."""

from __future__ import annotations

import copy
import json
import random

import pytest

from advisor import schemas
from advisor.errors import ProfileError
from advisor.inference.profile import _fast_validator, validate_answers
from advisor.kb import generate
from advisor.kb.fields import profile_schema

pytest.importorskip("fastjsonschema")


def _jsonschema_ok(schema, data) -> bool:
    import jsonschema

    return not list(jsonschema.validators.validator_for(schema)(schema).iter_errors(data))


def _fast_ok(check, data) -> bool:
    try:
        check(data)
    except Exception:
        return False
    return True


def _mutations(kb, rng):
    """Profiles with one thing wrong (or right in an unusual way), across every field type."""
    odd_values = [True, False, 0, 1, 1.0, 1.5, -1, 10**9, "", "x", None, [], ["x"], {}, float("1e300")]
    for f in kb.fields.fields:
        base = generate.random_profile(kb.fields, rng)
        for value in odd_values:
            yield {**base, f.id: value}
        if f.type == "multi":
            ids = f.choice_ids()
            yield {**base, f.id: [ids[0], ids[0]]}
            yield {**base, f.id: [ids[0], "nope"]}
            yield {**base, f.id: list(ids)}
        if f.type in ("integer", "number"):
            yield {**base, f.id: f.minimum}
            yield {**base, f.id: f.maximum}
            yield {**base, f.id: (f.maximum or 0) + 0.5}
            yield {**base, f.id: (f.minimum or 0) - 1}
            yield {**base, f.id: float(f.minimum or 0)}
    base = generate.random_profile(kb.fields, rng)
    yield {**base, "unknown_field": 1}
    yield {**base, "name": 3}
    yield {**base, "name": "x" * 201}
    yield {**base, "notes": "fine"}
    yield {**base, "$schema": "anything"}
    yield []
    yield "profile"


def test_profile_verdicts_agree(kb):
    schema = profile_schema(kb.fields)
    check = _fast_validator(kb.fields)
    assert check is not None
    rng = random.Random(12)
    cases = [generate.random_profile(kb.fields, rng) for _ in range(200)] + list(_mutations(kb, rng))
    for data in cases:
        assert _fast_ok(check, data) == _jsonschema_ok(schema, data), data


def test_refused_profiles_are_still_explained_by_jsonschema(kb):
    with pytest.raises(ProfileError) as caught:
        validate_answers({"price_level": "cheap"}, kb.fields)
    assert caught.value.code == "E203" and "one of: low, medium, high, luxury" in caught.value.render()


def _rule_file(kb, n=40, seed=3):
    rules = generate.generate_rules(kb.fields, kb.catalog, n, seed=seed)
    return {"area": "generated", "title": "Generated", "rules": rules}


def _rule_mutations(data):
    """Rule files broken (or stretched) in one place each."""
    rule = data["rules"][0]
    edits = [
        lambda r: r.pop("id"),
        lambda r: r.update(id="Bad Id"),
        lambda r: r.update(priority="high"),
        lambda r: r.update(priority=1000),
        lambda r: r.update(extra=1),
        lambda r: r.update(when={"field": "price_level", "equalz": "high"}),
        lambda r: r.update(when={"field": "price_level", "equals": "high", "in": ["a"]}),
        lambda r: r.update(when={"field": "price_level"}),
        lambda r: r.update(when={"all": []}),
        lambda r: r.update(when={"any": [{"fact": "x"}], "all": [{"fact": "y"}]}),
        lambda r: r.update(when={"not": []}),
        lambda r: r.update(when={"fact": "x", "equals": [1]}),
        lambda r: r.update(when={"field": "months_online", "between": [1]}),
        lambda r: r.update(then=[]),
        lambda r: r.update(then=[{"recommend": "seo", "warn": "x"}]),
        lambda r: r.update(then=[{"recommend": "seo", "strength": "huge"}]),
        lambda r: r.update(then=[{"derive": "x", "value": {"a": 1}}]),
        lambda r: r.update(source={"doc": "004"}),
        lambda r: r.update(source=[{"doc": "004", "section": "sales-channel"}]),
        lambda r: r.update(because=""),
        lambda r: r.update(because=3),
        lambda r: r.update(title=None),
    ]
    for edit in edits:
        broken = copy.deepcopy(data)
        edit(broken["rules"][0])
        yield broken
    yield {**data, "rules": {}}
    yield {**data, "area": 3}
    yield {"rules": data["rules"]}
    yield {**data, "facts": {"x": 1}}
    yield {**data, "unknown": 1}
    del rule


def test_rule_file_verdicts_agree(kb):
    schema = schemas.load("rule")
    check = schemas._fast_validator("rule")
    assert check is not None
    data = _rule_file(kb)
    assert _fast_ok(check, data) and _jsonschema_ok(schema, data)
    for case in _rule_mutations(json.loads(json.dumps(data))):
        assert _fast_ok(check, case) == _jsonschema_ok(schema, case), json.dumps(case)[:300]


def test_condition_definition_verdicts_agree():
    slow = schemas._validator("rule", "condition")
    check = schemas._fast_validator("rule", "condition")
    assert check is not None
    cases = [{"field": "price_level", "equals": "high"}, {"all": [{"fact": "a"}]}, {"fact": "a"},
             {"field": "x"}, {"bogus": 1}, [], "text", {"not": {"fact": "a"}}, {"any": []}]
    for case in cases:
        assert _fast_ok(check, case) == (not list(slow.iter_errors(case))), case


def test_the_shared_schemas_are_left_as_shipped():
    """fastjsonschema rewrites the references of what it compiles: it must get a copy."""
    from importlib import resources

    schemas._fast_validator("rule")
    schemas._fast_validator("rule", "condition")
    shipped = json.loads(resources.files("advisor.schemas").joinpath("rule.schema.json").read_text(encoding="utf-8"))
    assert schemas.load("rule") == shipped
    assert schemas.first_problem({"field": "price_level", "equalz": "high"}, "rule", "condition") is not None
