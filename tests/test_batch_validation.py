"""The fast schema checks that batch and cold loads lean on (fastjsonschema) never accept what
jsonschema refuses: profiles and rule files, valid and broken, give the same verdict."""

from __future__ import annotations

import copy
import json
import random

import pytest

from advisor import schemas
from advisor.errors import ProfileError
from advisor.inference.fastcheck import fast_validator, schema_key, shipped_source
from advisor.inference.profile import validate_answers
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
    """The check the advisor uses (the shipped one), and the schema compiled afresh, both agree with
    jsonschema on valid and broken profiles."""
    import fastjsonschema

    schema = profile_schema(kb.fields)
    check = fast_validator(kb.fields)
    fresh = fastjsonschema.compile(schema)
    assert check is not None
    rng = random.Random(12)
    cases = [generate.random_profile(kb.fields, rng) for _ in range(200)] + list(_mutations(kb, rng))
    for data in cases:
        expected = _jsonschema_ok(schema, data)
        assert _fast_ok(check, data) == expected, data
        assert _fast_ok(fresh, data) == expected, data


def test_the_shipped_profile_check_is_current(kb):
    """advisor/schemas/profile_check.py is generated from knowledge/fields.yaml; bring it up to date with
    python3 -c "from advisor.inference.fastcheck import write_shipped; write_shipped()"."""
    from advisor.kb import for_market
    from advisor.schemas import profile_check

    generic = for_market(kb, None, "en")
    assert profile_check.SCHEMA_KEY == schema_key(profile_schema(generic.fields))
    # the text it would be written with names the same key and entry point
    text = shipped_source(generic.fields)
    assert f'SCHEMA_KEY = "{profile_check.SCHEMA_KEY}"' in text
    assert f"validate = {profile_check.validate.__name__}" in text


@pytest.mark.parametrize("market", ["cn", "intl", None])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_market_and_language_uses_the_shipped_check(kb, market, lang):
    """The words of the fields change with the market and the language; what they check does not."""
    from advisor.kb import for_market, localize
    from advisor.schemas import profile_check

    fields = for_market(localize(kb, lang), market, lang).fields
    assert fast_validator(fields) is profile_check.validate


def test_other_fields_are_compiled_not_given_the_shipped_check(kb):
    """A field set that checks something else (one more choice) gets its own compiled check."""
    import dataclasses

    from advisor.schemas import profile_check

    first = kb.fields.fields[1]
    assert first.choices
    extra = dataclasses.replace(first.choices[0], id="brand_new_choice")
    changed = dataclasses.replace(first, choices=first.choices + (extra,))
    fields = dataclasses.replace(kb.fields, fields=(kb.fields.fields[0], changed) + kb.fields.fields[2:])
    check = fast_validator(fields)
    assert check is not None and check is not profile_check.validate
    assert _fast_ok(check, {first.id: "brand_new_choice"})
    assert not _fast_ok(profile_check.validate, {first.id: "brand_new_choice"})


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
