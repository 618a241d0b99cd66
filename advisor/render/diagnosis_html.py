"""The top of the HTML report: the diagnosis and the moves to start now, as the page opens.

The section shows the report's ``diagnosis`` (docs/report.md) as it is: where the
business stands, one card per move with the goal it serves, effort and cost and why
it comes first, the business's goals with the moves that serve them, what it is about
to start, and what comes later. Its styles are its own (:data:`CSS`), added to the
page's stylesheet.

Stage: render.
"""

from __future__ import annotations

from html import escape
from typing import Any

from advisor import i18n
from advisor.i18n import _
from advisor.render.text import goal_titles, move_facts
from advisor.report import join_sentences

__all__ = ["CSS", "section"]

CSS = """
.diagnosis{background:#f4f8fc;border:1px solid #d6e3f2;border-radius:8px;padding:14px 20px;margin:16px 0}
.diagnosis h2{margin-top:.6em;border:0}
.situation{font-size:1.08em}
ol.moves{padding-left:0;list-style:none;counter-reset:move}
ol.moves li{border:1px solid #cfe3d3;border-left:6px solid #2e7d32;border-radius:6px;background:#fff;padding:10px 14px;
margin:10px 0}
ol.moves li h3{margin:0 0 4px}
.move-no{display:inline-block;min-width:1.6em;text-align:center;background:#2e7d32;color:#fff;border-radius:4px;
margin-right:6px}
.facts{color:#555;font-size:.9em}
ul.later li,ul.goals li{margin:4px 0}
article.item>details>summary{list-style:none}article.item>details>summary h3{display:inline}
article.item>details>summary::before{content:"+ ";color:#3d6fb0}article.item>details[open]>summary::before{content:"- "}
"""


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def section(report: dict[str, Any]) -> str:
    """The diagnosis as an HTML ``<section>`` (ids ``diagnosis`` and ``moves``)."""
    d = report["diagnosis"]
    titles = {e["id"]: e["title"] for key in ("recommendations", "plan") for e in report[key]}
    entries = {e["id"]: e for e in report["recommendations"] + report["plan"]}
    starting = {g["practice"]: g["label"] for g in d.get("starting", ())}
    words = {g["goal"]: g["words"] for g in d["goals"]}
    out = ['<section class="diagnosis" id="diagnosis">', f"<h2>{i18n._('Where you stand')}</h2>",
           f'<p class="situation">{_e(join_sentences(d["situation"]))}</p>',
           f'<h2 id="moves">{i18n._("Start now")}</h2><p class="small muted">'
           + _e(i18n._("{count} moves at a time for {capacity}").format(count=len(d["moves"]),
                                                                          capacity=d["capacity"]["words"]))
           + ".</p>"]
    if not d["moves"]:
        out.append("<p>" + _e(_("Nothing can be advised from these answers yet; answer the questions below."))
                   + "</p>")
    else:
        out.append('<ol class="moves">')
        for number, move in enumerate(d["moves"], 1):
            facts = move_facts(move, words, starting.get(move.get("start"), move.get("start") or ""))
            notes = entries.get(move["id"], {}).get("notes", [])
            out.append(f'<li id="move-{_e(move["id"])}"><h3><span class="move-no">{number}</span>'
                       f'<a href="#item-{_e(move["id"])}">{_e(move["title"])}</a></h3>'
                       f'<div class="facts">{_e(i18n._("; ").join(facts))}</div>'
                       f'<p><b>{_e(_("Why now:"))}</b> {_e(i18n._("; ").join(move["why"]))}{_e(_("."))}</p>'
                       + (f"<p>{_e(notes[0])}</p>" if notes else "") + "</li>")
        out.append("</ol>")
    if d["goals"]:
        out.append(f'<h2>{i18n._("Your goals")}</h2><ul class="goals">')
        for goal in d["goals"]:
            parts = goal_titles(goal, titles)
            out.append(f"<li><b>{_e(goal['words'][:1].upper() + goal['words'][1:])}</b> - "
                       f"{_e(i18n._('; ').join(parts) or '-')}</li>")
        out.append("</ul>")
    for group in d.get("starting", ()):
        if group["intended"]:
            out.append("<h2>" + _e(i18n._("When you start {practice}").format(practice=group["label"])) + "</h2><ul>")
            out += [f'<li><a href="#item-{_e(i)}">{_e(titles.get(i, i))}</a></li>' for i in group["items"]]
            out.append("</ul>")
    if d["later"]:
        out.append(f'<h2>{i18n._("Then")}</h2><p class="small muted">'
                   + _e(_("As the moves get under way, in this order.")) + "</p>"
                   '<ul class="later">')
        out += [f'<li><a href="#item-{_e(e["id"])}">{_e(e["title"])}</a> - {_e(e["why"][0])}</li>'
                for e in d["later"]]
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out)
