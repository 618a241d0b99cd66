"""Defects seeded into copies of the shipped rule base, found at the seeded rule (issue 19): clashes
that show only through derived facts (negated, or two derivations deep), gaps behind a negated
derived fact, narrower copies that say less strongly, and YAML errors at the place they start."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.audit.runner import run

ROOT = Path(__file__).resolve().parent.parent
RULE_FILES = sorted((ROOT / "rules").glob("*.yaml"))
CHANNELS = {item["id"] for item in yaml.safe_load((ROOT / "knowledge" / "channels.yaml").read_text())["items"]}


def copy_base(folder: Path, change=None, extra: list[dict] | None = None) -> Path:
    """A copy of the shipped rules in ``folder`` (each rule passed through ``change``), plus ``extra`` rules."""
    rules = folder / "rules"
    shutil.rmtree(rules, ignore_errors=True)
    rules.mkdir(parents=True)
    for path in RULE_FILES:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if change is not None:
            doc["rules"] = [change(rule) for rule in doc.get("rules", [])]
        if extra and path.name == "channel-roles.yaml":
            doc["rules"] = doc["rules"] + extra
        (rules / path.name).write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return rules


def seeded(rule_id: str, when: dict, then: list[dict] | None = None) -> dict:
    return {"id": rule_id, "title": "A seeded defect", "when": when,
            "then": then or [{"recommend": "online-only-sale", "role": "sales", "strength": "essential"}],
            "because": "A defect seeded into a copy of the shipped rules for the audit to find.",
            "source": {"doc": "004", "section": "sales-channel"}, "basis": "assumption",
            "judgement": "Seeded by the test, not read in any source."}


def active(findings, *codes):
    return [f for f in findings if f.code in codes and f.suppressed is None]


def test_the_shipped_base_stays_clean():
    findings = run()
    assert [f for f in findings if f.severity.value in ("error", "warning") and f.suppressed is None] == []
    assert active(findings, "A206") == []


def test_a_rule_testing_web_sells_for_luxury_never_fires(tmp_path):
    rules = copy_base(tmp_path, extra=[seeded("luxury-web-sale", {"all": [
        {"fact": "web_sells"}, {"field": "price_level", "equals": "luxury"}]})])
    (finding,) = active(run([rules]), "A201", "A202", "A203")
    assert finding.code == "A202" and finding.rules == ("luxury-web-sale",)
    # the clash and the chain of derivations behind it: web_sells <- low_price_goods <- a low or medium price
    assert "'web_sells holds' and 'price_level is luxury'" in finding.message
    assert "price_level is low or medium" in finding.message
    assert "everyday-goods-sell-online" in finding.message and "'low_price_goods' is derived by everyday-goods" \
        in finding.message


def test_the_same_rule_on_a_reachable_price_is_not_reported(tmp_path):
    rules = copy_base(tmp_path, extra=[seeded("cheap-web-sale", {"all": [
        {"fact": "web_sells"}, {"field": "price_level", "equals": "low"}]})])
    assert active(run([rules]), "A201", "A202", "A203", "A205") == []


def test_not_business_buyers_with_a_b2b_model_never_fires(tmp_path):
    rules = copy_base(tmp_path, extra=[seeded("b2b-not-business", {"all": [
        {"not": {"fact": "business_buyers"}}, {"field": "business_model", "equals": "B2B"}]})])
    (finding,) = active(run([rules]), "A201", "A202", "A203")
    assert finding.code == "A202" and finding.rules == ("b2b-not-business",)
    assert "'not (business_buyers holds)' and 'business_model is B2B'" in finding.message
    assert "business_buyers' is derived by b2b-model" in finding.message


def test_not_business_buyers_with_a_consumer_model_is_not_reported(tmp_path):
    rules = copy_base(tmp_path, extra=[seeded("b2c-not-business", {"all": [
        {"not": {"fact": "business_buyers"}}, {"field": "business_model", "equals": "B2C"}]})])
    assert active(run([rules]), "A201", "A202", "A203", "A205") == []


def test_two_facts_whose_derivers_exclude_each_other_are_reported_at_the_rule_testing_them(tmp_path):
    rules = copy_base(tmp_path, extra=[seeded("b2b-and-consumers", {"all": [
        {"fact": "business_buyers"}, {"fact": "consumer_buyers"}]})])
    (finding,) = active(run([rules]), "A201", "A202", "A203")
    assert finding.rules == ("b2b-and-consumers",)
    assert "'business_buyers holds' and 'consumer_buyers holds' cannot hold together" in finding.message


def _guard_channel_advice(test: dict):
    def change(rule: dict) -> dict:
        if any(c.get("recommend") in CHANNELS for c in rule["then"]):
            rule = dict(rule, when={"all": [rule["when"], test]} if rule.get("when") else test)
        return rule
    return change


def test_a_gap_behind_a_negated_derived_fact_is_found_as_on_the_answer(tmp_path):
    for test in ({"not": {"fact": "business_buyers"}}, {"not": {"field": "business_model", "equals": "B2B"}}):
        rules = copy_base(tmp_path, _guard_channel_advice(test))
        gaps = active(run([rules]), "A701")
        assert [g.example["business_model"] for g in gaps] == ["B2B"], test
        assert "when business_model is B2B, whatever" in gaps[0].message


def test_no_gap_when_the_negated_fact_leaves_every_model_some_advice(tmp_path):
    rules = copy_base(tmp_path, _guard_channel_advice({"not": {"fact": "microblog_only"}}))
    assert active(run([rules]), "A701") == []


def test_a_narrower_copy_with_a_weaker_strength_is_subsumed(tmp_path):
    def narrower(strength):
        return seeded(f"narrow-{strength}", {"all": [{"fact": "low_price_goods"}, {"fact": "sells_online"},
                                                       {"field": "counts_on_viral", "equals": True}]},
                      [{"recommend": "online-only-sale", "role": "sales", "strength": strength}])

    findings = active(run([copy_base(tmp_path, extra=[narrower("optional")])]), "A502")
    assert [f.rules for f in findings] == [("narrow-optional", "everyday-goods-sell-online")]
    # a stronger narrower copy says more: not subsumed
    assert active(run([copy_base(tmp_path, extra=[narrower("essential")])]), "A502") == []


def test_an_unclosed_quote_is_reported_where_it_opens_and_knock_on_findings_are_withheld(tmp_path):
    rules = copy_base(tmp_path)
    site = rules / "site.yaml"
    text = site.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(text) if line.strip().startswith("title:") and i > 10)
    text[index] = text[index].replace("title: ", 'title: "', 1).replace("title: \"'", 'title: "')
    site.write_text("\n".join(text) + "\n", encoding="utf-8")
    findings = [f for f in run([rules]) if f.suppressed is None and f.severity.value != "info"]
    (finding,) = findings  # the syntax error alone: nothing about what site.yaml would have defined
    assert finding.code == "A101"
    assert finding.location.line == index + 1
    assert f"opened at line {index + 1}" in finding.message and "where the parser gave up" in finding.message
    assert "withheld until every rule file can be read" in finding.message
    assert finding.related and finding.related[0].line > index + 1


# ---------------------------------------------------------------------------------------------- seeding
#: hand-written clashes through derived facts on the shipped base: (literal on a fact, an answer it excludes)
CLASHES = [
    ({"fact": "web_sells"}, {"field": "price_level", "equals": "luxury"}),
    ({"fact": "web_sells"}, {"field": "product_type", "equals": "services"}),
    ({"fact": "low_price_goods"}, {"field": "price_level", "equals": "high"}),
    ({"not": {"fact": "business_buyers"}}, {"field": "business_model", "equals": "B2B"}),
    ({"fact": "business_buyers"}, {"field": "business_model", "equals": "B2C"}),
    ({"fact": "consumer_buyers"}, {"field": "business_model", "equals": "B2B"}),
    ({"fact": "service_business"}, {"field": "product_type", "equals": "physical_goods"}),
]


def _shipped_rules() -> list[dict]:
    found = []
    for path in RULE_FILES:
        found.extend(yaml.safe_load(path.read_text(encoding="utf-8")).get("rules", []))
    return found


def _fields_tested(condition) -> set[str]:
    if isinstance(condition, list):
        return set().union(*map(_fields_tested, condition)) if condition else set()
    if not isinstance(condition, dict):
        return set()
    found = {condition["field"]} if "field" in condition else set()
    for key in ("all", "any", "not"):
        if key in condition:
            found |= _fields_tested(condition[key])
    return found


SHIPPED = _shipped_rules()
RECOMMENDERS = [r for r in SHIPPED if any("recommend" in c for c in r["then"]) and r.get("when")]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["clash", "subsumed"]), index=st.integers(0, len(RECOMMENDERS) - 1),
       clash=st.sampled_from(CLASHES))
def test_a_seeded_defect_is_reported_at_the_seeded_rule(tmp_path, kind, index, clash):
    base = RECOMMENDERS[index]
    if kind == "clash":
        literal, answer = clash
        rule = seeded("seeded-defect", {"all": [base["when"], literal, answer]}, base["then"])
        codes = ("A201", "A202", "A203")
    else:  # a copy narrowed by a test on an answer the rule does not test, every strength lowered
        free = next(name for name in ("competition", "brand_awareness", "marketing_staff", "site_experience")
                    if name not in _fields_tested(base["when"]))
        rule = seeded("seeded-defect", {"all": [base["when"], {"field": free, "answered": True}]},
                      [dict(c, strength="optional") if "recommend" in c else c for c in base["then"]])
        rule["priority"] = base.get("priority", 50)
        codes = ("A502",)
    folder = tmp_path / f"{kind}-{index}"
    findings = active(run([copy_base(folder, extra=[rule])]), *codes)
    assert [f.rules[0] for f in findings if "seeded-defect" in f.rules] == ["seeded-defect"], (kind, base["id"])


def _reordered(seed: int):
    """Each rule with its conditions' order reversed or kept, its title and rationale reworded."""
    import random

    rng = random.Random(seed)

    def flip(cond):
        if isinstance(cond, dict):
            out = {k: flip(v) for k, v in cond.items()}
            for key in ("all", "any"):
                if key in out and rng.random() < 0.5:
                    out[key] = list(reversed(out[key]))
            return out
        return cond

    def change(rule: dict) -> dict:
        rule = dict(rule, when=flip(rule["when"]))
        rule["title"] = "In other words: " + rule["title"]
        rule["because"] = rule["because"] + " (Reworded for the test.)"
        return rule

    return rng, change


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000))
def test_reordering_and_rewording_rules_raises_no_new_finding(tmp_path, seed):
    """No false alarm on a base that only reorders rules (and their conditions) and rewords their texts:
    the findings are those of the shipped base, apart from the translations the rewording left stale."""
    rng, change = _reordered(seed)
    rules = copy_base(tmp_path, change=change)
    for path in rules.glob("*.yaml"):  # the rules of each file in another order
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        rng.shuffle(doc["rules"])
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    found = [f for f in run([rules]) if f.suppressed is None and not f.code.startswith("A83")]
    assert [(f.code, f.rules) for f in found] == []
    stale = [f for f in run([rules]) if f.code == "A832"]
    assert stale, "rewording the English must leave its translations stale (the test would not see A83x otherwise)"
