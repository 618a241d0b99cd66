"""Explanations (:class:`advisor.explain.explanation.Explanation`) and what-if comparisons as plain text.

ASCII only, wrapped at ``width``. Reasoning reads from the top: each line
holds because of the lines indented under it, down to the profile answers.

Stage: render.
"""

from __future__ import annotations

import textwrap
from typing import Any

from advisor.explain import word

__all__ = ["render_text", "render_comparison", "outline_lines"]

_MARK = {"met": "[ok]", "failed": "[no]", "unanswered": "[? ]", "not_derived": "[..]"}
_LEGEND = "[ok] holds  [no] fails  [? ] not answered  [..] needs a derived fact that does not hold"


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    room = max(20, width - len(first))
    lines = textwrap.wrap(text, width=room, break_on_hyphens=False, break_long_words=False) or [""]
    out = [first + lines[0]]
    if len(lines) > 1:
        out += textwrap.wrap(" ".join(lines[1:]), width=max(20, width - len(rest)), break_on_hyphens=False,
                             break_long_words=False, initial_indent=rest, subsequent_indent=rest)
    return out


def outline_lines(step: Any, width: int, lead: str = "", cont: str = "") -> list[str]:
    """One reasoning step and everything under it, as an ASCII tree."""
    out = []
    head = step.head + (" (explained above)" if step.seen else "")
    out += _wrap(head, width, lead, cont + ("|  " if step.children else "   ") + "   ")
    bar = cont + ("|  " if step.children else "   ")
    for label, text in step.details:
        if label == "quote":
            out += _wrap(f'"{text}"', width, bar + "    ", bar + "     ")
        else:
            out += _wrap(f"{label}: {text}", width, bar, bar + "    ")
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
    kind = e.catalog or {"fact": "derived fact", "rule": "rule"}.get(e.kind, e.kind)
    out.append(f"{e.title}  [{kind} {e.name}]")
    out += _wrap(e.headline, width, "", "")
    if e.description and e.kind != "rule":
        out += _wrap(e.description, width, "", "")
    if getattr(e, "ordering", ()):
        _section(out, "Next moves")
        for line in e.ordering:
            out += _wrap(line, width, "  ", "    ")
    if e.ranking:
        _section(out, "Rank" if e.kind == "item" else "Decided")
        for line in e.ranking:
            out += _wrap(line, width, "  ", "    ")
    if e.reasons:
        _section(out, "Why it was overruled" if e.status == "overruled" else "Why")
        out.append("Each line holds because of the lines indented under it, down to your answers.")
        for step in e.reasons:
            out.append("")
            out += outline_lines(step, width)
    if e.decision:
        _section(out, "Disagreement")
        d = e.decision
        out += _wrap(f"recommending {d['item']}", width, "  about:       ", " " * 15)
        out += _wrap(", ".join(f"{r['rule']} (priority {r['priority']})" for r in d["for"]) or "-", width,
                     "  for it:      ", " " * 15)
        out += _wrap(", ".join(f"{r['rule']} (priority {r['priority']}, {r['via']})" for r in d["against"]) or "-",
                     width, "  against it:  ", " " * 15)
        out += _wrap(d["reason"], width, "  decided:     ", " " * 15)
    if e.overruled:
        _section(out, "Concluded, but overruled" if e.status == "overruled" else "Overruled")
        for step in e.overruled:
            out.append("")
            out += outline_lines(step, width)
    if e.misses:
        _section(out, "Why not" if not e.reasons else f"Rules that could make it {e.goal}")
        shown = e.misses[:6]
        out += _wrap(f"Rules that could make it {e.goal}, nearest first.", width, "", "")
        out += _wrap(_LEGEND, width, "", "")
        for i, miss in enumerate(shown, 1):
            out.append("")
            out += _wrap(f"{i}. rule {miss.rule}: {miss.title} (priority {miss.priority}) - {miss.summary}",
                         width, "", "   ")
            for state, condition, actual in miss.checks:
                shown_actual = actual if state != "met" or actual != "not answered" else actual
                out += _wrap(f"{condition}  ({shown_actual})", width, f"   {_MARK[state]} ", " " * 8)
        if len(e.misses) > len(shown):
            out.append(f"   ...and {len(e.misses) - len(shown)} more rules (see --format json)")
    elif e.goal and not e.reasons:
        _section(out, "Why not")
        out.append("No rule in the knowledge base concludes it.")
    if e.goal and (e.searched or e.changes):
        _section(out, "What would change it")
        if e.changes:
            out += _wrap(f"Smallest changes of answers after which it is {e.goal} (each checked by running "
                         f"the advisor; {e.searched} changed profiles tried):", width, "", "")
            for change in e.changes:
                out += _wrap(change.describe(), width, "  * ", "    ")
                for label, entries in (("also adds", change.gained), ("also removes", change.lost)):
                    if entries:
                        out += _wrap(f"{label}: {_grouped(entries)}", width, "      ", "        ")
        else:
            out += _wrap(f"No change of one or two answers makes it {e.goal} ({e.searched} changed profiles "
                         "tried).", width, "", "")
    return "\n".join(line.rstrip() for line in out) + "\n"


def _grouped(entries: tuple[str, ...]) -> str:
    """``("recommendations:a", "recommendations:b", "kpis:c")`` -> ``recommendation a, b; KPI c``."""
    groups: dict[str, list[str]] = {}
    for entry in entries:
        section, _, item = entry.partition(":")
        groups.setdefault(section, []).append(item)
    names = {"recommendations": "recommendation", "warnings": "warning", "not_advised": "not advised",
             "plan": "plan step", "kpis": "KPI"}
    return "; ".join(f"{names.get(s, s)} {', '.join(items)}" for s, items in groups.items())


_SECTION_TITLES = {"recommendations": "Recommendations", "warnings": "Warnings", "not_advised": "Not advised",
                   "plan": "Plan", "kpis": "KPIs", "derived_facts": "Derived facts"}
_SIGN = {"added": "+", "removed": "-", "changed": "~"}


def render_comparison(comparison: Any, *, width: int = 88, name: str = "") -> str:
    """A what-if comparison as text (what ``advisor whatif`` prints)."""
    width = max(50, width)
    out = [f"What if{' for ' + name if name else ''}:"]
    for field, before, after in comparison.changes:
        out += _wrap(f"{field}: {word(before)} -> {word(after)}", width, "  ", "    ")
    if not comparison.differences:
        out.append("")
        out.append("Nothing changes: the same advice, plan and KPIs.")
        return "\n".join(out) + "\n"
    for section, title in _SECTION_TITLES.items():
        found = comparison.by_section(section)
        if not found:
            continue
        out.append("")
        out.append(f"{title.upper()} ({len(found)} changed)")
        for d in found:
            state = {"added": f"now: {d.after}", "removed": f"was: {d.before}",
                     "changed": f"{d.before} -> {d.after}" if d.before != d.after
                     else f"still {d.after}, now for other reasons"}[d.change]
            out += _wrap(f"{_SIGN[d.change]} {d.title} ({d.item}; {state})", width, "  ", "      ")
            for reason in d.reasons:
                out += _wrap(reason, width, "      because ", " " * 14)
    return "\n".join(line.rstrip() for line in out) + "\n"
