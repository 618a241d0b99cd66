"""After the interview's report: explain any item a person picks (`advisor ask`).

Explanations are :func:`advisor.api.explain_text`'s, as ``advisor explain`` prints them.

Stage: commands.
"""

from __future__ import annotations

from typing import Any

from advisor.errors import InputError
from advisor.i18n import _

__all__ = ["offer_explanations"]


def offer_explanations(screen: Any, kb: Any, profile: Any, report: dict[str, Any]) -> None:
    """After the report: explain the items people pick, until Enter, q or the end of input."""
    entries = _explainable(report)
    if not entries:
        return
    recs, warns = len(report["recommendations"]), len(report["warnings"])
    parts = []
    if recs:
        parts.append(_("the number of a recommendation (1-{count})").format(count=recs) if recs > 1
                     else _("1 for the recommendation"))
    if warns:
        parts.append(_("w1-w{count} for a warning").format(count=warns) if warns > 1 else _("w1 for the warning"))
    parts.append(_("a few words of any item's name"))
    choices = parts[0] if len(parts) == 1 else _("{items} or {last}").format(items=_(", ").join(parts[:-1]),
                                                                             last=parts[-1])
    screen.say()
    screen.say(_("Want to know why? Type {choices}. Press Enter to finish.").format(choices=choices), "dim")
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
    hits = [entry for _label, entry in entries if all(w in entry["title"].lower() for w in words)]
    unique = list({e["id"]: e for e in hits}.values())
    if len(unique) == 1:
        return unique[0]
    if unique:
        return _("{typed} fits several items: {titles}. Type more words.").format(
            typed=repr(typed), titles=_("; ").join(e["title"] for e in unique[:5]))
    return _("No item in the report matches {typed}. Type a number from the list, or words from an item's name.").format(
        typed=repr(typed))


def _explain(kb: Any, profile: Any, report: dict[str, Any], entry: dict[str, Any], width: int) -> str:
    from advisor.api import explain_text

    try:
        return explain_text(kb, profile, entry["id"], width=width)
    except InputError as exc:
        return exc.message + "\n"
