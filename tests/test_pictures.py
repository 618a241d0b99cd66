"""Pictures and exports: `advisor graph` in every format, the Markdown diagrams and the HTML page."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from conftest import EXAMPLES

from advisor.explain.graph import from_json
from advisor.render.formats import render
from advisor.render.mermaid import to_mermaid
from advisor.render.view import full_view

EXAMPLE = str(EXAMPLES / "tea-shop.json")
SVG = "{http://www.w3.org/2000/svg}svg"
from advisor.render.graphviz import have_graphviz  # noqa: E402

needs_dot = pytest.mark.skipif(not have_graphviz(), reason="neither pygraphviz nor Graphviz's dot is installed "
                                                           "(pip install pygraphviz)")


def _xhtml(text: str) -> ET.Element:
    assert text.startswith("<!DOCTYPE html>\n")
    return ET.fromstring(text.split("\n", 1)[1])  # the page is polyglot XHTML: XML parses it


@needs_dot
def test_html_page_is_well_formed_with_pictures_and_explanations(run_cli, tmp_path):
    out = tmp_path / "advice.html"
    result = run_cli(["advise", EXAMPLE, "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    root = _xhtml(out.read_text(encoding="utf-8"))
    report = run_cli(["advise", EXAMPLE, "-f", "json"]).json()
    drawn = report["recommendations"] + report["warnings"] + report["not_advised"]
    assert len(root.findall(f".//{SVG}")) == 1 + len(drawn)  # the overview and one picture per item
    ns = "{http://www.w3.org/1999/xhtml}"
    articles = {f"item-{a.get('data-item')}": a for a in root.iter(f"{ns}article")}
    for entry in drawn + report["plan"] + report["kpis"]:
        article = articles[f"item-{entry['id']}"]
        text = "".join(article.itertext())
        assert entry["title"] in text and "How this was concluded" in text
        assert "knowledge/documents/" in text  # the explanation cites the passage
    assert not list(root.iter(f"{ns}script"))  # nothing runs; the page is self-contained
    page = out.read_text(encoding="utf-8")
    assert "http://" not in page.replace("http://www.w3.org/", "")  # no outside resources
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # several pictures on one page, no clashing element ids
    # the overview draws the first ten recommendations (the tea shop has about forty) and says so
    overview = root.find(f".//{ns}div[@class='picture overview']")
    titles = {"".join(t.itertext()) for t in overview.iter("{http://www.w3.org/2000/svg}title")}
    drawn_there = {e["id"] for e in drawn if f"item:{e['id']}" in titles}
    assert drawn_there == {e["id"] for e in report["recommendations"][:10] + report["warnings"] + report["not_advised"]}
    assert f"the first 10 of the {len(report['recommendations'])} recommendations" in page


def test_html_page_without_graphviz_says_so_and_stays_well_formed(kb, monkeypatch):
    import advisor.render.graphviz as graphviz
    from advisor.explain.analysis import analyse

    monkeypatch.setattr(graphviz, "drawer", lambda: None)
    run = analyse(kb, json.loads((EXAMPLES / "tea-shop.json").read_text()))
    page = render(run.report, "html", analysis=run)
    root = _xhtml(page)
    assert not root.findall(f".//{SVG}")
    assert "need Graphviz" in page and "How this was concluded" in page


def test_markdown_embeds_mermaid_diagrams(run_cli):
    result = run_cli(["advise", EXAMPLE, "--format", "markdown", "--detail"])
    assert result.exit_code == 0
    report = run_cli(["advise", EXAMPLE, "-f", "json"]).json()
    blocks = re.findall(r"```mermaid\n(.*?)```", result.stdout, re.S)
    assert len(blocks) == 1 + min(3, len(report["recommendations"])) + min(3, len(report["warnings"]))
    # the owner's version draws the overview only: the pictures of single items name the rules
    owner = run_cli(["advise", EXAMPLE, "--format", "markdown"]).stdout
    assert len(re.findall(r"```mermaid\n(.*?)```", owner, re.S)) == 1
    for block in blocks:
        assert block.startswith("flowchart LR\n")
        nodes = set(re.findall(r"^  (n\d+)[\[(]", block, re.M))
        for a, b in re.findall(r"^  (n\d+) \S+ (n\d+)$", block, re.M):
            assert a in nodes and b in nodes
    assert "*Because you answered:*" in result.stdout


def test_markdown_without_a_graph_has_no_diagram(kb):
    from advisor.api import advise

    text = render(advise(kb, json.loads((EXAMPLES / "tea-shop.json").read_text())), "markdown")
    assert "```mermaid" not in text and text.startswith("# Marketing advice for Lotus Leaf Tea")


def test_mermaid_labels_are_escaped():
    V = nx.DiGraph()
    V.add_node("rule:r", kind="rule", label='Say "no" to <b> #1', small="p50", style="rule")
    text = to_mermaid(V)
    assert 'n0["Say #quot;no#quot; to #lt;b#gt; no. 1<br/><small>p50</small>"]:::rule' in text


@needs_dot
def test_graph_command_exports_parse(run_cli, tmp_path):
    outputs = {}
    for fmt in ("dot", "mermaid", "graphml", "json", "svg"):
        result = run_cli(["graph", EXAMPLE, "--format", fmt])
        assert result.exit_code == 0, result.stderr
        outputs[fmt] = result.stdout
    G = from_json(json.loads(outputs["json"]))
    assert {d["kind"] for _, d in G.nodes(data=True)} == {"answer", "rule", "fact", "item", "source"}
    path = tmp_path / "g.graphml"
    path.write_text(outputs["graphml"])
    back = nx.read_graphml(path)
    assert set(back.nodes) == set(G.nodes) and set(back.edges) == set(G.edges)
    from advisor.render.graphviz import draw

    canon = draw([outputs["dot"]], "canon")[0].decode()  # Graphviz reads the DOT back
    drawn = full_view(G)  # sources folded into the rules by default
    assert all(f'"{node}"' in canon for node in drawn)
    assert ET.fromstring(outputs["svg"]).tag == SVG
    assert outputs["mermaid"].startswith("flowchart LR\n")


def test_graph_command_for_one_item(run_cli):
    whole = from_json(run_cli(["graph", EXAMPLE, "-f", "json"]).json())
    one = from_json(run_cli(["graph", EXAMPLE, "-f", "json", "--item", "seo"]).json())
    assert "item:seo" in one and set(one) < set(whole)
    assert not any(n.startswith("item:") and n != "item:seo" for n in one)
    missing = run_cli(["graph", EXAMPLE, "--item", "personal-closing"])
    assert missing.exit_code == 2 and "advisor explain" in missing.stderr
    unknown = run_cli(["graph", EXAMPLE, "--item", "seoo"])
    assert unknown.exit_code == 2 and "[E501]" in unknown.stderr and unknown.stderr.count("\n") == 1


def test_graph_format_follows_the_output_suffix(run_cli, tmp_path):
    out = tmp_path / "g.mmd"
    result = run_cli(["graph", EXAMPLE, "--overview", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_text().startswith("flowchart LR")
    assert "wrote mermaid graph" in result.stderr


@needs_dot
def test_html_and_markdown_are_byte_stable(run_cli):
    for fmt in ("html", "markdown"):
        first = run_cli(["advise", EXAMPLE, "--format", fmt]).stdout
        second = run_cli(["advise", EXAMPLE, "--format", fmt]).stdout
        assert first == second and first


def _without_system_dot() -> dict:
    """The environment of a process whose PATH holds no `dot` program (only this Python's folder)."""
    import os
    import sys

    env = dict(os.environ, PATH=os.path.dirname(sys.executable))
    env.pop("ADVISOR_GRAPHVIZ", None)
    return env


@pytest.mark.skipif(importlib.util.find_spec("pygraphviz") is None, reason="pygraphviz is not installed")
def test_pictures_need_no_system_graphviz(tmp_path):
    """pip install alone draws: with no `dot` on the PATH the page has its pictures and graph writes SVG."""
    import sys

    env = _without_system_dot()
    page, picture = tmp_path / "r.html", tmp_path / "g.svg"
    for args in (["advise", EXAMPLE, "-o", str(page)], ["graph", EXAMPLE, "-o", str(picture)]):
        done = subprocess.run([sys.executable, "-m", "advisor", *args], env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        assert "Graphviz is not installed" not in done.stderr and "Fontconfig" not in done.stderr
    root = _xhtml(page.read_text(encoding="utf-8"))
    assert len(root.findall(f".//{SVG}")) > 10
    assert ET.fromstring(picture.read_text(encoding="utf-8")).tag == SVG


def test_no_graphviz_at_all_is_one_clear_line(tmp_path):
    import sys

    env = dict(_without_system_dot(), ADVISOR_GRAPHVIZ="system")  # the bundled one set aside, no dot either
    done = subprocess.run([sys.executable, "-m", "advisor", "graph", EXAMPLE, "-o", str(tmp_path / "g.svg")],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "no Graphviz to draw the picture with" in done.stderr
    assert "pip install pygraphviz" in done.stderr and "[E503]" in done.stderr
    assert not (tmp_path / "g.svg").exists()
    page = subprocess.run([sys.executable, "-m", "advisor", "advise", EXAMPLE, "-o", str(tmp_path / "r.html")],
                          env=env, capture_output=True, text=True, timeout=300)
    assert page.returncode == 0 and "Graphviz is not installed, so the page has no pictures" in page.stderr


@needs_dot
@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG\r\n\x1a\n"), (".pdf", b"%PDF-")])
def test_graph_writes_real_png_and_pdf(run_cli, tmp_path, suffix, magic):
    out = tmp_path / f"g{suffix}"
    result = run_cli(["graph", EXAMPLE, "--overview", "--top", "5", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(magic)


@needs_dot
def test_the_system_dot_and_the_bundled_graphviz_draw_alike(kb):
    """Where both are installed, they lay out the same nodes (the system one is the fallback)."""
    import os

    from advisor.explain.analysis import analyse
    from advisor.render.dot import to_dot
    from advisor.render.graphviz import svg
    from advisor.render.view import overview

    if shutil.which("dot") is None or importlib.util.find_spec("pygraphviz") is None:
        pytest.skip("needs both the system dot and pygraphviz")
    text = to_dot(overview(analyse(kb, json.loads((EXAMPLES / "tea-shop.json").read_text())).graph, top=5))
    bundled = svg(text)
    os.environ["ADVISOR_GRAPHVIZ"] = "system"
    try:
        system = svg(text)
    finally:
        del os.environ["ADVISOR_GRAPHVIZ"]
    titles = [sorted("".join(t.itertext()) for t in ET.fromstring(s).iter("{http://www.w3.org/2000/svg}title"))
              for s in (bundled, system)]
    assert titles[0] == titles[1] and len(titles[0]) > 10
