"""The documented, deterministic ordering of everything a report lists.

=================  ==========================================================================
list               order (each key breaks the ties of the one before)
=================  ==========================================================================
recommendations    strongest strength (essential > strong > moderate > optional), highest rule
                   priority, most supporting rules, then id
warnings           highest severity (high > medium > low), highest priority, most rules, id
not advised        highest priority, most rules, id
plan steps         phase (prepare, launch, operate, mature, evaluate), highest priority, id
KPIs               highest priority, most rules, id
=================  ==========================================================================

"Strength", "severity" and "priority" of an item are the highest among the
rules that concluded it; "supporting rules" counts distinct fired rules.

Stage: report.
"""

from __future__ import annotations

from typing import Iterable

from advisor.i18n import _, current, ngettext
from advisor.inference import Support
from advisor.kb import SEVERITIES, STRENGTHS

from .words import level_word

__all__ = ["PHASES", "recommendation_key", "warning_key", "plain_key", "step_key", "explain_rank", "rank_reason",
           "rank_words", "ranked_recommendations", "strength_of", "severity_of"]

PHASES = ("prepare", "launch", "operate", "mature", "evaluate")


def strength_of(supports: Iterable[Support]) -> str:
    return max((s.conclusion.strength or "moderate" for s in supports), key=lambda v: STRENGTHS[v])


def severity_of(supports: Iterable[Support], default: str = "medium") -> str:
    return max((s.conclusion.severity or default for s in supports), key=lambda v: SEVERITIES[v])


def _priority(supports: list[Support]) -> int:
    return max(s.priority for s in supports)


def _support(supports: list[Support]) -> int:
    return len({s.rule_id for s in supports})


def recommendation_key(item: str, supports: list[Support]) -> tuple:
    # -STRENGTHS[strength_of(supports)], without finding the strength's name first
    strength = max([STRENGTHS[s.conclusion.strength or "moderate"] for s in supports])
    return (-strength, -_priority(supports), -_support(supports), item)


def warning_key(item: str, supports: list[Support], default: str = "medium") -> tuple:
    severity = max([SEVERITIES[s.conclusion.severity or default] for s in supports])
    return (-severity, -_priority(supports), -_support(supports), item)


def plain_key(item: str, supports: list[Support]) -> tuple:
    return (-_priority(supports), -_support(supports), item)


def step_key(item: str, supports: list[Support], phase: str) -> tuple:
    order = PHASES.index(phase) if phase in PHASES else len(PHASES)
    return (order, -_priority(supports), item)


def explain_rank(rank: int, supports: list[Support], *, strength: str | None = None,
                 severity: str | None = None) -> str:
    """Why an item sits at its place, in words."""
    return rank_reason(rank, _priority(supports), _support(supports), strength=strength, severity=severity)


def rank_reason(rank: int, priority: int, count: int, *, strength: str | None = None,
                severity: str | None = None) -> str:
    """:func:`explain_rank` from the item's priority and count of supporting rules, already known."""
    return _("#{rank}: {why}").format(rank=rank, why=_ranked_words(current(), strength, severity, priority, count))


_STRENGTH_NAMES = {rank: name for name, rank in STRENGTHS.items()}


def ranked_recommendations(recommend: dict[str, list[Support]]) -> list[tuple[str, list[Support], str, int, int]]:
    """The recommendations in their order, each as (item, supports, strength, priority, supporting
    rules): what :func:`recommendation_key`, :func:`strength_of` and :func:`explain_rank` would each
    work out again, worked out once."""
    keyed = sorted((recommendation_key(item, supports), item, supports) for item, supports in recommend.items())
    return [(item, supports, _STRENGTH_NAMES[-key[0]], -key[1], -key[2]) for key, item, supports in keyed]


def rank_words(supports: list[Support], *, strength: str | None = None, severity: str | None = None) -> str:
    """What places an item: its strength or severity, priority and supporting rules, in words."""
    return _ranked_words(current(), strength, severity, _priority(supports), _support(supports))


#: the words for each (language, strength, severity, priority, count) met so far: a few hundred at most
_WORDS: dict[tuple, str] = {}


def _ranked_words(lang: str, strength: str | None, severity: str | None, priority: int, count: int) -> str:
    key = (lang, strength, severity, priority, count)
    found = _WORDS.get(key)
    if found is None:
        parts = []
        if strength:
            parts.append(_("strength {strength}").format(strength=level_word(strength)))
        if severity:
            parts.append(_("severity {severity}").format(severity=level_word(severity)))
        parts.append(_("priority {priority}").format(priority=priority))
        parts.append(ngettext("{count} supporting rule", "{count} supporting rules", count).format(count=count))
        found = _WORDS[key] = _(", ").join(parts)
    return found
