"""Where each item of one run stands: its outcome, its place in its list and why, as the report orders.

One :class:`Standing` per run, read by the run's
:class:`~advisor.explain.provenance.Provenance` (an item node's attributes) and by
explanations (the rank lines: the item's place and what sets it apart from
its neighbours). The order is :mod:`advisor.report.ranking`'s, the same keys the
report sorts by; each list is sorted once, on first use.

Stage: explain.
"""

from __future__ import annotations

from typing import Any

from advisor.i18n import N_, _
from advisor.inference import OUTCOMES, Conclusions, Decision, Support
from advisor.kb import SEVERITIES, STRENGTHS
from advisor.report import (
    PHASES,
    explain_rank,
    level_word,
    plain_key,
    rank_words,
    recommendation_key,
    severity_of,
    step_key,
    strength_of,
    warning_key,
)

from .kbindex import KbIndex

__all__ = ["Standing", "SECTION_OF"]

#: outcome -> the conclusion kind whose list holds items with that outcome
KIND_OF = {outcome: kind for kind, outcome in OUTCOMES.items()}
#: outcome -> the report section that lists it
SECTION_OF = {"recommended": "recommendations", "warning": "warnings", "not_advised": "not_advised",
              "plan": "plan", "kpi": "kpis"}
#: the conclusion kinds whose lists rank items (the last list holding an item ranks it)
_RANK_TABLES = ("recommend", "warn", "avoid", "step", "kpi")


class Standing:
    """The standing of every item one run concluded (see the module notes)."""

    def __init__(self, tables: KbIndex, conclusions: Conclusions) -> None:
        self.tables = tables
        self.conclusions = conclusions
        self._status: dict[str, str] | None = None
        self._decisions: dict[str, Decision] | None = None
        self._about: dict[str, Decision] | None = None
        self._rank_kind: dict[str, str] | None = None
        self._orders: dict[str, dict[str, int]] = {}
        self._ranked: dict[str, list[str]] = {}
        self._attrs: dict[str, dict[str, Any]] = {}
        self._versus: dict[tuple[str, str], str] = {}
        self._against: dict[str, list[Support]] | None = None

    def status(self, name: str) -> str:
        """Where item ``name`` ended up (:func:`advisor.explain.analysis.status_of`), from a table made once."""
        if self._status is None:
            table: dict[str, str] = {}
            found = self.conclusions
            for key in found.overruled:
                table[key.split(":", 1)[1]] = "overruled"
            for kind, outcome in reversed(OUTCOMES.items()):  # the first list holding an item names it
                for item in self._table(kind):
                    table[item] = outcome
            self._status = table
        return self._status.get(name, "absent")

    def _table(self, kind: str) -> dict[str, list[Support]]:
        """The conclusions of ``kind``; for ``avoid`` also the recommendations a warning of a mistake
        targeting them overruled, with the warnings as supports (the report lists both as not advised)."""
        table = getattr(self.conclusions, kind)
        if kind != "avoid":
            return table
        if self._against is None:
            against = dict(table)
            for decision in self.conclusions.decisions:
                if decision.winner == "avoid" and decision.item not in against:
                    against[decision.item] = list(decision.opposers)
            self._against = against
        return self._against

    def decision(self, name: str) -> Decision | None:
        """The (first) disagreement decided about item ``name``."""
        if self._decisions is None:
            self._decisions = {}
            for decision in self.conclusions.decisions:
                self._decisions.setdefault(decision.item, decision)
        return self._decisions.get(name)

    def disagreement(self, name: str) -> Decision | None:
        """The disagreement item ``name`` took part in: the one about it, else one that a warning of
        it (a mistake targeting a recommendation) stood in."""
        if self._about is None:
            about: dict[str, Decision] = {}
            for decision in self.conclusions.decisions:
                for s in decision.opposers:
                    if s.conclusion.kind == "warn":
                        about.setdefault(s.conclusion.target, decision)
            self._about = about
        found = self.decision(name)
        return found if found is not None else self._about.get(name)

    def attrs(self, name: str) -> dict[str, Any]:
        """Item ``name``'s node attributes: outcome, rank and why, strength or severity, priority,
        supporting rules and the conflict decided about it."""
        attrs = self._attrs.get(name)
        if attrs is None:
            entry = self.tables.item(name)
            outcome = self.status(name)
            kind = KIND_OF.get(outcome)
            supports: list[Support] = self._table(kind).get(name, []) if kind else []
            strength = strength_of(supports) if outcome == "recommended" else ""
            severity = severity_of(supports, entry.severity) if outcome == "warning" else ""
            rank, reason = self._rank(name, kind, strength, severity)
            decision = self.decision(name)
            attrs = self._attrs[name] = dict(
                kind="item", item=name, label=entry.title, title=entry.title, catalog=entry.catalog,
                description=entry.description, outcome=outcome, rank=rank, rank_reason=reason,
                strength=strength, severity=severity, priority=max((s.priority for s in supports), default=0),
                support=len({s.rule_id for s in supports}), conflict=decision.reason if decision else "")
        return attrs

    # ------------------------------------------------------------------ order

    def ranked(self, outcome: str) -> list[str]:
        """The items whose outcome is ``outcome``, in report order (their ``rank``)."""
        found = self._ranked.get(outcome)
        if found is None:
            pool = [item for item in self._table(KIND_OF[outcome]) if self.status(item) == outcome]
            found = self._ranked[outcome] = sorted(pool, key=lambda item: (self._rank_of(item), item))
        return found

    def _order(self, kind: str) -> dict[str, int]:
        """Item -> rank within the conclusions of ``kind``, ordered as docs/report.md says."""
        found = self._orders.get(kind)
        if found is None:
            table = self._table(kind)
            item = self.tables.item
            if kind == "recommend":
                order = sorted(table.items(), key=lambda kv: recommendation_key(*kv))
            elif kind == "warn":
                order = sorted(table.items(), key=lambda kv: warning_key(kv[0], kv[1], item(kv[0]).severity))
            elif kind == "step":
                order = sorted(table.items(), key=lambda kv: step_key(kv[0], kv[1], item(kv[0]).phase))
            else:
                order = sorted(table.items(), key=lambda kv: plain_key(*kv))
            found = self._orders[kind] = {name: rank for rank, (name, _s) in enumerate(order, 1)}
        return found

    def _rank_of(self, name: str) -> int:
        # the last list holding the item gives its rank (an item is in one list unless rules misuse kinds)
        if self._rank_kind is None:
            self._rank_kind = {item: kind for kind in _RANK_TABLES for item in self._table(kind)}
        kind = self._rank_kind.get(name)
        return self._order(kind)[name] if kind else 0

    def _rank(self, name: str, kind: str | None, strength: str, severity: str) -> tuple[int, str]:
        """(rank, why it sits there); ``strength`` or ``severity`` as worked out for the item's
        ``kind`` of conclusions, when that is the list that ranks it."""
        rank = self._rank_of(name)
        if not rank:
            return 0, ""
        supports, words = self._rank_args(name, kind, strength, severity)
        return rank, explain_rank(rank, supports, **words)

    def _rank_args(self, name: str, kind: str | None, strength: str, severity: str) -> tuple[list[Support], dict]:
        """The supports of the list that ranks ``name`` and the strength or severity that places it there."""
        ranking = self._rank_kind[name]  # type: ignore[index]
        supports = self._table(ranking)[name]
        if ranking == "recommend":
            return supports, {"strength": strength if kind == ranking else strength_of(supports)}
        if ranking == "warn":
            if kind != ranking:
                severity = severity_of(supports, self.tables.item(name).severity)
            return supports, {"severity": severity}
        return supports, {}

    # ------------------------------------------------------------------ in words

    def lines(self, name: str) -> tuple[str, ...]:
        """The item's rank and what sets it apart from its neighbours (empty when no list ranks it)."""
        status = self.status(name)
        section = SECTION_OF.get(status)
        if section is None:
            return ()
        ranked = self.ranked(status)
        if name not in ranked:
            return ()
        at = ranked.index(name)
        entry = self.attrs(name)
        if section == "plan":
            lines = [_("Step {order} of {count}, phase {phase}, priority {priority}.").format(
                order=at + 1, count=len(ranked), phase=level_word(self.tables.item(name).phase),
                priority=entry["priority"])]
        else:
            supports, words = self._rank_args(name, KIND_OF.get(status), entry["strength"], entry["severity"])
            lines = [_("#{rank} of {count}: {why}.").format(rank=entry["rank"], count=len(ranked),
                                                           why=rank_words(supports, **words))]
        if at > 0:
            upper = self.attrs(ranked[at - 1])
            lines.append(_("Below #{rank} {title}: {why}.").format(rank=at, title=upper["title"],
                                                                   why=self.versus(section, upper, entry)))
        if at + 1 < len(ranked):
            lower = self.attrs(ranked[at + 1])
            lines.append(_("Above #{rank} {title}: {why}.").format(rank=at + 2, title=lower["title"],
                                                                   why=self.versus(section, entry, lower)))
        return tuple(lines)

    def versus(self, section: str, upper: dict[str, Any], lower: dict[str, Any]) -> str:
        """Why ``upper`` ranks before ``lower`` (item attributes): the first ranking key that tells them apart."""
        key = (upper["item"], lower["item"])
        found = self._versus.get(key)
        if found is None:
            found = self._versus[key] = self._tell_apart(section, upper, lower)
        return found

    def _tell_apart(self, section: str, upper: dict[str, Any], lower: dict[str, Any]) -> str:
        same: list[str] = []
        for (name, a, shown_a), (_n, b, shown_b) in zip(self._keys(section, upper), self._keys(section, lower)):
            if a != b:
                if name == "phase":
                    why = _("earlier phase ({upper} before {lower})").format(upper=level_word(shown_a),
                                                                             lower=level_word(shown_b))
                else:
                    why = _("{key} {upper} > {lower}").format(key=_(name), upper=level_word(shown_a),
                                                               lower=level_word(shown_b))
                return _("same {keys}; {why}").format(keys=_(", ").join(map(_, same)), why=why) if same else why
            same.append(name)
        return _("same {keys}; the id {item} sorts first").format(keys=_(", ").join(map(_, same)), item=upper["item"])

    def _keys(self, section: str, entry: dict[str, Any]) -> list[tuple[str, Any, str]]:
        """(name, comparable value, shown value), most important first, as docs/report.md orders."""
        keys = []
        if section == "recommendations":
            keys.append((N_("strength"), STRENGTHS[entry["strength"]], entry["strength"]))
        if section == "warnings":
            keys.append((N_("severity"), SEVERITIES[entry["severity"]], entry["severity"]))
        if section == "plan":
            phase = self.tables.item(entry["item"]).phase
            keys.append((N_("phase"), -(PHASES.index(phase) if phase in PHASES else len(PHASES)), phase))
        keys.append((N_("priority"), entry["priority"], str(entry["priority"])))
        if section != "plan":
            keys.append((N_("supporting rules"), entry["support"], str(entry["support"])))
        return keys
