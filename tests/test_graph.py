"""The recommendation graph: built from the engine's record, exported losslessly, and complete for the examples."""

from __future__ import annotations

import json
import shutil
import subprocess

import networkx as nx
import pytest
from conftest import EXAMPLES

from advisor.explain.analysis import analyse
from advisor.explain.graph import from_json, to_json
from advisor.explain.reasoning import answers_behind, reasoning
from advisor.render.dot import to_dot
from advisor.render.graphml import to_graphml
from advisor.render.view import focus_view, full_view, overview

CHAIN = """
area: test
title: Test rules
facts:
  premium: The product is expensive.
rules:
  - id: premium-by-price
    title: Expensive goods are premium
    priority: 50
    when: {field: price_level, in: [high, luxury]}
    then: [{derive: premium}]
    because: Buyers of expensive goods want to trust the seller.
    source: {doc: "004", section: sales-channel}
  - id: close-premium
    title: Close premium sales in person
    priority: 60
    when:
      all:
        - fact: premium
        - not: {field: seo, equals: thorough}
    then:
      - recommend: personal-closing
        role: sales
        strength: strong
        note: Offer a phone number.
    because: A big purchase needs personal contact.
    sources:
      - {doc: "004", section: sales-channel}
      - {doc: "004", section: promotion-channel}
  - id: phones-for-premium
    title: Phone sales for premium goods
    priority: 40
    when: {fact: premium}
    then: [{recommend: phone-sales, strength: moderate}]
    because: Phone calls close big sales.
    source: {doc: "004", section: sales-channel}
  - id: no-phones-for-dealers
    title: Dealers answer the phone already
    priority: 70
    when: {field: offline_channels, contains: dealers}
    then: [{avoid: phone-sales}]
    because: Dealers take the calls.
    source: {doc: "004", section: channel-roles}
"""


@pytest.fixture
def chain_kb(make_kb):
    return make_kb(CHAIN)


def test_nodes_and_edges_follow_what_the_engine_matched(chain_kb):
    run = analyse(chain_kb, {"price_level": "high", "offline_channels": ["dealers"]})
    G = run.graph
    kinds = {n: d["kind"] for n, d in G.nodes(data=True)}
    assert kinds["answer:price_level"] == "answer"
    assert kinds["fact:premium"] == "fact"
    assert kinds["rule:close-premium"] == "rule"
    assert kinds["item:personal-closing"] == "item"
    assert kinds["source:004#promotion-channel"] == "source"
    assert all(n.split(":", 1)[0] == k for n, k in kinds.items())  # ids are namespaced by kind
    assert G.edges["answer:price_level", "rule:premium-by-price"]["relation"] == "condition_of"
    assert G.edges["answer:price_level", "rule:premium-by-price"]["test"] == "price_level is one of high, luxury"
    assert G.edges["rule:premium-by-price", "fact:premium"]["relation"] == "concludes"
    assert G.edges["fact:premium", "rule:close-premium"]["relation"] == "condition_of"
    edge = G.edges["rule:close-premium", "item:personal-closing"]
    assert (edge["relation"], edge["conclusion"], edge["strength"], edge["note"]) == \
        ("concludes", "recommend", "strong", "Offer a phone number.")
    assert G.edges["rule:close-premium", "source:004#promotion-channel"]["relation"] == "cites"
    # the list member the engine matched is on the edge
    assert G.edges["answer:offline_channels", "rule:no-phones-for-dealers"]["matched"] == "dealers"
    # the graph holds only fired rules
    assert set(nx.get_node_attributes(G, "rule").values()) == set(run.inference.fired_ids())


def test_negated_test_on_an_unanswered_field_is_drawn_as_unanswered(chain_kb):
    G = analyse(chain_kb, {"price_level": "high"}).graph
    node = G.nodes["answer:seo"]
    assert node["answered"] is False and node["value"] == "not answered"
    edge = G.edges["answer:seo", "rule:close-premium"]
    assert edge["negated"] is True and edge["test"] == "seo is not thorough"


def test_a_conflict_marks_the_loser_and_records_who_overrode_it(chain_kb):
    G = analyse(chain_kb, {"price_level": "high", "offline_channels": ["dealers"]}).graph
    item = G.nodes["item:phone-sales"]
    assert item["outcome"] == "not_advised"
    assert "outranks" in item["conflict"]
    assert G.edges["rule:phones-for-premium", "item:phone-sales"]["effective"] is False
    assert G.edges["rule:no-phones-for-dealers", "item:phone-sales"]["effective"] is True
    assert G.edges["rule:no-phones-for-dealers", "rule:phones-for-premium"]["relation"] == "overrides"
    assert G.edges["rule:no-phones-for-dealers", "rule:phones-for-premium"]["about"] == "item:phone-sales"
    # the winning rule's answers explain the item; the loser's chain does not count as its reason
    assert answers_behind(G, "item:phone-sales") == ["answer:offline_channels"]
    # but the item's sub-graph shows both sides
    sub = reasoning(G, "item:phone-sales")
    assert {"rule:phones-for-premium", "rule:no-phones-for-dealers", "fact:premium"} <= set(sub)


def test_two_values_for_one_fact_record_the_override(make_kb):
    kb = make_kb("""
    area: test
    title: Test
    facts:
      tier: The price tier.
    rules:
      - id: tier-low
        title: Low tier
        priority: 30
        when: {field: price_level, answered: true}
        then: [{derive: tier, value: low}]
        because: Any answer gives a tier.
        source: {doc: "004", section: sales-channel}
      - id: tier-high
        title: High tier
        priority: 80
        when: {field: price_level, equals: high}
        then: [{derive: tier, value: high}]
        because: High prices make the high tier.
        source: {doc: "004", section: sales-channel}
      - id: use-tier
        title: Use the high tier
        when: {fact: tier, equals: high}
        then: [{recommend: seo}]
        because: The high tier earns this recommendation.
        source: {doc: "004", section: sales-channel}
    """)
    G = analyse(kb, {"price_level": "high"}).graph
    assert G.nodes["fact:tier"]["value"] == "high"
    assert G.nodes["fact:tier"]["set_by"] == "tier-high"
    assert G.edges["rule:tier-high", "fact:tier"]["effective"] is True
    assert G.edges["rule:tier-low", "fact:tier"]["effective"] is False
    assert G.edges["rule:tier-high", "rule:tier-low"]["relation"] == "overrides"
    assert G.edges["fact:tier", "rule:use-tier"]["test"] == "fact tier is high"


def test_reasoning_keeps_only_what_leads_to_the_item(chain_kb):
    G = analyse(chain_kb, {"price_level": "high", "live_chat": "robot"}).graph
    sub = reasoning(G, "item:personal-closing")
    assert set(sub) == {"item:personal-closing", "rule:close-premium", "fact:premium", "rule:premium-by-price",
                        "answer:price_level", "answer:seo", "source:004#sales-channel",
                        "source:004#promotion-channel"}
    with pytest.raises(KeyError):
        reasoning(G, "item:nothing")


def _same_graph(a: nx.DiGraph, b: nx.DiGraph) -> bool:
    return (nx.utils.graphs_equal(a, b) and dict(a.nodes(data=True)) == dict(b.nodes(data=True))
            and {(u, v): d for u, v, d in a.edges(data=True)} == {(u, v): d for u, v, d in b.edges(data=True)})


def test_json_round_trips_to_an_equal_graph(kb):
    G = analyse(kb, json.loads((EXAMPLES / "tea-shop.json").read_text())).graph
    data = json.loads(json.dumps(to_json(G)))
    back = from_json(data)
    assert _same_graph(back, G)
    assert back.graph == G.graph


def test_graphml_reads_back_with_its_types(kb, tmp_path):
    G = analyse(kb, json.loads((EXAMPLES / "tea-shop.json").read_text())).graph
    path = tmp_path / "g.graphml"
    path.write_text(to_graphml(G), encoding="utf-8")
    back = nx.read_graphml(path)
    back.graph.pop("node_default"), back.graph.pop("edge_default")  # GraphML's own defaults
    assert _same_graph(back, G)


def test_the_same_profile_gives_the_same_bytes(kb):
    profile = json.loads((EXAMPLES / "tea-shop.json").read_text())
    first = json.dumps(to_json(analyse(kb, profile).graph), sort_keys=True)
    second = json.dumps(to_json(analyse(kb, profile).graph), sort_keys=True)
    assert first == second
    assert to_dot(full_view(analyse(kb, profile).graph)) == to_dot(full_view(analyse(kb, profile).graph))


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed (.ci/run installs it)")
def test_dot_parses_with_graphviz_even_with_awkward_text(kb, make_kb):
    awkward = CHAIN.replace("Close premium sales in person", 'Close "premium" sales \\\\ in person; {x} <b> & #1')
    G = analyse(make_kb(awkward), {"price_level": "high"}).graph
    assert '"premium"' in G.nodes["rule:close-premium"]["title"]
    for V in (full_view(G), full_view(G, sources="nodes"), overview(G), focus_view(G, "item:personal-closing")):
        result = subprocess.run(["dot", "-Tcanon"], input=to_dot(V).encode(), capture_output=True, check=False)
        assert result.returncode == 0, result.stderr.decode()
        assert not result.stderr, result.stderr.decode()  # no warnings either
        canon = result.stdout.decode()
        assert all(f'"{node}"' in canon for node in V.nodes)


def test_overview_folds_rules_and_keeps_what_leads_to_the_advice(chain_kb):
    G = analyse(chain_kb, {"price_level": "high", "offline_channels": ["dealers"], "live_chat": "robot"}).graph
    V = overview(G)
    assert {d["kind"] for _, d in V.nodes(data=True)} == {"answer", "fact", "item"}
    assert V.has_edge("answer:price_level", "fact:premium")
    assert V.has_edge("fact:premium", "item:personal-closing")
    assert "close-premium" in V.edges["fact:premium", "item:personal-closing"]["tooltip"]
    assert "answer:seo" not in V  # unanswered questions are left out of the overview


def _examples():
    return sorted(EXAMPLES.glob("*.json"))


@pytest.mark.parametrize("path", _examples(), ids=lambda p: p.stem)
def test_every_recommendation_and_warning_reaches_an_answer_and_a_source(kb, path):
    from advisor.explain.explanation import explain
    from advisor.render.explanation import render_text

    run = analyse(kb, json.loads(path.read_text(encoding="utf-8")))
    report = run.report
    items = report["recommendations"] + report["warnings"]
    assert items, f"{path.name} gets no advice at all"
    for entry in items:
        node = f"item:{entry['id']}"
        sub = reasoning(run.graph, node)
        answered = [n for n in answers_behind(run.graph, node) if run.graph.nodes[n]["answered"]]
        assert answered, f"{path.name}: {entry['id']} rests on no answer"
        assert any(sub.nodes[n]["kind"] == "source" for n in sub), f"{path.name}: {entry['id']} cites nothing"
        text = render_text(explain(run, entry["id"], search=False))
        assert "answer " in text and "knowledge/documents/" in text


def test_overview_top_keeps_the_first_recommendations_and_every_warning(kb):
    """A report of forty recommendations draws the first ten, all warnings and all not advised."""
    run = analyse(kb, json.loads((EXAMPLES / "tea-shop.json").read_text(encoding="utf-8")))
    report = run.report
    assert len(report["recommendations"]) > 10, "the example no longer has more than ten recommendations"
    V = overview(run.graph, top=10)
    drawn = {n.split(":", 1)[1] for n, d in V.nodes(data=True) if d["kind"] == "item"}
    expected = ({e["id"] for e in report["recommendations"][:10]} | {e["id"] for e in report["warnings"]}
                | {e["id"] for e in report["not_advised"]})
    assert drawn == expected
    everything = overview(run.graph)  # top=0: all of them
    assert {e["id"] for e in report["recommendations"]} <= {n.split(":", 1)[1] for n in everything}
    # only what leads to the advice drawn: no answer or fact left without a path to an item
    for node, data in V.nodes(data=True):
        if data["kind"] != "item":
            assert any(V.nodes[d]["kind"] == "item" for d in nx.descendants(V, node)), node
