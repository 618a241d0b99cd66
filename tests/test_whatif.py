"""What if: values parsed by field type, and the differences between two runs with the rules responsible."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES

from advisor.errors import InputError
from advisor.explain.analysis import analyse
from advisor.explain.changes import candidate_values
from advisor.explain.whatif import parse_settings, parse_value, whatif

RULES = """
area: test
title: Test rules
facts:
  premium: The product is expensive.
rules:
  - id: premium-by-price
    title: Expensive goods are premium
    when: {field: price_level, in: [high, luxury]}
    then: [{derive: premium}]
    because: Buyers of expensive goods want to trust the seller first.
    source: {doc: "004", section: sales-channel}
  - id: close-premium
    title: Close premium sales in person
    priority: 60
    when: {fact: premium}
    then: [{recommend: personal-closing, strength: strong}]
    because: A big purchase needs personal contact before it closes.
    source: {doc: "004", section: sales-channel}
  - id: sell-cheap-online
    title: Cheap goods sell online
    when: {field: price_level, in: [low, medium]}
    then: [{recommend: seo}, {kpi: repeat-purchase-rate}]
    because: Cheap goods are found and bought online without help.
    source: {doc: "004", section: sales-channel}
  - id: young-shops
    title: Young shops analyse first
    when: {field: months_online, less_than: 6}
    then: [{step: analyse-market-and-users}]
    because: A young shop knows too little of its market to plan.
    source: {doc: "002", section: data-collection}
"""


@pytest.fixture
def kb_small(make_kb):
    return make_kb(RULES)


def test_values_are_parsed_by_the_field_type(kb):
    fields = kb.fields
    assert parse_value(fields.get("price_level"), " high ") == "high"
    assert parse_value(fields.get("offline_channels"), "dealers, phone_sales") == ["dealers", "phone_sales"]
    assert parse_value(fields.get("offline_channels"), "") == []
    assert parse_value(fields.get("counts_on_viral"), "no") is False
    assert parse_value(fields.get("counts_on_viral"), "TRUE") is True
    assert parse_value(fields.get("months_online"), "12") == 12
    assert parse_settings(kb, ["price_level=high"], ["seo"]) == {"price_level": "high", "seo": None}


@pytest.mark.parametrize("setting, message", [
    ("price_level=cheap", "not a choice of price_level"),
    ("pricelevel=high", "did you mean 'price_level'"),
    ("price_level", "has no '='"),
    ("counts_on_viral=maybe", "not a yes/no value"),
    ("months_online=many", "not a number"),
    ("months_online=2.5", "not a whole number"),
    ("months_online=-1", "out of range"),
    ("offline_channels=dealers,dealers", "listed twice"),
    ("offline_channels=dealer", "did you mean 'dealers'"),
])
def test_bad_settings_are_one_line_errors(kb, setting, message):
    with pytest.raises(InputError) as caught:
        parse_settings(kb, [setting])
    assert caught.value.code == "E502"
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_a_change_adds_and_removes_known_items_with_the_rules_responsible(kb_small):
    before = {"price_level": "medium", "months_online": 3}
    result = whatif(kb_small, analyse(kb_small, before).profile, {"price_level": "high", "months_online": 9})
    assert result.changes == (("price_level", "medium", "high"), ("months_online", 3, 9))
    found = {(d.section, d.item, d.change): d for d in result.differences}
    assert set(found) == {("recommendations", "personal-closing", "added"), ("recommendations", "seo", "removed"),
                          ("kpis", "repeat-purchase-rate", "removed"), ("plan", "analyse-market-and-users", "removed"),
                          ("derived_facts", "premium", "added")}
    added = found["recommendations", "personal-closing", "added"]
    assert added.rules == ("close-premium",) and "close-premium now fires: premium holds (yes)" in added.reasons[0]
    removed = found["recommendations", "seo", "removed"]
    assert removed.rules == ("sell-cheap-online",)
    assert removed.reasons == ("sell-cheap-online no longer fires: price_level is one of low, medium (now high)",)
    step = found["plan", "analyse-market-and-users", "removed"]
    assert step.reasons == ("young-shops no longer fires: months_online < 6 (now 9)",)
    fact = found["derived_facts", "premium", "added"]
    assert fact.rules == ("premium-by-price",) and fact.after == "yes"


def test_no_change_says_so(kb_small, run_cli, tmp_path):
    profile = tmp_path / "p.json"
    profile.write_text('{"price_level": "high"}')
    result = run_cli(["whatif", str(profile), "--set", "price_level=luxury", "--rules", str(tmp_path / "rules")])
    assert result.exit_code == 0, result.stderr
    assert "Nothing changes" in result.stdout


def test_unset_removes_an_answer(kb_small):
    profile = analyse(kb_small, {"price_level": "low"}).profile
    result = whatif(kb_small, profile, {"price_level": None})
    assert result.changes == (("price_level", "low", None),)
    assert {d.item for d in result.differences} == {"seo", "repeat-purchase-rate"}


def test_candidate_values_cover_what_the_rules_name(kb, kb_small):
    rules = list(kb_small.rules.rules)
    price = candidate_values(kb.fields.get("price_level"), rules, "low")
    assert set(price) >= {"medium", "high", "luxury"} and "low" not in price
    months = candidate_values(kb.fields.get("months_online"), rules, None)
    assert months == [5, 6, 7]  # just below, at and above the threshold
    stores = candidate_values(kb.fields.get("offline_channels"), [], ["dealers"])
    assert stores == []  # no rule names a store: nothing to try


def test_whatif_cli_text_and_json(run_cli):
    example = str(EXAMPLES / "tea-shop.json")
    result = run_cli(["whatif", example, "--set", "price_level=high", "--width", "100"])
    assert result.exit_code == 0, result.stderr
    assert "price_level: medium -> high" in result.stdout
    assert "+ Close big sales through personal channels" in result.stdout
    data = run_cli(["whatif", example, "--set", "price_level=high", "--format", "json"]).json()
    assert data["changes"] == [{"field": "price_level", "before": "medium", "after": "high"}]
    assert any(d["item"] == "personal-closing" and d["change"] == "added" for d in data["differences"])
    bad = run_cli(["whatif", example, "--set", "price_level=cheap"])
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1 and "[E502]" in bad.stderr
    nothing = run_cli(["whatif", example])
    assert nothing.exit_code == 2 and "nothing to change" in nothing.stderr


def test_an_item_kept_for_other_reasons_says_so(run_cli):
    """Same rank and strength, different supporting rules: not shown as 'X -> X'."""
    example = str(EXAMPLES / "tea-shop.json")
    # growing: e-mail, holiday campaigns and the member base keep their rank, now for
    # the operation and maturity rules of 002 as well
    data = run_cli(["whatif", example, "--set", "business_stage=growth", "--format", "json"]).json()
    same = [d for d in data["differences"] if d["change"] == "changed" and d["before"] == d["after"]]
    assert same, "the example no longer has an item whose standing stays while its rules change"
    text = run_cli(["whatif", example, "--set", "business_stage=growth", "--width", "200"]).stdout
    for d in same:
        line = next(line for line in text.splitlines() if f"({d['item']};" in line)
        assert f"still {d['after']}, now for other reasons" in line
        assert f"{d['before']} -> {d['after']}" not in line
