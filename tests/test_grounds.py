"""What the text says and what is the advisor's judgement, as the reports and explanations show it (issue 13)."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES

EXAMPLE = str(EXAMPLES / "tea-shop.json")


@pytest.fixture(scope="module")
def report(run_cli_module):
    return run_cli_module(["advise", EXAMPLE, "-f", "json"]).json()


def _items(report):
    return [e for key in ("recommendations", "warnings", "not_advised", "plan", "kpis") for e in report[key]]


def test_every_item_quotes_the_text_and_states_its_basis(report):
    for entry in _items(report):
        quoted = {q for source in entry["sources"] for q in source["quotes"]}
        assert entry["quote"] in quoted, entry["id"]
        assert entry["basis"] in ("source", "reading", "assumption")
        judged = {j["rule"] for j in entry["judgements"]}
        assert judged <= set(entry["because"])
        if entry["basis"] != "source":  # the advisor's own judgement carries the item: it says why
            assert entry["judgements"] and all(j["judgement"] for j in entry["judgements"])


def test_the_text_report_marks_the_advisors_judgement(run_cli, report):
    judged = [e for e in report["recommendations"][:10] if e["basis"] != "source"]
    assert judged, "the example's first ten recommendations hold a reading or an assumption"
    text = run_cli(["advise", EXAMPLE, "-f", "text", "--width", "400", "--detail"]).stdout
    for entry in judged:
        first = entry["judgements"][0]
        assert f"the advisor's judgement ({first['basis']}, not the text's words): {first['judgement']}" in text
    top = report["recommendations"][0]
    assert f'the text: "{top["quote"]}"' in text


def test_html_and_markdown_show_the_quote_and_the_judgement(run_cli, report, tmp_path):
    from html import escape

    judged = next(e for e in report["recommendations"] if e["basis"] != "source")
    page = tmp_path / "r.html"
    assert run_cli(["advise", EXAMPLE, "-o", str(page)]).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert f"<blockquote>{escape(report['recommendations'][0]['quote'], quote=True)}</blockquote>" in html
    assert escape(judged["judgements"][0]["judgement"], quote=True) in html
    markdown = run_cli(["advise", EXAMPLE, "-f", "markdown"]).stdout
    assert f"- *The advisor's judgement ({judged['judgements'][0]['basis']}):* " in markdown


def test_explain_quotes_the_rules_words_and_names_a_reading(run_cli, report):
    judged = next(e for e in report["recommendations"] if e["basis"] == "reading")
    data = run_cli(["explain", EXAMPLE, judged["id"], "-f", "json", "--max-runs", "0"]).json()
    details = []

    def walk(step):
        details.extend((d["label"], d["text"]) for d in step["details"])
        for child in step["children"]:
            walk(child)

    for step in data["reasons"]:
        walk(step)
    assert ("quote", judged["quote"]) in details
    assert any(label == "basis" and text.startswith("reading, the advisor's judgement") for label, text in details)
