"""The report as plain text for a terminal: sections, wrapped at ``width``, ASCII only.

Two audiences, one report (docs/report.md, "Renderings"). By default the text speaks
to the owner: the diagnosis (where the business stands, the moves to start now with
why each comes first, its goals, what comes later, what to do when it starts
something new), then everything else that applies, one line an item, with no rule
ids, priorities or rule counts. ``detail=True`` adds, after the diagnosis, the full
report of before: every item explained with its rules, sources and quotes, ranks,
disagreements and the rules each question could apply.

Stage: render.
"""

from __future__ import annotations

from typing import Any

from advisor.i18n import _, ngettext
from advisor.report import is_goal_reason, join_sentences, level_word
from advisor.textwidth import ljust
from advisor.textwidth import wrap as wrap_columns

__all__ = ["goal_parts", "goal_titles", "move_facts", "render"]

_STYLES = {"title": "\033[1m", "head": "\033[1;36m", "warn": "\033[1;33m", "bad": "\033[1;31m",
           "dim": "\033[2m", "good": "\033[1;32m"}
_RESET = "\033[0m"


class _Out:
    def __init__(self, width: int, color: bool) -> None:
        self.width = max(50, width)
        self.color = color
        self.lines: list[str] = []

    def style(self, text: str, name: str) -> str:
        return f"{_STYLES[name]}{text}{_RESET}" if self.color else text

    def line(self, text: str = "") -> None:
        self.lines.append(text)

    def wrap(self, text: str, indent: int, first: str | None = None, style: str | None = None) -> None:
        prefix = " " * indent
        wrapped = wrap_columns(text, self.width - indent) or [""]
        for i, part in enumerate(wrapped):
            lead = first if first is not None and i == 0 else prefix
            self.lines.append(lead + (self.style(part, style) if style else part))

    def head(self, text: str, count: int | None = None, note: str = "") -> None:
        self.line()
        label = text.upper() + (f" ({count})" if count is not None else "")
        self.line(self.style(label, "head") + (self.style(f"  {note}", "dim") if note else ""))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------- the diagnosis


def _titles(report: dict[str, Any]) -> dict[str, str]:
    return {e["id"]: e["title"] for key in ("recommendations", "plan", "warnings", "not_advised") for e in report[key]}


def _start_words(report: dict[str, Any], practice: str | None) -> str:
    for group in report["diagnosis"].get("starting", ()):
        if group["practice"] == practice:
            return group["label"]
    return practice or ""


def move_facts(move: dict[str, Any], goal_words: dict[str, str], starting: str) -> list[str]:
    """What a move serves and asks ("for online sales", "effort medium, cost low"), in the language in use."""
    facts = []
    if move["goals"]:
        facts.append(_("for {goals}").format(goals=_(" and ").join(goal_words.get(g, g) for g in move["goals"])))
    facts.append(_("effort {effort}, cost {cost}").format(effort=level_word(move["effort"]),
                                                         cost=level_word(move["cost"])))
    if move.get("start"):
        facts.append(_("you would be starting {practice}").format(practice=starting))
    return facts


def goal_parts(goal: dict[str, Any], move_ids: list[str], titles: dict[str, str]) -> list[str]:
    """A goal's line: the moves that serve it, what serves it later, or why nothing can yet."""
    parts = []
    if goal["moves"]:
        numbers = [str(move_ids.index(m) + 1) for m in move_ids if m in goal["moves"]]
        parts.append(ngettext("move {numbers}", "moves {numbers}", len(numbers)).format(numbers=_(", ").join(numbers)))
    if goal["moves"] and goal["later"]:
        parts.append(_("later: {titles}").format(titles=_("; ").join(titles.get(i, i) for i in goal["later"][:2])))
    if not goal["moves"] and goal["reason"]:
        parts.append(_("not yet - {reason}").format(reason=goal["reason"]))
    return parts


def goal_titles(goal: dict[str, Any], titles: dict[str, str]) -> list[str]:
    """A goal's line by titles (Markdown, HTML): the moves that serve it, what later, or why nothing yet."""
    parts = []
    if goal["moves"]:
        parts.append(_("moves: {titles}").format(titles=_("; ").join(titles.get(i, i) for i in goal["moves"])))
    if goal["moves"] and goal["later"]:
        parts.append(_("later: {titles}").format(titles=_("; ").join(titles.get(i, i) for i in goal["later"][:3])))
    if not goal["moves"] and goal["reason"]:
        parts.append(_("not yet - {reason}").format(reason=goal["reason"]))
    return parts


def _diagnosis(out: _Out, report: dict[str, Any]) -> None:
    d = report["diagnosis"]
    titles = _titles(report)
    entries = {e["id"]: e for e in report["recommendations"] + report["plan"]}
    out.head(_("Where you stand"))
    out.wrap(join_sentences(d["situation"]), 2, first="  ")

    capacity = d["capacity"]
    out.head(_("Start now"), note=_("{count} moves at a time for {capacity}").format(count=len(d["moves"]),
                                                                                  capacity=capacity["words"]))
    if not d["moves"]:
        out.line("  " + _("Nothing can be advised from these answers yet; answer the questions below."))
    goal_words = {g["goal"]: g["words"] for g in d["goals"]}
    for number, move in enumerate(d["moves"], 1):
        out.wrap(move["title"], 5, first=f"  {number}. ", style="good")
        out.wrap(_cap(" | ".join(move_facts(move, goal_words, _start_words(report, move.get("start")))))
                 , 5, style="dim")
        why = [w for w in move["why"] if not is_goal_reason(w)]
        if why:
            out.wrap(_("Why now: {reasons}.").format(reasons=_("; ").join(why)), 5)
        notes = entries.get(move["id"], {}).get("notes", [])
        if notes:
            out.wrap(notes[0], 7, first="     - ")

    if d["goals"]:
        out.head(_("Your goals"))
        for goal in d["goals"]:
            parts = goal_parts(goal, [x["id"] for x in d["moves"]], titles)
            out.wrap(_("{goal}: {parts}").format(goal=_cap(goal["words"]), parts=_("; ").join(parts) or "-"), 4,
                     first="  * ")

    for group in d.get("starting", ()):
        if not group["intended"]:
            continue
        out.head(_("When you start {practice}").format(practice=group["label"]))
        for item in group["items"]:
            out.wrap(titles.get(item, item), 4, first="  * ")

    if d["later"]:
        out.head(_("Then"), note=_("as the moves get under way, in this order"))
        for entry in d["later"]:
            out.wrap(_("{title} - {why}").format(title=entry["title"], why=entry["why"][0]), 4, first="  - ")


# --------------------------------------------------------------------------- everything else, in short


def _short_lists(out: _Out, report: dict[str, Any]) -> None:
    d = report["diagnosis"]
    shown = {m["id"] for m in d["moves"]} | {m["id"] for m in d["later"]}
    out.head(_("Everything else that applies"))
    out.line(out.style("  " + _("one line each; --detail explains every item with the sources' own words"), "dim"))
    if report["warnings"]:
        out.line()
        out.line(out.style("  " + _("Warnings ({count})").format(count=len(report["warnings"])), "warn"))
        for number, entry in enumerate(report["warnings"], 1):
            out.wrap(_("{title} ({severity}). Instead: {fix}").format(
                title=entry["title"], severity=level_word(entry["severity"]), fix=entry["fix"]), 5, first=f"  w{number} ")
    rest = [e for e in report["recommendations"] if e["id"] not in shown]
    if rest:
        out.line()
        out.line(out.style("  " + _("Also advised ({count} more)").format(count=len(rest)), "good"))
        for entry in rest:
            extra = []
            if entry.get("start"):
                extra.append(_("start {practice}").format(practice=_start_words(report, entry["start"])))
            if entry.get("waits_for"):
                extra.append(_("after fixing: {mistakes}").format(
                    mistakes=_(", ").join(_titles(report).get(m, m) for m in entry["waits_for"])))
            text = _("{title} ({notes})").format(title=entry["title"], notes=_("; ").join(extra)) if extra \
                else entry["title"]
            out.wrap(text, 7, first=f"  {entry['rank']:>3}. ")
    if report["not_advised"]:
        out.line()
        out.line(out.style("  " + _("Not advised ({count})").format(count=len(report["not_advised"])), "bad"))
        for entry in report["not_advised"]:
            first = entry["rationale"].split(". ")[0].rstrip(".").split("。")[0]
            out.wrap(_("{title}: {reason}.").format(title=entry["title"], reason=first), 6, first="    x ")
    plan = [e for e in report["plan"] if e["id"] not in shown]
    if plan:
        out.line()
        out.line(out.style("  " + _("Plan steps ({count} more)").format(count=len(plan)), "head"))
        for entry in plan:
            out.wrap(entry["title"], 16, first=f"    {ljust(level_word(entry['phase']), 10)}  ")
    if report["kpis"]:
        out.line()
        out.line(out.style("  " + _("Measure ({count})").format(count=len(report["kpis"])), "head"))
        for entry in report["kpis"]:
            out.wrap(f"{entry['title']} [{entry['unit']}]", 6, first="    * ")
    if report["unanswered"]:
        out.line()
        out.line(out.style("  " + _("Answer these for more advice"), "head"))
        for entry in report["unanswered"][:8]:
            out.wrap(entry["question"], 6, first="    ? ")
        if len(report["unanswered"]) > 8:
            out.line("      " + _("...and {count} more (--detail)").format(count=len(report["unanswered"]) - 8))


# --------------------------------------------------------------------------- the full report (--detail)


def _sources(entry: dict[str, Any]) -> str:
    return ", ".join(f"{s['doc']} {s['section']}" for s in entry["sources"])


def _why(out: _Out, entry: dict[str, Any], indent: int) -> None:
    if entry.get("rationale"):
        out.wrap(entry["rationale"], indent)
    for note in entry.get("notes", []):
        out.wrap(note, indent + 2, first=" " * indent + "- ")
    out.wrap(_("rules: {rules}; sources: {sources}").format(rules=", ".join(entry["because"]),
                                                           sources=_sources(entry)), indent)
    said = entry.get("quote", "")
    if said:
        out.wrap(_('the text: "{quote}"').format(quote=said), indent)
    if entry.get("basis") in ("reading", "assumption"):
        judgement = entry["judgements"][0]
        out.wrap(_("the advisor's judgement ({basis}, not the text's words): {judgement}").format(
            basis=level_word(judgement["basis"]), judgement=judgement["judgement"]), indent)
    if entry.get("conflict"):
        out.wrap(_("decided: {reason}").format(reason=entry["conflict"]["reason"]), indent)
    if entry.get("waits_for"):
        out.wrap(_("sequenced: after fixing {mistakes}").format(mistakes=", ".join(entry["waits_for"])), indent)


def _detail(out: _Out, report: dict[str, Any], top: int) -> None:
    summary = report["summary"]
    out.line()
    out.line(out.style(_("{answered} of {fields} questions answered, {fired} of {rules} rules applied; next moves: "
                         "{moves}").format(answered=summary["fields_answered"], fields=summary["fields_total"],
                                           fired=summary["rules_fired"], rules=summary["rules_total"],
                                           moves=", ".join(report["next_moves"]) or _("none")), "dim"))
    total = len(report["recommendations"])
    if 0 < top < total:
        out.line()
        out.line(out.style(_("Recommended").upper() + " " + _("(the top {top} of {total})").format(top=top, total=total), "head"))
    else:
        out.head(_("Recommended"), total)
    if not report["recommendations"]:
        out.line("  " + _("No channel or tactic can be recommended from these answers yet."))
    recommendations = report["recommendations"]
    shown = recommendations if top <= 0 else recommendations[:top]
    for entry in shown:
        tags = " / ".join(level_word(t) for t in [entry["kind"], entry["strength"]] + entry["roles"])
        out.line(f"{entry['rank']:>3}. " + out.style(entry["title"], "good") + out.style(f"  [{entry['id']}: {tags}]", "dim"))
        _why(out, entry, 5)
    out.head(_("Warnings"), len(report["warnings"]))
    if not report["warnings"]:
        out.line("  " + _("None of the mistakes the sources warn about shows in these answers."))
    for number, entry in enumerate(report["warnings"], 1):
        out.line(f"  w{number} " + out.style(entry["title"], "warn") + out.style(f"  [{entry['id']}: {level_word(entry['severity'])}]", "dim"))
        out.wrap(entry["description"], 5)
        if entry.get("fix"):
            out.wrap(_("Instead: {fix}").format(fix=entry["fix"]), 5)
        _why(out, entry, 5)
    if len(shown) < len(recommendations):
        out.head(_("Also worth doing"), len(recommendations) - len(shown))
        out.line(out.style("  " + _("once the advice above is under way (--top 0 explains them in full):"), "dim"))
        for entry in recommendations[len(shown):]:
            out.wrap(f"{entry['title']}  [{entry['id']}: {level_word(entry['kind'])} / {level_word(entry['strength'])}]",
                     7, first=f"{entry['rank']:>4}. ")
    if report["not_advised"]:
        out.head(_("Not advised"), len(report["not_advised"]))
        for entry in report["not_advised"]:
            out.line("  x " + out.style(entry["title"], "bad") + out.style(f"  [{entry['id']}: {level_word(entry['kind'])}]", "dim"))
            _why(out, entry, 5)
    if report["plan"]:
        out.head(_("Plan"), len(report["plan"]))
        for entry in report["plan"]:
            out.wrap(_("{title}: {description}").format(title=entry["title"], description=entry["description"]), 14,
                     first=f"  {ljust(level_word(entry['phase']), 10)}  ")
            for note in entry.get("notes", []):
                out.wrap(note, 16, first=" " * 14 + "- ")
    if report["kpis"]:
        out.head(_("Measure"), len(report["kpis"]))
        for entry in report["kpis"]:
            title = f"{entry['title']} [{entry['unit']}]"
            if entry["targets"]:
                title = _("{title} (target: {targets})").format(title=title, targets=_("; ").join(entry["targets"]))
            out.wrap(_("{title}: {description}").format(title=title, description=entry["description"]), 4,
                     first="  * ")
    if report["conflicts"] or report.get("sequences"):
        out.head(_("Disagreements decided"), len(report["conflicts"]) + len(report.get("sequences", ())))
        for conflict in report["conflicts"]:
            out.wrap(_("{title}: {description}").format(title=conflict["item"], description=conflict["reason"]), 4,
                     first="  * ")
        for sequence in report.get("sequences", ()):
            out.wrap(_("{item}: sequenced, not vetoed: {reason}").format(item=sequence["item"],
                                                                        reason=sequence["reason"]), 4, first="  * ")
    if report["unanswered"]:
        out.head(_("Answer these for more advice"))
        for entry in report["unanswered"][:8]:
            rules = entry["unlocks"]
            out.wrap(ngettext("{question} ({field}; could apply {count} more rule)",
                              "{question} ({field}; could apply {count} more rules)", rules).format(
                question=entry["question"], field=entry["field"], count=rules), 4, first="  ? ")
        if len(report["unanswered"]) > 8:
            out.line("    " + _("...and {count} more (see --format json)").format(count=len(report["unanswered"]) - 8))


def render(report: dict[str, Any], *, width: int = 88, color: bool = False, top: int = 10, detail: bool = False,
           **_options: object) -> str:
    """The report as text: the diagnosis, then the rest in short (``detail``: in full; recommendations after
    the first ``top`` get one line each there, 0: all in full)."""
    out = _Out(width, color)
    business = report["business"]
    name = business.get("name") or _("your business")
    out.line(out.style(_("Marketing advice for {name}").format(name=name), "title"))
    if business.get("highlights"):
        out.wrap(" | ".join(business["highlights"]), 0, style="dim")
    _diagnosis(out, report)
    if detail:
        _detail(out, report, top)
    else:
        _short_lists(out, report)
    out.line()
    out.line(out.style(_("Why? advisor explain PROFILE ITEM - a move (m1), a recommendation (5), a warning (w1), or a "
                         "title."), "dim"))
    if not detail:
        out.line(out.style(_("Every item in full, with its sources: --detail.   Try a change: advisor whatif PROFILE "
                             "--set FIELD=VALUE"), "dim"))
    else:
        out.line(out.style(_("Try a change: advisor whatif PROFILE --set FIELD=VALUE"), "dim"))
    return "\n".join(out.lines) + "\n"
