"""The report as one self-contained HTML page: the advice, its explanations and the reasoning drawn.

The page needs nothing but a browser: styles are inline, pictures are inline
SVG drawn by Graphviz (:mod:`advisor.render.graphviz`), details fold with
``<details>`` and no script runs. A print stylesheet makes it print cleanly to
PDF from any browser (no navigation, no item split across pages, pictures
fitted to the page, and - where the browser allows - explanations unfolded);
below 600 pixels the margins shrink for a phone. It is written as polyglot XHTML (every
element closed, no named entities but XML's), so XML tools parse it too.

Pictures stay legible however many rules fire: one overview (answers ->
derived facts -> advice, rules folded into edges, advice in report order) and
one small picture per recommendation, warning and item not advised, each
beside its explanation. Without Graphviz the page is written without pictures
and says why.

Stage: render.
"""

from __future__ import annotations

from html import escape
from typing import Any

from advisor import i18n
from advisor.report import join_sentences, level_word
from advisor.version import __version__

__all__ = ["render"]

_CSS = """
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1d1d1d;margin:0;background:#f6f7f9;
line-height:1.45}
main{max-width:1100px;margin:0 auto;padding:24px 28px 48px;background:#fff}
h1{margin:0 0 4px;font-size:1.7em}h2{margin-top:2em;border-bottom:1px solid #e2e2e2;padding-bottom:4px}
h3{margin:0 0 6px;font-size:1.1em}
.muted{color:#666}.small{font-size:.86em}
nav a{margin-right:14px;color:#3d6fb0;text-decoration:none}
article{border:1px solid #dedede;border-left:6px solid #bbb;border-radius:6px;padding:12px 16px;margin:14px 0}
article.recommended{border-left-color:#2e7d32}article.warning{border-left-color:#c4510f}
article.not_advised{border-left-color:#c62828}article.plan{border-left-color:#6a4c93}
article.kpi{border-left-color:#00796b}
.rank{display:inline-block;min-width:1.6em;text-align:center;background:#2e7d32;color:#fff;border-radius:4px;
margin-right:6px;font-size:.9em}
article.warning .rank{background:#c4510f}
.tags{font-weight:normal;color:#666;font-size:.85em;margin-left:6px}
.chip{display:inline-block;background:#e7f0fb;border:1px solid #c3d6ef;border-radius:10px;padding:0 8px;
margin:2px 4px 2px 0;font-size:.86em}
.fix{background:#fff7ef;border-radius:4px;padding:6px 10px}
details{margin-top:8px}summary{cursor:pointer;color:#3d6fb0}
.picture{overflow-x:auto;margin:8px 0;padding:6px;background:#fcfcfc;border:1px solid #eee;border-radius:4px}
.picture svg{max-width:100%;height:auto}
.overview svg{max-width:none}
ul.tree{list-style:none;padding-left:0;margin:6px 0}ul.tree ul{list-style:none;border-left:2px solid #e3e3e3;
margin-left:8px;padding-left:14px}
.node{font-weight:600}.node.answer{color:#2b5a94}.node.fact{color:#8a6a00}.node.rule{color:#333}
.details{margin:2px 0 6px 0;font-size:.9em}.details .key{color:#777}.details div{margin:1px 0}
blockquote{margin:3px 0 6px 0;padding:4px 10px;border-left:3px solid #d0d0d0;color:#444;font-style:italic;
font-size:.92em}
.legend span{display:inline-block;border:1px solid;border-radius:4px;padding:0 8px;margin:2px 6px 2px 0;
font-size:.85em}
table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
footer{margin-top:3em;color:#888;font-size:.85em}
.target{scroll-margin-top:4em}
@media (max-width:600px){main{padding:16px 14px 32px}h1{font-size:1.4em}article{padding:10px 12px}
table{display:block;overflow-x:auto}}
@media print{body{background:#fff;font-size:10.5pt}main{max-width:none;padding:0}nav,.legend{display:none}
article{break-inside:avoid}h2,h3{break-after:avoid}.picture{overflow:visible;border:none;background:none}
.picture svg,.overview svg{max-width:100%;height:auto}details::details-content{content-visibility:visible}
summary{display:none}a{color:inherit;text-decoration:none}footer{break-before:avoid}}
"""

_LEGEND = (("answer", i18n.N_("your answer")), ("fact", i18n.N_("derived fact")), ("rule", i18n.N_("rule")),
           ("recommended", i18n.N_("recommended")), ("warning", i18n.N_("warning")),
           ("not_advised", i18n.N_("not advised")), ("source", i18n.N_("source passage")))
#: the labels of a reasoning step's details, as the text explanation shows them
_LABELS = {"concludes": i18n.N_("concludes"), "note": i18n.N_("note"), "because": i18n.N_("because"),
           "basis": i18n.N_("basis"), "source": i18n.N_("source"), "also": i18n.N_("also"),
           "needs": i18n.N_("needs"), "matched": i18n.N_("matched"), "meaning": i18n.N_("meaning"),
           "overridden": i18n.N_("overridden")}


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def _outline(step: Any) -> str:
    """One reasoning step (:class:`advisor.explain.explanation.Step`) as nested lists."""
    parts = [f'<li><span class="node {_e(step.kind)}">{_e(step.head)}</span>']
    if step.seen:
        parts.append(' <span class="muted small">' + _e(i18n._("(explained above)")) + "</span>")
    details = []
    for key, text in step.details:  # a quote follows the source line it belongs to
        if key == "quote":
            details.append(f"<blockquote>{_e(text)}</blockquote>")
        else:
            label = i18n._(_LABELS[key]) if key in _LABELS else key
            details.append(f'<div><span class="key">{_e(i18n._("{label}:").format(label=label))}</span> {_e(text)}</div>')
    if details:
        parts.append(f'<div class="details">{"".join(details)}</div>')
    if step.children:
        parts.append('<ul class="tree">' + "".join(_outline(c) for c in step.children) + "</ul>")
    parts.append("</li>")
    return "".join(parts)


def _explanation(explanation: Any) -> str:
    out = []
    if explanation.reasons:
        out.append('<ul class="tree">' + "".join(_outline(s) for s in explanation.reasons) + "</ul>")
    if explanation.decision:
        d = explanation.decision
        pro = i18n._(", ").join(i18n._("{rule} (priority {priority})").format(rule=r["rule"], priority=r["priority"])
                                for r in d["for"]) or "-"
        con = i18n._(", ").join(i18n._("{rule} (priority {priority}, {via})").format(
            rule=r["rule"], priority=r["priority"], via=_via(r["via"])) for r in d["against"]) or "-"
        out.append("<p><b>" + _e(i18n._("Disagreement.")) + "</b> " + _e(i18n._(
            "For it: {pro}. Against it: {con}. {reason}.").format(pro=pro, con=con, reason=d["reason"])) + "</p>")
    if explanation.overruled:
        out.append("<p><b>" + _e(i18n._("Overruled:")) + "</b></p>")
        out.append('<ul class="tree">' + "".join(_outline(s) for s in explanation.overruled) + "</ul>")
    return "".join(out)


def _via(via: str) -> str:
    """A conclusion standing against an item (``avoid seo``, ``warn offline-copy``) in words."""
    kind, _sep, item = via.partition(" ")
    if kind == "avoid":
        return i18n._("avoid {item}").format(item=item)
    if kind == "warn":
        return i18n._("warn {item}").format(item=item)
    return via


def _chips(graph: Any, item: str) -> str:
    from advisor.explain import answer_words

    chips = [f'<span class="chip" title="{_e(question)}">'
             + _e(i18n._("{label}: {items}").format(label=label, items=value)) + "</span>"
             for label, value, question in answer_words(graph, item)]
    if not chips:
        return ""
    return '<p class="small">' + _e(i18n._("Because you answered:")) + " " + "".join(chips) + "</p>"


def _article(entry: dict[str, Any], css: str, run: Any, pictures: dict[str, str], explanations: dict[str, Any],
             detail: bool = False) -> str:
    item = entry["id"]
    tags = [level_word(entry["kind"])]
    tags += [level_word(entry[k]) for k in ("strength", "severity", "phase") if entry.get(k)]
    tags += [level_word(role) for role in entry.get("roles", [])]
    rank = f'<span class="rank">{entry["rank"]}</span>' if entry.get("rank") else ""
    # folded: the page opens on the diagnosis, and the full advice is a click away (--detail unfolds it)
    opened = ' open="open"' if detail else ""
    # The links to an item (#item-ID) point into its folded content: a browser opens the fold it lands in
    # (HTML's "ancestor details revealing" on fragment navigation), so no script is needed to unfold it.
    out = [f'<article class="item {css}" data-item="{_e(item)}">', f"<details{opened}>",
           f'<summary><h3>{rank}{_e(entry["title"])}<span class="tags">{_e(" / ".join(tags))}</span></h3></summary>',
           f'<div class="target" id="item-{_e(item)}"></div>']
    if css in ("warning", "plan", "kpi") and entry.get("description"):
        out.append(f"<p>{_e(entry['description'])}</p>")
    if entry.get("fix"):
        out.append('<p class="fix"><b>' + _e(i18n._("Instead:")) + f'</b> {_e(entry["fix"])}</p>')
    out.append(f"<p>{_e(entry['rationale'])}</p>")
    if entry.get("notes"):
        out.append("<ul>" + "".join(f"<li>{_e(n)}</li>" for n in entry["notes"]) + "</ul>")
    if entry.get("targets"):
        out.append('<p class="small"><b>' + _e(i18n._("Target:")) + f"</b> {_e(i18n._('; ').join(entry['targets']))}</p>")
    out.append(_chips(run.graph if run else None, item))
    explanation = explanations.get(item)
    if detail and explanation is not None and explanation.ranking:
        out.append('<p class="small muted">' + "<br/>".join(_e(line) for line in explanation.ranking) + "</p>")
    elif detail and entry.get("rank_reason"):
        out.append('<p class="small muted">' + _e(i18n._("Ranked {why}").format(why=entry["rank_reason"])) + "</p>")
    if entry.get("next", {}).get("place") in ("move", "later"):
        place = entry["next"]
        where = (i18n._("Move {order} to start now:").format(order=place["order"]) if place["place"] == "move"
                 else i18n._("Later:"))
        out.append(f'<p class="small"><b>{_e(where)}</b> '
                   + _e(i18n._("{reasons}.").format(reasons=i18n._("; ").join(place["why"]))) + "</p>")
    if entry.get("waits_for"):
        out.append('<p class="small"><b>' + _e(i18n._("First fix:")) + "</b> "
                   + _e(i18n._("{items}, then this.").format(items=i18n._(", ").join(entry["waits_for"]))) + "</p>")
    if entry.get("conflict"):
        out.append('<p class="small"><b>' + _e(i18n._("Decided:")) + f'</b> {_e(entry["conflict"]["reason"])}</p>')
    sources = i18n._("; ").join(f"{s['doc']} {s['title'] or s['section']}" for s in entry["sources"])
    said = entry.get("quote", "")
    if said:
        out.append(f"<blockquote>{_e(said)}</blockquote>")
    if entry.get("basis") in ("reading", "assumption"):
        judgement = entry["judgements"][0]
        out.append('<p class="small judgement"><b>' + i18n._("The advisor's judgement") + "</b> "
                   + i18n._("({basis}, not the text's words): {judgement}").format(
                       basis=_e(level_word(judgement["basis"])), judgement=_e(judgement["judgement"])) + "</p>")
    said_sources = i18n._("Sources: {sources}.").format(sources=sources)
    if detail:
        said_sources = join_sentences([i18n._("Rules: {rules}.").format(rules=i18n._(", ").join(entry["because"])),
                                       said_sources])
    out.append(f'<p class="small muted">{_e(said_sources)}</p>')
    if explanation is not None:
        out.append("<details><summary>" + _e(i18n._("How this was concluded")) + "</summary>")
        if item in pictures:
            out.append(f'<div class="picture">{pictures[item]}</div>')
        out.append(_explanation(explanation))
        out.append("</details>")
    out.append("</details>")
    out.append("</article>")
    return "\n".join(part for part in out if part)


def _draw(run: Any, items: list[str]) -> tuple[str, dict[str, str], str]:
    """The overview SVG, one SVG per item, and a note when pictures could not be drawn."""
    from .dot import to_dot
    from .graphviz import GraphvizMissing, svgs
    from .view import OVERVIEW_TOP, focus_view, overview

    G = run.graph
    texts = [to_dot(overview(G, top=OVERVIEW_TOP), name="overview", prefix="ov-")]
    drawn = [item for item in items if f"item:{item}" in G]
    texts += [to_dot(focus_view(G, f"item:{item}"), name=item, prefix=f"p{i}-") for i, item in enumerate(drawn)]
    try:
        images = svgs(texts)
    except GraphvizMissing:
        return "", {}, ("The reasoning pictures need Graphviz (pip install pygraphviz, or the dot program: "
                        "apt-get install graphviz); the explanations below say the same in words.")
    return images[0], dict(zip(drawn, images[1:])), ""


def render(report: dict[str, Any], *, analysis: Any = None, detail: bool = False, **_: object) -> str:
    """The report as a self-contained HTML page; ``analysis`` (an :class:`advisor.explain.analysis.Analysis`)
    adds the explanations and pictures; ``detail`` adds rules, ranks and counts to every item."""
    from .diagnosis_html import CSS as DIAGNOSIS_CSS
    from .diagnosis_html import section

    run = analysis
    business = report["business"]
    name = business.get("name") or i18n._("your business")
    sections = (("recommendations", "Recommended", "recommended"), ("warnings", "Warnings", "warning"),
                ("not_advised", "Not advised", "not_advised"), ("plan", "Plan", "plan"), ("kpis", "Measure", "kpi"))
    explanations: dict[str, Any] = {}
    overview_svg, pictures, note = "", {}, ""
    if run is not None:
        from advisor.explain import explain

        for key, _, _ in sections:
            for entry in report[key]:
                explanations[entry["id"]] = explain(run, f"item:{entry['id']}", search=False)
        drawn = [e["id"] for key in ("recommendations", "warnings", "not_advised") for e in report[key]]
        overview_svg, pictures, note = _draw(run, drawn)
    out = ["<!DOCTYPE html>", f'<html xmlns="http://www.w3.org/1999/xhtml" lang="{i18n.current()}">', "<head>",
           '<meta charset="utf-8" />', '<meta name="viewport" content="width=device-width, initial-scale=1" />',
           f"<title>{_e(i18n._('Marketing advice for {name}').format(name=name))}</title>", f"<style>{_CSS}{DIAGNOSIS_CSS}</style>", "</head>",
           "<body>", "<main>", f"<h1>{_e(i18n._('Marketing advice for {name}').format(name=name))}</h1>"]
    if business.get("highlights"):
        out.append(f'<p class="muted">{_e(" | ".join(business["highlights"]))}</p>')
    if detail:
        summary = report["summary"]
        out.append('<p class="small muted">' + _e(i18n._(
            "{answered} of {fields} questions answered; {fired} of {rules} rules applied.").format(
            answered=summary["fields_answered"], fields=summary["fields_total"], fired=summary["rules_fired"],
            rules=summary["rules_total"])) + "</p>")
    out.append(section(report))
    links = [f'<a href="#moves">{i18n._("Start now")}</a>']
    links += [f'<a href="#{key}">{i18n._(title)} ({len(report[key])})</a>' for key, title, _ in sections if report[key]]
    if run is not None:
        links.append(f'<a href="#overview">{i18n._("How the advice was reached")}</a>')
    if report["unanswered"]:
        links.append('<a href="#questions">' + _e(i18n._("Questions")) + "</a>")
    out.append("<nav>" + "".join(links) + "</nav>")
    for key, title, css in sections:
        out.append(f'<h2 id="{key}">{i18n._(title)}</h2>')
        if not report[key]:
            empty = {"recommendations": i18n.N_("No channel or tactic can be recommended from these answers yet."),
                     "warnings": i18n.N_("None of the mistakes the sources warn about shows in these answers.")}
            out.append(f'<p class="muted">{_e(i18n._(empty.get(key, "None.")))}</p>')
        for entry in report[key]:
            out.append(_article(entry, css, run, pictures, explanations, detail))
    if report["conflicts"] or report.get("sequences"):
        out.append(f'<h2 id="conflicts">{i18n._("Disagreements decided")}</h2><ul>')
        out += [f"<li><code>{_e(c['item'])}</code>: {_e(c['reason'])}</li>" for c in report["conflicts"]]
        out += [f"<li><code>{_e(q['item'])}</code>: " + _e(i18n._("sequenced, not vetoed: {reason}").format(
                    reason=q["reason"])) + "</li>"
                for q in report.get("sequences", ())]
        out.append("</ul>")
    if run is not None:
        out.append(f'<h2 id="overview">{i18n._("How the advice was reached")}</h2>')
        from .view import OVERVIEW_TOP

        shown = min(len(report["recommendations"]), OVERVIEW_TOP)
        words = [i18n._("Your answers (left) lead through derived facts (yellow) to the advice (right), in the order "
                        "of this report. Hover a box or a line for details; click advice to jump to it.")]
        if len(report["recommendations"]) > shown:
            words.append(i18n._("It draws the first {shown} of the {count} recommendations, every warning and what is "
                                "not advised; each item above has a picture of its own.").format(
                shown=shown, count=len(report["recommendations"])))
        out.append(f'<p class="small">{join_sentences(words)}</p>')
        legend = []
        from .view import STYLES

        for style, label in _LEGEND:
            fill, line, _ = STYLES[style]
            legend.append(f'<span style="background:{fill};border-color:{line}">{_e(i18n._(label))}</span>')
        out.append(f'<p class="legend">{"".join(legend)}</p>')
        if overview_svg:
            out.append(f'<div class="picture overview">{overview_svg}</div>')
        elif note:
            out.append(f'<p class="fix">{_e(note)}</p>')
    if report["unanswered"]:
        out.append(f'<h2 id="questions">{i18n._("Answer these for more advice")}</h2><table>')
        if detail:
            out.append("<tr><th>" + _e(i18n._("Question")) + "</th><th>" + _e(i18n._("Field")) + "</th><th>"
                       + _e(i18n._("Rules it could apply")) + "</th></tr>")
            out += [f"<tr><td>{_e(e['question'])}</td><td><code>{_e(e['field'])}</code></td><td>{e['unlocks']}</td></tr>"
                    for e in report["unanswered"]]
        else:
            out.append("<tr><th>" + _e(i18n._("Question")) + "</th><th>" + _e(i18n._("Field")) + "</th></tr>")
            out += [f"<tr><td>{_e(e['question'])}</td><td><code>{_e(e['field'])}</code></td></tr>"
                    for e in report["unanswered"]]
        out.append("</table>")
    out.append("<footer>" + i18n._(
        "Written by marketing-advisor {version}. Every piece of advice names the passages of the source articles "
        "it rests on (knowledge/documents). Ask about any item: <code>advisor explain PROFILE ITEM</code>; try a "
        "change: <code>advisor whatif PROFILE --set FIELD=VALUE</code>.").format(version=_e(__version__)) + "</footer>")
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
