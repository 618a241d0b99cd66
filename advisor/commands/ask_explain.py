"""After the interview's report: explain any item a person picks (`advisor ask`).

Explanations come from :func:`advisor.explain.explanation.explain_text` when that module
is there (imported lazily, so either can be merged first); otherwise from the
item's entry in the report: what it is, why, the answers behind it (through
derived facts), its rules and sources.
"""

from __future__ import annotations

import textwrap
from typing import Any

from advisor.errors import InputError
from advisor.interview import show_value

__all__ = ["offer_explanations"]


def offer_explanations(screen: Any, kb: Any, profile: Any, report: dict[str, Any]) -> None:
    """After the report: explain the items people pick, until Enter, q or the end of input."""
    entries = _explainable(report)
    if not entries:
        return
    recs, warns = len(report["recommendations"]), len(report["warnings"])
    parts = []
    if recs:
        parts.append(f"the number of a recommendation (1-{recs})" if recs > 1 else "1 for the recommendation")
    if warns:
        parts.append(f"w1-w{warns} for a warning" if warns > 1 else "w1 for the warning")
    parts.append("a few words of any item's name")
    choices = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]
    screen.say()
    screen.say(f"Want to know why? Type {choices}. Press Enter to finish.", "dim")
    while True:
        try:
            typed = screen.read("explain> ").strip()
        except (EOFError, KeyboardInterrupt):  # the report is out and saved: just leave
            screen.echo()
            return
        if not typed or typed.lower() in ("q", "quit", "exit"):
            return
        found = _find_item(entries, typed)
        if isinstance(found, str):
            screen.say(found, "warn")
            continue
        screen.say()
        screen.echo(_explain(kb, profile, report, found, screen.width), nl=False)
        screen.say()


def _explainable(report: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(label people can type, report entry) for every item of the report."""
    out = [(str(e["rank"]), e) for e in report["recommendations"]]
    out += [(f"w{e['rank']}", e) for e in report["warnings"]]
    for key in ("not_advised", "plan", "kpis"):
        out += [("", e) for e in report[key]]
    return out


def _find_item(entries: list[tuple[str, dict[str, Any]]], typed: str) -> dict[str, Any] | str:
    lowered = typed.lower()
    for label, entry in entries:
        if lowered in (label, entry["id"]):
            return entry
    words = lowered.split()
    hits = [entry for _, entry in entries if all(w in entry["title"].lower() for w in words)]
    unique = list({e["id"]: e for e in hits}.values())
    if len(unique) == 1:
        return unique[0]
    if unique:
        return f"{typed!r} fits several items: " + "; ".join(e["title"] for e in unique[:5]) + ". Type more words."
    return f"No item in the report matches {typed!r}. Type a number from the list, or words from an item's name."


def _explain(kb: Any, profile: Any, report: dict[str, Any], entry: dict[str, Any], width: int) -> str:
    try:
        from advisor.explain import explain_text  # written in parallel; used as soon as it exists
    except ImportError:
        explain_text = None
    if explain_text is not None:
        try:
            return explain_text(kb, profile, entry["id"], width=width)
        except InputError as exc:
            return exc.message + "\n"
    return _entry_text(kb, profile, report, entry, width)


def _entry_text(kb: Any, profile: Any, report: dict[str, Any], entry: dict[str, Any], width: int) -> str:
    """An item's entry of the report, in words (until `advisor.explain.explanation` is there)."""
    lines: list[str] = []

    def put(text: str, indent: int = 2) -> None:
        lines.extend(textwrap.wrap(text, width, initial_indent=" " * indent, subsequent_indent=" " * (indent + 2),
                                   break_on_hyphens=False))

    put(f"{entry['title']} ({entry['kind']})", 0)
    if entry.get("description"):
        put("What it is: " + entry["description"])
    if entry.get("rationale"):
        put("Why: " + entry["rationale"])
    for note in entry.get("notes", []):
        put("Tip: " + note)
    if entry.get("fix"):
        put("Instead: " + entry["fix"])
    matched: dict[str, None] = {}
    by_rule = {r["id"]: r for r in report["fired_rules"]}
    setters = {d["name"]: d["because"] for d in report["derived_facts"]}
    todo, seen = list(entry["because"]), set()
    while todo:  # the answers behind the rules, through the derived facts they tested
        rule_id = todo.pop(0)
        if rule_id in seen:
            continue
        seen.add(rule_id)
        for key in by_rule.get(rule_id, {}).get("matched", []):
            kind, _, rest = key.partition(":")
            if kind in ("answer", "member"):
                matched.setdefault(rest.split("=", 1)[0], None)
            elif kind == "derived":
                todo.extend(setters.get(rest, []))
    shown = []
    for f in kb.fields.fields:
        if f.id in matched and profile.get(f.id) is not None:
            shown.append(f"{f.label}: {show_value(f, profile.get(f.id))}")
    if shown:
        put("Because you answered: " + "; ".join(shown))
    rules = [kb.rule(rule_id) for rule_id in entry["because"]]
    put("Rules: " + "; ".join(f"{r.id} ({r.title})" for r in rules if r is not None))
    put("Sources: " + "; ".join(f"document {s['doc']}, {s['title'] or s['section']}" for s in entry["sources"]))
    return "\n".join(lines) + "\n"
