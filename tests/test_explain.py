"""Why, why not and what would change it, on rule bases whose answers are known by construction."""

from __future__ import annotations

import json

import pytest
from conftest import EXAMPLES

from advisor.api import explain_text
from advisor.errors import InputError
from advisor.explain.analysis import analyse
from advisor.explain.explanation import explain, resolve
from advisor.render.explanation import render_text

BASE = """
area: test
title: Test rules
facts:
  own_shop: The business sells on its own site.
rules:
  - id: own-shop
    title: Sells on its own site
    when: {field: storefront, in: [own_site, both]}
    then: [{derive: own_shop}]
    because: An own site must be found by itself, unlike a platform store.
    source: {doc: "003", section: marketing-site}
  - id: seo-for-premium-shops
    title: Premium own shops need search engine optimisation
    priority: 60
    when:
      all:
        - fact: own_shop
        - field: price_level
          equals: high
        - field: marketing_budget
          in: [small, medium]
    then: [{recommend: seo, strength: essential, role: promotion}]
    because: Search engines bring buyers to an own site that is worth finding.
    source: {doc: "002", section: seo}
  - id: chat-for-pairs
    title: Human chat when two things hold
    priority: 55
    when:
      all:
        - field: live_chat
          equals: robot
        - field: site_experience
          equals: poor
    then: [{recommend: human-live-chat, strength: strong}]
    because: A robot in a poor site loses the buyers a person would keep.
    source: {doc: "003", section: live-service}
  - id: viral-warning
    title: Do not count on going viral
    priority: 70
    when: {field: counts_on_viral, equals: true}
    then: [{warn: viral-for-everyone}]
    because: Only firms able to steer a viral spread can rely on one.
    source: {doc: "001", section: mistake-viral}
"""


@pytest.fixture
def base_kb(make_kb):
    return make_kb(BASE)


def test_a_rule_one_answer_short_is_the_nearest_miss_and_the_change_is_found(base_kb):
    profile = {"storefront": "own_site", "price_level": "high", "marketing_budget": "large"}
    result = explain(analyse(base_kb, profile), "seo")
    assert result.status == "absent"
    [miss] = result.misses
    assert miss.rule == "seo-for-premium-shops" and not miss.fired
    states = {condition: state for state, condition, _ in miss.checks}
    assert states == {"own_shop holds": "met", "price_level is high": "met",
                      "marketing_budget is one of small, medium": "failed"}
    assert miss.summary == "1 condition failed"
    # exactly the two budgets the rule names bring it in, one field changed each
    assert [c.settings for c in result.changes] == [(("marketing_budget", "small"),), (("marketing_budget", "medium"),)]
    assert result.searched >= 2
    text = render_text(result)
    assert "[no] marketing_budget is one of small, medium  (large)" in text
    assert "* marketing_budget = small" in text


def test_unanswered_conditions_are_told_apart_from_failed_ones(base_kb):
    result = explain(analyse(base_kb, {"storefront": "own_site", "price_level": "high"}), "seo")
    [miss] = result.misses
    assert [s for s, c, _ in miss.checks if c.startswith("marketing_budget")] == ["unanswered"]
    assert miss.summary == "1 question unanswered"
    assert ("marketing_budget", "small") in [c.settings[0] for c in result.changes]


def test_a_missing_derived_fact_points_to_the_rule_that_would_derive_it(base_kb):
    result = explain(analyse(base_kb, {"storefront": "marketplace", "price_level": "high",
                                       "marketing_budget": "small"}), "seo")
    [miss] = result.misses
    state, condition, actual = miss.checks[0]
    assert (state, condition) == ("not_derived", "own_shop holds")
    assert "own-shop" in actual and "storefront is one of own_site, both (now marketplace)" in actual
    assert {c.settings for c in result.changes} == {(("storefront", "own_site"),), (("storefront", "both"),)}


def test_when_no_single_change_works_a_pair_is_found(base_kb):
    result = explain(analyse(base_kb, {"live_chat": "people", "site_experience": "good"}), "human-live-chat")
    assert [c.settings for c in result.changes] == [(("site_experience", "poor"), ("live_chat", "robot"))]


def test_a_change_reports_what_else_it_adds_or_removes(base_kb):
    result = explain(analyse(base_kb, {"storefront": "own_site", "price_level": "high", "marketing_budget": "large",
                                       "live_chat": "robot", "site_experience": "poor"}), "seo")
    assert result.changes and all(c.lost == () and c.gained == () for c in result.changes)
    other = explain(analyse(base_kb, {"storefront": "own_site", "marketing_budget": "small", "price_level": "low",
                                      "counts_on_viral": True}), "seo")
    assert [c.settings for c in other.changes] == [(("price_level", "high"),)]


def test_the_search_respects_its_bound(base_kb):
    result = explain(analyse(base_kb, {"live_chat": "people", "site_experience": "good"}), "human-live-chat",
                     max_runs=3)
    assert result.searched <= 3


def test_a_concluded_item_is_explained_without_running_the_engine_again(base_kb, monkeypatch):
    from advisor.inference.engine import Engine

    run = analyse(base_kb, {"storefront": "both", "price_level": "high", "marketing_budget": "small"})
    calls = []
    real = Engine.infer_answers
    monkeypatch.setattr(Engine, "infer_answers", lambda *a, **k: calls.append(1) or real(*a, **k))
    result = explain(run, "seo")
    assert calls == [] and result.searched == 0 and result.changes == ()
    assert result.status == "recommended"
    [step] = result.reasons
    assert step.node == "rule:seo-for-premium-shops"
    kinds = [c.kind for c in step.children]
    assert kinds == ["answer", "answer", "fact"]  # answers first, then the derived fact with its own rule
    assert step.children[2].children[0].node == "rule:own-shop"
    assert step.children[2].children[0].children[0].head == "answer storefront = both"
    labels = [label for label, _ in step.details]
    assert labels[:2] == ["concludes", "because"] and "source" in labels and "quote" in labels


def test_the_text_shows_rule_rationale_citation_and_passage(base_kb):
    text = explain_text(base_kb, {"storefront": "both", "price_level": "high", "marketing_budget": "small"}, "seo",
                        width=100)
    assert text.startswith("Search engine optimisation  [channel seo]")
    assert "rule seo-for-premium-shops: Premium own shops need search engine optimisation (priority 60)" in text
    assert "because: Search engines bring buyers to an own site that is worth finding." in text
    assert 'source: 002 "Search engine optimisation" (knowledge/documents/002.txt, line 9)' in text
    passage = (EXAMPLES.parent / "knowledge" / "documents" / "002.txt").read_text().splitlines()[8]
    assert passage.split()[2] in text  # a word of the cited line itself
    assert "`- answer storefront = both" in text


def test_rank_is_explained_against_the_neighbours(base_kb):
    result = explain(analyse(base_kb, {"storefront": "both", "price_level": "high", "marketing_budget": "small",
                                       "live_chat": "robot", "site_experience": "poor"}), "human-live-chat")
    assert result.ranking[0] == "#2 of 2: strength strong, priority 55, 1 supporting rule."
    assert result.ranking[1] == "Below #1 Search engine optimisation: strength essential > strong."


CONFLICT = """
area: test
title: Conflict
rules:
  - id: want-phones
    title: Phone sales for everyone
    priority: 60
    when: {field: price_level, answered: true}
    then: [{recommend: phone-sales}]
    because: Phone calls close sales that the web alone cannot close.
    source: {doc: "004", section: sales-channel}
  - id: no-phones-with-dealers
    title: Dealers answer the phone
    priority: 70
    when: {field: offline_channels, contains: dealers}
    then: [{avoid: phone-sales}]
    because: Dealers already take the calls, so a phone line competes with them.
    source: {doc: "004", section: channel-roles}
"""


def test_a_conflict_shows_both_sides_and_the_change_that_turns_it(make_kb):
    kb = make_kb(CONFLICT)
    result = explain(analyse(kb, {"price_level": "low", "offline_channels": ["dealers", "sales_staff"]}),
                     "phone-sales")
    assert result.status == "not_advised"
    assert [s.node for s in result.reasons] == ["rule:no-phones-with-dealers"]
    assert [s.node for s in result.overruled] == ["rule:want-phones"]
    assert result.decision["for"] == [{"rule": "want-phones", "priority": 60}]
    assert result.decision["against"][0]["rule"] == "no-phones-with-dealers"
    assert "outranks" in result.decision["reason"]
    # removing dealers from the list stops the opposing rule: then it is recommended
    assert [c.settings for c in result.changes] == [(("offline_channels", ["sales_staff"]),)]
    text = render_text(result)
    assert "DISAGREEMENT" in text and "for it:      want-phones (priority 60)" in text
    assert "against it:  no-phones-with-dealers (priority 70, avoid phone-sales)" in text


def test_a_derived_fact_and_a_rule_can_be_explained(base_kb):
    run = analyse(base_kb, {"storefront": "own_site"})
    fact = explain(run, "own_shop")
    assert fact.status == "derived" and fact.reasons[0].node == "rule:own-shop"
    rule = explain(run, "rule:seo-for-premium-shops")
    assert rule.status == "not_fired"
    assert {s for s, _, _ in rule.misses[0].checks} == {"met", "unanswered"}
    # two questions are unanswered: no single answer makes it fire, a pair does
    assert [c.settings for c in rule.changes] == [(("price_level", "high"), ("marketing_budget", "small")),
                                                   (("price_level", "high"), ("marketing_budget", "medium"))]
    fired = explain(run, "own-shop")
    assert fired.status == "fired"


def test_an_item_no_rule_concludes_says_so(base_kb):
    result = explain(analyse(base_kb, {}), "direct-mail")
    assert result.status == "absent" and result.misses == () and result.searched == 0
    assert "No rule in the knowledge base concludes it." in render_text(result)


def test_unknown_ids_fail_with_close_matches(base_kb):
    with pytest.raises(InputError) as caught:
        resolve(base_kb, "seoo")
    assert caught.value.code == "E501" and "close matches: seo" in str(caught.value)
    with pytest.raises(InputError):
        explain_text(base_kb, {}, "rule:no-such-rule")
    assert resolve(base_kb, "item:seo") == "item:seo"


def test_explain_cli(run_cli):
    example = str(EXAMPLES / "tea-shop.json")
    result = run_cli(["explain", example, "seo", "--width", "100"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Search engine optimisation  [channel seo]")
    data = run_cli(["explain", example, "seo", "--format", "json", "--no-passages"]).json()
    assert data["status"] == "recommended" and data["reasons"][0]["node"] == "rule:seo-for-own-site"
    assert all(d["label"] != "quote" for d in data["reasons"][0]["details"])
    bad = run_cli(["explain", example, "seoo"])
    assert bad.exit_code == 2 and bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "[E501]" in bad.stderr and "seo" in bad.stderr


def test_every_example_item_can_be_explained_from_the_text_helper(kb):
    """The questionnaire's entry point gives the same text as the command for every item of every example."""
    for path in sorted(EXAMPLES.glob("*.json")):
        profile = json.loads(path.read_text(encoding="utf-8"))
        run = analyse(kb, profile)
        for entry in run.report["recommendations"][:2] + run.report["warnings"][:2]:
            text = explain_text(kb, profile, entry["id"])
            assert text == render_text(explain(run, entry["id"]))


MISTAKE_RULES = """
area: test
title: Mistake against a channel
rules:
  - id: seo-always
    title: Optimise for search engines
    priority: {seo}
    when: {{field: storefront, equals: own_site}}
    then: [{{recommend: seo, strength: strong}}]
    because: An own site has to be found through the search engines.
    source: {{doc: "002", section: seo}}
  - id: viral-hope
    title: Do not count on going viral
    priority: {viral}
    when: {{field: counts_on_viral, equals: true}}
    then: [{{warn: viral-for-everyone}}]
    because: Only firms able to steer a viral spread can rely on one.
    source: {{doc: "001", section: mistake-viral}}
"""


@pytest.fixture
def targeted_kb(tmp_path, write_rules):
    """A knowledge base whose viral mistake targets SEO, so a warning can overrule a recommendation."""
    import shutil as sh

    from conftest import KNOWLEDGE

    from advisor.kb.knowledge_base import load_knowledge_base

    folder = tmp_path / "knowledge"
    sh.copytree(KNOWLEDGE, folder)
    import yaml

    path = folder / "mistakes.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    (viral,) = [item for item in data["items"] if item["id"] == "viral-for-everyone"]
    viral["targets"] = ["seo"]  # whatever the shipped catalog says it targets
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    def make(seo: int, viral: int):
        rules = write_rules(MISTAKE_RULES.format(seo=seo, viral=viral), name=f"r{seo}-{viral}.yaml")
        for old in rules.glob("*.yaml"):
            if old.name != f"r{seo}-{viral}.yaml":
                old.unlink()
        return load_knowledge_base(knowledge=folder, rules=[rules], use_cache=False)

    return make


def test_a_warning_that_overrules_a_recommendation_is_shown_from_both_sides(targeted_kb):
    kb = targeted_kb(60, 70)
    run = analyse(kb, {"storefront": "own_site", "counts_on_viral": True})
    seo = explain(run, "seo")
    # not advised, as the report lists it (it was "overruled" here, and so left out of the overview picture)
    assert seo.status == "not_advised"
    assert [s.node for s in seo.overruled] == ["rule:seo-always"]
    assert [s.node for s in seo.reasons] == ["rule:viral-hope"]  # why it was overruled
    assert seo.misses == ()  # every rule that could recommend it fired; the disagreement says the rest
    assert seo.decision["against"][0]["via"] == "warn viral-for-everyone"
    # the smallest change: stop counting on going viral, and the warning no longer stands against it
    assert [c.settings for c in seo.changes] == [(("counts_on_viral", False),)]
    assert seo.changes[0].lost == ("warnings:viral-for-everyone",)
    text = render_text(seo)
    assert "is not advised: 1 rule advised against it" in text
    assert "against it:  viral-hope (priority 70, warn viral-for-everyone)" in text
    warning = explain(run, "viral-for-everyone")
    assert warning.status == "warning" and warning.decision["outcome"] == "not advised"
    assert warning.decision["item"] == "seo"
    assert "about:       recommending seo" in render_text(warning)
    assert [s.node for s in warning.reasons] == ["rule:viral-hope"]
    assert [s.node for s in warning.overruled] == ["rule:seo-always"]


def test_an_item_not_advised_only_because_a_warning_targets_it_is_drawn_as_not_advised(targeted_kb):
    """Regression: its graph node said "overruled", so the overview picture (which draws recommended,
    warned and not-advised items) left out an item the report lists as not advised."""
    from advisor.render.view import overview

    kb = targeted_kb(60, 70)
    run = analyse(kb, {"storefront": "own_site", "counts_on_viral": True})
    assert [e["id"] for e in run.report["not_advised"]] == ["seo"]
    assert run.graph.nodes["item:seo"]["outcome"] == "not_advised"
    V = overview(run.graph)
    assert "item:seo" in V and V.nodes["item:seo"]["style"] == "not_advised"


def test_a_recommendation_that_overrules_a_warning(targeted_kb):
    kb = targeted_kb(80, 70)
    run = analyse(kb, {"storefront": "own_site", "counts_on_viral": True})
    assert explain(run, "seo").status == "recommended"
    warning = explain(run, "viral-for-everyone")
    assert warning.status == "overruled"
    assert [s.node for s in warning.overruled] == ["rule:viral-hope"]
    assert [s.node for s in warning.reasons] == ["rule:seo-always"]
    assert "WHY IT WAS OVERRULED" in render_text(warning)
    assert "recommended: the strongest rule for it (seo-always, priority 80)" in warning.decision["reason"]


def test_screening_only_the_deciding_rules_finds_the_same_changes(kb):
    """The search screens candidates with the rules that can decide the goal; every rule gives the same."""
    from advisor.explain.changes import search_changes
    from advisor.explain.kbindex import KbIndex
    from advisor.explain.whynot import GOAL_KIND, rules_concluding

    goals = {"recommend": "recommended", "warn": "warning", "step": "plan", "kpi": "kpi"}
    tried = 0
    for path in sorted(EXAMPLES.glob("*.json"))[::3]:
        run = analyse(kb, json.loads(path.read_text(encoding="utf-8")))
        for entry in kb.catalog.items[::9]:
            kind = GOAL_KIND[entry.kind]
            rules = rules_concluding(kb, entry.id, [kind])
            if not rules or run.status(entry.id) == goals[kind]:
                continue
            goal = lambda r, item=entry.id, want=goals[kind]: r.status(item) == want  # noqa: E731
            every = search_changes(run, goal, rules, max_runs=60)
            deciding = KbIndex.of(kb).deciding(entry.id)
            assert len(deciding) < len(kb.rules.rules)
            assert search_changes(run, goal, rules, max_runs=60, deciding=deciding) == every, entry.id
            tried += 1
    assert tried >= 10


def test_explaining_needs_no_graph_library():
    """`advisor explain` reads the run's index: networkx (slow to import) stays unloaded."""
    import subprocess
    import sys

    code = ("import json, sys; from advisor.api import explain_text, load_knowledge_base; "
            f"profile = json.load(open({str(EXAMPLES / 'tea-shop.json')!r})); kb = load_knowledge_base(); "
            "text = explain_text(kb, profile, 'seo') + explain_text(kb, profile, 'phone-sales'); "
            "print('networkx' in sys.modules, 'knowledge/documents/' in text)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=str(EXAMPLES.parent))
    assert result.stdout.split() == ["False", "True"]
