"""The report as Markdown, for sharing or pasting into a document.

It opens with the diagnosis (where the business stands, the moves to start
now, its goals, what comes later); the full advice follows, each
recommendation's explanation folded in ``<details>``. Given the run's
recommendation graph (``graph=``), each item also says which answers it rests
on, and a section draws the reasoning as Mermaid diagrams (rendered by
GitHub, GitLab and most Markdown viewers): an overview of answers -> derived
facts -> advice, and with ``detail`` one small diagram per top recommendation
and warning, folded in ``<details>``. Rules, ranks and counts appear only
with ``detail``.

Stage: render.
"""

from __future__ import annotations

from typing import Any

from advisor.i18n import _
from advisor.render.text import goal_titles, move_facts
from advisor.report import join_sentences, level_word

__all__ = ["render"]

#: how many recommendations and warnings get a diagram of their own
TOP = 3


def _esc(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _grounds(lines: list[str], entry: dict[str, Any]) -> None:
    """The first sentence quoted from the sources, and the advisor's judgement where the text is silent."""
    said = entry.get("quote", "")
    if said:
        lines.append(_("- *The text says:* \u201c{quote}\u201d").format(quote=said))
    if entry.get("basis") in ("reading", "assumption"):
        judgement = entry["judgements"][0]
        lines.append(_("- *The advisor's judgement ({basis}):* {judgement}").format(
            basis=level_word(judgement["basis"]), judgement=judgement["judgement"]))


def _why(e: dict[str, Any], detail: bool, pattern: str) -> str:
    """An item's rationale with its rules (``detail``) and sources, in ``pattern``."""
    sources = _("sources: {sources}").format(sources=_sources(e))
    if detail:
        sources = _("rules: {rules}; {sources}").format(rules=_(", ").join(e["because"]), sources=sources)
    return pattern.format(title=e.get("title", ""), rationale=e["rationale"], sources=sources)


def _sources(entry: dict[str, Any]) -> str:
    return _("; ").join(f"{s['doc']} {s['title'] or s['section']}" for s in entry["sources"])


def _answers(graph: Any, item: str) -> str:
    """``Price level: high; Storefront: own site`` - the answers an item rests on."""
    from advisor.explain import answer_words

    return _("; ").join(_("{label}: {items}").format(label=label, items=value)
                        for label, value, _source in answer_words(graph, item))


def _because(lines: list[str], graph: Any, entry: dict[str, Any]) -> None:
    answers = _answers(graph, entry["id"])
    if answers:
        lines.append(_("- *Because you answered:* {answers}").format(answers=_esc(answers)))


def _diagrams(lines: list[str], report: dict[str, Any], graph: Any, detail: bool = False) -> None:
    from .mermaid import to_mermaid
    from .view import OVERVIEW_TOP, focus_view, overview

    lines.append("## " + _("How the advice was reached"))
    lines.append("")
    lines.append(_("Your answers (left) lead through derived facts to the advice (right); "
                   "`advisor explain PROFILE ITEM` tells the whole story of one item."))
    lines.append("")
    V = overview(graph, top=OVERVIEW_TOP)
    if len(report["recommendations"]) > OVERVIEW_TOP:
        lines.append(_("The diagram draws the first {shown} of the {count} recommendations, every warning and "
                       "what is not advised.").format(shown=OVERVIEW_TOP, count=len(report["recommendations"])))
        lines.append("")
    if len(V):
        lines += ["```mermaid", to_mermaid(V), "```", ""]
    if not detail:  # the pictures of single items name the rules: they are for --detail
        return
    for entry in report["recommendations"][:TOP] + report["warnings"][:TOP]:
        node = f"item:{entry['id']}"
        if node not in graph:
            continue
        lines.append("<details><summary>" + _("Why: {title}").format(title=_esc(entry["title"])) + "</summary>")
        lines.append("")
        lines += ["```mermaid", to_mermaid(focus_view(graph, node)), "```", ""]
        lines.append("</details>")
        lines.append("")


def _diagnosis(lines: list[str], report: dict[str, Any]) -> None:
    """Where the business stands, the moves to start now, its goals, what it is about to start, what comes later."""
    d = report["diagnosis"]
    titles = {e["id"]: e["title"] for key in ("recommendations", "plan") for e in report[key]}
    entries = {e["id"]: e for e in report["recommendations"] + report["plan"]}
    starting = {g["practice"]: g["label"] for g in d.get("starting", ())}
    goal_words = {g["goal"]: g["words"] for g in d["goals"]}
    lines += ["## " + _("Where you stand"), "", join_sentences(d["situation"]), ""]
    lines += ["## " + _("Start now"), "", "*" + _("{count} moves at a time for {capacity}").format(count=len(d["moves"]), capacity=d["capacity"]["words"]) + ".*", ""]
    if not d["moves"]:
        lines += [_("Nothing can be advised from these answers yet; answer the questions below."), ""]
    for number, move in enumerate(d["moves"], 1):
        facts = move_facts(move, goal_words, starting.get(move.get("start"), move.get("start") or ""))
        lines.append(_("{number}. **{title}** - {facts}.").format(number=number, title=_esc(move["title"]),
                                                                 facts=_("; ").join(facts)))
        lines.append("   " + _("*Why now:* {reasons}.").format(reasons=_esc(_("; ").join(move["why"]))))
        notes = entries.get(move["id"], {}).get("notes", [])
        if notes:
            lines.append(f"   {_esc(notes[0])}")
    lines.append("")
    if d["goals"]:
        lines += ["## " + _("Your goals"), ""]
        for goal in d["goals"]:
            parts = goal_titles(goal, titles)
            lines.append(f"- **{_esc(goal['words'][:1].upper() + goal['words'][1:])}** - "
                         f"{_esc(_('; ').join(parts) or '-')}")
        lines.append("")
    for group in d.get("starting", ()):
        if group["intended"]:
            lines += ["## " + _("When you start {practice}").format(practice=group["label"]), ""]
            lines += [f"- {_esc(titles.get(i, i))}" for i in group["items"]]
            lines.append("")
    if d["later"]:
        lines += ["## " + _("Then"), "", "*" + _("As the moves get under way, in this order:") + "*", ""]
        lines += [f"- **{_esc(e['title'])}** - {_esc(e['why'][0])}" for e in d["later"]]
        lines.append("")


def _item_lines(lines: list[str], graph: Any, e: dict[str, Any], detail: bool) -> None:
    lines.append(join_sentences([_("**{rank}. {title}.**").format(rank=e["rank"], title=e["title"]), e["rationale"]]))
    for note in e["notes"]:
        lines.append(f"- {note}")
    if e.get("start"):
        lines.append(_("- *Starts:* {practice}").format(practice=e["start"].replace("_", " ")))
    if e.get("waits_for"):
        lines.append(_("- *After fixing:* {items}").format(items=_(", ").join(e["waits_for"])))
    _because(lines, graph, e)
    _grounds(lines, e)
    if detail:
        lines.append(_("- *Ranked* {why}").format(why=e["rank_reason"]))
        if e.get("conflict"):
            lines.append(_("- *Decided:* {reason}").format(reason=e["conflict"]["reason"]))
    lines.append("")


def render(report: dict[str, Any], *, graph: Any = None, detail: bool = False, **_options: object) -> str:
    """The report as Markdown; ``graph`` (from :mod:`advisor.explain.graph`) adds answers and diagrams;
    ``detail`` adds rules, ranks and counts (the owner's version leaves them out)."""
    lines: list[str] = []
    business = report["business"]
    lines.append("# " + _("Marketing advice for {name}").format(name=business.get("name") or _("your business")))
    lines.append("")
    if business.get("highlights"):
        lines.append(" | ".join(business["highlights"]))
        lines.append("")
    if detail:
        summary = report["summary"]
        lines.append(_("*{answered} of {fields} questions answered; {fired} of {rules} rules applied.*").format(
            answered=summary["fields_answered"], fields=summary["fields_total"], fired=summary["rules_fired"],
            rules=summary["rules_total"]))
        lines.append("")
    _diagnosis(lines, report)
    lines.append("## " + _("Recommended"))
    lines.append("")
    if report["recommendations"]:
        if detail:
            lines.append(_("| # | Channel or tactic | Kind | Strength | Role | Rules | Sources |"))
            lines.append("|---|---|---|---|---|---|---|")
        else:
            lines.append(_("| # | Channel or tactic | Kind | Strength | Role | Sources |"))
            lines.append("|---|---|---|---|---|---|")
        for e in report["recommendations"]:
            rules = f" {_(', ').join(e['because'])} |" if detail else ""
            lines.append(f"| {e['rank']} | **{_esc(e['title'])}** | {level_word(e['kind'])} | "
                         f"{level_word(e['strength'])} | {_(', ').join(map(level_word, e['roles']))} |{rules} "
                         f"{_esc(_sources(e))} |")
        lines.append("")
        if not detail:
            lines += ["<details><summary>" + _("Why each is recommended") + "</summary>", ""]
        for e in report["recommendations"]:
            _item_lines(lines, graph, e, detail)
        if not detail:
            lines += ["</details>", ""]
    else:
        lines.append(_("No channel or tactic can be recommended from these answers yet."))
        lines.append("")
    lines.append("## " + _("Warnings"))
    lines.append("")
    if not report["warnings"]:
        lines.append(_("None of the mistakes the sources warn about shows in these answers."))
        lines.append("")
    for e in report["warnings"]:
        lines.append("### " + _("{title} ({severity})").format(title=e["title"], severity=level_word(e["severity"])))
        lines.append("")
        lines.append(e["description"])
        lines.append("")
        if e.get("fix"):
            lines.append(_("**Instead:** {fix}").format(fix=e["fix"]))
            lines.append("")
        lines.append(_why(e, detail, _("*Why:* {rationale} ({sources})")))
        answers = _answers(graph, e["id"])
        if answers:
            lines.append("")
            lines.append(_("*Because you answered:* {answers}").format(answers=answers))
        lines.append("")
    if report["not_advised"]:
        lines.append("## " + _("Not advised"))
        lines.append("")
        for e in report["not_advised"]:
            lines.append(_why(e, detail, _("- **{title}**: {rationale} ({sources})")))
            if e.get("conflict") and detail:
                lines.append("  " + _("*Decided:* {reason}").format(reason=e["conflict"]["reason"]))
        lines.append("")
    if report["plan"]:
        lines.append("## " + _("Plan"))
        lines.append("")
        for i, e in enumerate(report["plan"], 1):
            lines.append(_("{number}. **{title}** ({phase}): {description}").format(
                number=i, title=e["title"], phase=level_word(e["phase"]), description=e["description"]))
        lines.append("")
    if report["kpis"]:
        lines.append("## " + _("Measure"))
        lines.append("")
        for e in report["kpis"]:
            line = _("- **{title}** ({unit}): {description}").format(title=e["title"], unit=e["unit"],
                                                                   description=e["description"])
            if e["targets"]:
                line = join_sentences([line, _("Target: {targets}.").format(targets=_("; ").join(e["targets"]))])
            lines.append(line)
        lines.append("")
    if detail and (report["conflicts"] or report.get("sequences")):
        lines.append("## " + _("Disagreements decided"))
        lines.append("")
        for c in report["conflicts"]:
            lines.append(f"- `{c['item']}`: {c['reason']}")
        for q in report.get("sequences", ()):
            lines.append(_("- `{item}`: sequenced, not vetoed: {reason}").format(item=q["item"], reason=q["reason"]))
        lines.append("")
    elif report.get("sequences"):
        lines.append("## " + _("First this, then that"))
        lines.append("")
        for q in report["sequences"]:
            lines.append(f"- {_esc(q['reason'][:1].upper() + q['reason'][1:])}")
        lines.append("")
    if report["unanswered"]:
        lines.append("## " + _("Answer these for more advice"))
        lines.append("")
        for e in report["unanswered"]:
            if detail:
                lines.append(_("- {question} (`{field}`, could apply {count} more rules)").format(
                    question=e["question"], field=e["field"], count=e["unlocks"]))
            else:
                lines.append(f"- {e['question']}")
        lines.append("")
    if graph is not None and (report["recommendations"] or report["warnings"] or report["not_advised"]):
        _diagrams(lines, report, graph, detail)
    return "\n".join(lines).rstrip() + "\n"
