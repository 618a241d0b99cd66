"""Explanations (:class:`advisor.explain.explanation.Explanation`) and what-if comparisons as plain text.

ASCII only, wrapped at ``width``. Reasoning reads from the top: each line
holds because of the lines indented under it, down to the profile answers.

Stage: render.
"""

from __future__ import annotations

from typing import Any

from advisor.explain import word
from advisor.i18n import N_, _
from advisor.report import level_word
from advisor.textwidth import columns, ljust, wrap

__all__ = ["render_text", "render_comparison", "outline_lines"]

_MARK = {"met": "[ok]", "failed": "[no]", "unanswered": "[? ]", "not_derived": "[..]"}
#: the labels of a reasoning step's details (the JSON keeps the ids)
_LABELS = {"concludes": N_("concludes"), "note": N_("note"), "because": N_("because"), "basis": N_("basis"),
           "source": N_("source"), "also": N_("also"), "needs": N_("needs"), "matched": N_("matched"),
           "meaning": N_("meaning"), "overridden": N_("overridden")}
_LEGEND = N_("[ok] holds  [no] fails  [? ] not answered  [..] needs a derived fact that does not hold")


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    room = max(20, width - columns(first))
    lines = wrap(text, room, break_long_words=False) or [""]
    out = [first + lines[0]]
    if len(lines) > 1:
        room = max(20, width - columns(rest)) - columns(rest)  # as textwrap counts an indent: twice (kept for the same bytes)
        out += [rest + line for line in wrap(" ".join(lines[1:]), room, break_long_words=False)]
    return out


def outline_lines(step: Any, width: int, lead: str = "", cont: str = "") -> list[str]:
    """One reasoning step and everything under it, as an ASCII tree."""
    out = []
    head = step.head + (_(" (explained above)") if step.seen else "")
    out += _wrap(head, width, lead, cont + ("|  " if step.children else "   ") + "   ")
    bar = cont + ("|  " if step.children else "   ")
    for label, text in step.details:
        if label == "quote":
            out += _wrap(f'"{text}"', width, bar + "    ", bar + "     ")
        else:
            shown = _(_LABELS[label]) if label in _LABELS else label
            out += _wrap(_("{label}: {items}").format(label=shown, items=text), width, bar, bar + "    ")
    for i, child in enumerate(step.children):
        last = i == len(step.children) - 1
        out += outline_lines(child, width, cont + ("`- " if last else "+- "), cont + ("   " if last else "|  "))
    return out


def _section(out: list[str], title: str) -> None:
    out.append("")
    out.append(title.upper())


def render_text(explanation: Any, *, width: int = 88) -> str:
    """An explanation as text (what ``advisor explain`` prints)."""
    e = explanation
    width = max(50, width)
    out: list[str] = []
    kind = level_word(e.catalog) if e.catalog else {"fact": _("derived fact"), "rule": _("rule")}.get(e.kind, e.kind)
    out.append(f"{e.title}  [{kind} {e.name}]")
    out += _wrap(e.headline, width, "", "")
    if e.description and e.kind != "rule":
        out += _wrap(e.description, width, "", "")
    if getattr(e, "ordering", ()):
        _section(out, _("Next moves"))
        for line in e.ordering:
            out += _wrap(line, width, "  ", "    ")
    if e.ranking:
        _section(out, _("Rank") if e.kind == "item" else _("Decided"))
        for line in e.ranking:
            out += _wrap(line, width, "  ", "    ")
    if e.reasons:
        _section(out, _("Why it was overruled") if e.status == "overruled" else _("Why"))
        out.append(_("Each line holds because of the lines indented under it, down to your answers."))
        for step in e.reasons:
            out.append("")
            out += outline_lines(step, width)
    if e.decision:
        _section(out, _("Disagreement"))
        d = e.decision
        labels = [_("about:"), _("for it:"), _("against it:"), _("decided:")]
        pad = max(map(columns, labels)) + 2
        about, for_it, against, decided = ("  " + ljust(label, pad) for label in labels)
        rest = " " * (pad + 2)
        out += _wrap(_("recommending {item}").format(item=d["item"]), width, about, rest)
        out += _wrap(_(", ").join(_("{rule} (priority {priority})").format(rule=r["rule"], priority=r["priority"])
                                  for r in d["for"]) or "-", width, for_it, rest)
        out += _wrap(_(", ").join(_("{rule} (priority {priority}, {via})").format(
            rule=r["rule"], priority=r["priority"], via=_via(r["via"])) for r in d["against"]) or "-",
            width, against, rest)
        out += _wrap(d["reason"], width, decided, rest)
    if e.overruled:
        _section(out, _("Concluded, but overruled") if e.status == "overruled" else _("Overruled"))
        for step in e.overruled:
            out.append("")
            out += outline_lines(step, width)
    if e.misses:
        _section(out, _("Why not") if not e.reasons else _("Rules that could make it {goal}").format(goal=_(e.goal)))
        shown = e.misses[:6]
        out += _wrap(_("Rules that could make it {goal}, nearest first.").format(goal=_(e.goal)), width, "", "")
        out += _wrap(_(_LEGEND), width, "", "")
        for i, miss in enumerate(shown, 1):
            out.append("")
            out += _wrap(_("{number}. rule {rule}: {title} (priority {priority}) - {summary}").format(
                number=i, rule=miss.rule, title=miss.title, priority=miss.priority, summary=miss.summary),
                width, "", "   ")
            for state, condition, actual in miss.checks:
                shown_actual = actual if state != "met" or actual != "not answered" else actual
                out += _wrap(_("{condition}  ({actual})").format(condition=condition, actual=shown_actual), width, f"   {_MARK[state]} ", " " * 8)
        if len(e.misses) > len(shown):
            out.append("   " + _("...and {count} more rules (see --format json)").format(count=len(e.misses) - len(shown)))
    elif e.goal and not e.reasons:
        _section(out, _("Why not"))
        out.append(_("No rule in the knowledge base concludes it."))
    if e.goal and (e.searched or e.changes):
        _section(out, _("What would change it"))
        if e.changes:
            out += _wrap(_("Smallest changes of answers after which it is {goal} (each checked by running the advisor; "
                           "{count} changed profiles tried):").format(goal=_(e.goal), count=e.searched), width, "", "")
            for change in e.changes:
                out += _wrap(change.describe(), width, "  * ", "    ")
                for label, entries in ((_("also adds"), change.gained), (_("also removes"), change.lost)):
                    if entries:
                        out += _wrap(_("{label}: {items}").format(label=label, items=_grouped(entries)), width,
                                     "      ", "        ")
        else:
            out += _wrap(_("No change of one or two answers makes it {goal} ({count} changed profiles tried).").format(
                goal=_(e.goal), count=e.searched), width, "", "")
    return "\n".join(line.rstrip() for line in out) + "\n"


def _via(via: str) -> str:
    """A conclusion standing against an item, ``avoid seo`` or ``warn offline-copy``, in words."""
    kind, _sep, item = via.partition(" ")
    if kind == "avoid":
        return _("avoid {item}").format(item=item)
    if kind == "warn":
        return _("warn {item}").format(item=item)
    return via


def _grouped(entries: tuple[str, ...]) -> str:
    """``("recommendations:a", "recommendations:b", "kpis:c")`` -> ``recommendation a, b; KPI c``."""
    groups: dict[str, list[str]] = {}
    for entry in entries:
        section, _sep, item = entry.partition(":")
        groups.setdefault(section, []).append(item)
    names = {"recommendations": N_("recommendation"), "warnings": N_("warning"), "not_advised": N_("not advised"),
             "plan": N_("plan step"), "kpis": N_("KPI")}
    return _("; ").join(_("{kind} {items}").format(kind=_(names[s]) if s in names else s, items=_(", ").join(items))
                        for s, items in groups.items())


_SECTION_TITLES = {"recommendations": N_("Recommendations"), "warnings": N_("Warnings"),
                   "not_advised": N_("Not advised"), "plan": N_("Plan"), "kpis": N_("KPIs"),
                   "derived_facts": N_("Derived facts")}
_SIGN = {"added": "+", "removed": "-", "changed": "~"}


def render_comparison(comparison: Any, *, width: int = 88, name: str = "") -> str:
    """A what-if comparison as text (what ``advisor whatif`` prints)."""
    width = max(50, width)
    out = [_("What if for {name}:").format(name=name) if name else _("What if:")]
    for field, before, after in comparison.changes:
        out += _wrap(_("{field}: {before} -> {after}").format(field=field, before=word(before), after=word(after)),
                     width, "  ", "    ")
    if not comparison.differences:
        out.append("")
        out.append(_("Nothing changes: the same advice, plan and KPIs."))
        return "\n".join(out) + "\n"
    for section, title in _SECTION_TITLES.items():
        found = comparison.by_section(section)
        if not found:
            continue
        out.append("")
        out.append(_("{title} ({count} changed)").format(title=_(title).upper(), count=len(found)))
        for d in found:
            state = {"added": _("now: {after}"), "removed": _("was: {before}"),
                     "changed": "{before} -> {after}" if d.before != d.after
                     else _("still {after}, now for other reasons")}[d.change].format(before=_(d.before) if d.before else d.before,
                                                                                      after=_(d.after) if d.after else d.after)
            out += _wrap(_("{sign} {title} ({item}; {state})").format(sign=_SIGN[d.change], title=d.title,
                                                                       item=d.item, state=state), width, "  ", "      ")
            for reason in d.reasons:
                out += _wrap(reason, width, "      " + _("because") + " ", " " * 14)
    return "\n".join(line.rstrip() for line in out) + "\n"
