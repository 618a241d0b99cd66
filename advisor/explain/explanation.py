"""Explanations: why an item was concluded, why not, and what would change it.

Assumptions
-----------
* "Why" is read off the run's provenance (:mod:`advisor.explain.provenance`, the
  index the recommendation graph is written from, read only as far as the
  item needs): the rules that concluded the item, the answers and derived
  facts they matched, down to the answers, with every rule's rationale and
  citations and the cited passage. Nothing is inferred again for a concluded
  item, and no graph is built.
* "Why not" checks the rules that could conclude it against the run's answers
  (:mod:`advisor.explain.whynot`), nearest miss first, and searches for the smallest
  change of answers that brings it in, verified by running the engine
  (:func:`advisor.explain.whatif.search_changes`).
* Disagreements show both sides and the decision; recommendations, warnings,
  plan steps and KPIs show their rank and what sets them apart from their
  neighbours (the order of docs/report.md).
* A target is a catalog id (channel, tactic, mistake, plan step, KPI), a
  derived fact or a rule id; ``item:``, ``fact:`` and ``rule:`` prefixes pick
  one where an id is ambiguous.

Stage: explain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from advisor.errors import InputError, close_matches
from advisor.i18n import N_, _, ngettext
from advisor.kb import KnowledgeBase, passages_for

from .analysis import Analysis
from .changes import Change, search_changes
from .kbindex import rule_id
from .ordering import order_lines
from .outline import Outline, Step
from .standing import SECTION_OF
from .whynot import GOAL_KIND, Misses, NearMiss, rules_concluding
from .wording import word

__all__ = ["Miss", "Explanation", "resolve", "explain", "GOALS"]

#: conclusion kind -> what the item becomes when that kind wins, in words
GOALS = {"recommend": N_("recommended"), "warn": N_("warned of"), "step": N_("added to the plan"),
         "kpi": N_("tracked as a KPI"), "derive": N_("derived"), "fire": N_("fired")}
_STATUS_WORDS = {"recommended": N_("recommended"), "warning": N_("warned of"), "not_advised": N_("not advised"),
                 "plan": N_("in the plan"), "kpi": N_("tracked as a KPI"),
                 "overruled": N_("overruled in a disagreement"),
                 "absent": N_("not concluded"), "derived": N_("derived"), "not_derived": N_("not derived"),
                 "fired": N_("fired"), "not_fired": N_("did not fire")}


@dataclass(frozen=True)
class Miss:
    """A rule that could conclude the target, checked against the profile."""

    rule: str
    title: str
    priority: int
    summary: str
    checks: tuple[tuple[str, str, str], ...]  # (state, condition, actual value or nested reason)
    cost: int
    fired: bool

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "title": self.title, "priority": self.priority, "summary": self.summary,
                "fired": self.fired, "cost": self.cost,
                "checks": [{"state": s, "condition": c, "actual": a} for s, c, a in self.checks]}


@dataclass(frozen=True)
class Explanation:
    """Everything known about why a target was, or was not, concluded."""

    target: str  # node id: item:seo, fact:web_sells, rule:seo-for-own-site
    kind: str  # item, fact, rule
    name: str
    title: str
    catalog: str  # channel, tactic, mistake, step, kpi (items only)
    description: str
    status: str  # a key of _STATUS_WORDS
    headline: str
    reasons: tuple[Step, ...] = ()
    overruled: tuple[Step, ...] = ()
    decision: dict[str, Any] | None = None
    ranking: tuple[str, ...] = ()
    goal: str = ""
    misses: tuple[Miss, ...] = ()
    changes: tuple[Change, ...] = ()
    searched: int = 0
    #: its place among the next moves, and what its ordering rests on (:mod:`advisor.explain.ordering`)
    ordering: tuple[str, ...] = ()

    @property
    def concluded(self) -> bool:
        return bool(self.reasons)

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target, "kind": self.kind, "id": self.name, "title": self.title,
            "catalog": self.catalog, "description": self.description, "status": self.status,
            "headline": self.headline, "reasons": [s.to_dict() for s in self.reasons],
            "overruled": [s.to_dict() for s in self.overruled], "decision": self.decision,
            "ranking": list(self.ranking), "ordering": list(self.ordering), "goal": self.goal,
            "misses": [m.to_dict() for m in self.misses],
            "changes": [{"set": {k: v for k, v in c.settings}, "also_adds": list(c.gained),
                         "removes": list(c.lost)} for c in self.changes],
            "profiles_tried": self.searched,
        }


# --------------------------------------------------------------------------- resolving


def resolve(kb: KnowledgeBase, target: str, report: dict[str, Any] | None = None) -> str:
    """The node id a target names; InputError with close matches if none.

    A target is an id (``seo`` -> ``item:seo``, a derived fact, a rule, or any
    of them with its ``item:``/``fact:``/``rule:`` prefix), an item's title or a
    close match of one, or - given the ``report`` - an item's number there:
    ``3`` is the third recommendation, ``w2`` the second warning and ``m1`` the
    first move to start now, as the text report and ``advisor ask`` number them.

    >>> from advisor.kb.knowledge_base import load_knowledge_base
    >>> kb = load_knowledge_base()
    >>> resolve(kb, "seo"), resolve(kb, "web_sells"), resolve(kb, "rule:seo-for-own-site")
    ('item:seo', 'fact:web_sells', 'rule:seo-for-own-site')
    >>> resolve(kb, "Search engine optimisation"), resolve(kb, "search engine optimization")
    ('item:seo', 'item:seo')
    """
    ids = kb.__dict__.get("_explain_ids")
    if ids is None:  # built once per knowledge base: explaining many items must not rescan the rules
        ids = (set(kb.catalog.ids()), set(kb.rules.facts) | {f for r in kb.rules.rules for f in r.facts_derived()},
               {r.id for r in kb.rules.rules})
        object.__setattr__(kb, "_explain_ids", ids)
    items, facts, rules = ids
    kind, sep, name = target.partition(":")
    if sep and kind in ("item", "fact", "rule"):
        pool = {"item": items, "fact": facts, "rule": rules}[kind]
        if name in pool:
            return f"{kind}:{name}"
        candidates, bare = pool, name
    else:
        for kind, pool in (("item", items), ("fact", facts), ("rule", rules)):
            if target in pool:
                return f"{kind}:{target}"
        numbered = _numbered(report, target)
        if numbered is not None:
            return f"item:{numbered}"
        titled = _titled(kb, target)
        if titled is not None:
            return f"item:{titled}"
        candidates, bare = items | facts | rules, target
    near = close_matches(bare, candidates, n=4)
    message = _("unknown id {target}").format(target=repr(target))
    if near:
        message = _("{message}; close matches: {ids}").format(message=message, ids=", ".join(near))
    raise InputError(message, code="E501", where="explain",
                     expected=_("an item's id, title or number in the report (3, w1), or a derived fact or rule id"))


def _numbered(report: dict[str, Any] | None, target: str) -> str | None:
    """The id of the item numbered ``target`` in the report (``3``, ``w1``), if any."""
    text = target.strip().lower()
    if text[:1] == "m" and text[1:].isdigit() and report is not None:
        moves = report.get("next_moves", [])
        index = int(text[1:])
        if not 1 <= index <= len(moves):
            raise InputError(_("the report has no move {target}").format(target=repr(target)), code="E501",
                             where="explain", expected=_("m1 to m{count}").format(count=len(moves)) if moves
                             else _("an item's id or title (no moves)"))
        return moves[index - 1]
    section, digits = ("warnings", text[1:]) if text.startswith("w") else ("recommendations", text)
    if not digits.isdigit():
        return None
    if report is None:
        raise InputError(_("{target} is a number in a report; this command has none").format(target=repr(target)),
                         code="E501", where="explain", expected=_("an item's id or title"))
    entries = report[section]
    index = int(digits)
    if not 1 <= index <= len(entries):
        warning = section == "warnings"
        message = (_("the report has no warning {target}") if warning else
                   _("the report has no recommendation {target}")).format(target=repr(target))
        prefix = "w" if warning else ""
        expected = (_("{first} to {last}").format(first=f"{prefix}1", last=f"{prefix}{len(entries)}") if entries else
                    _("an item's id or title (the report has no warnings)") if warning else
                    _("an item's id or title (the report has no recommendations)"))
        raise InputError(message, code="E501", where="explain", expected=expected)
    return entries[index - 1]["id"]


def _titled(kb: KnowledgeBase, target: str) -> str | None:
    """The one catalog item whose title is ``target``, holds it, or nearly matches it."""
    titles = {item.name.lower(): item.id for item in kb.catalog.items}
    wanted = " ".join(target.lower().split())
    if wanted in titles:
        return titles[wanted]
    holding = sorted({titles[t] for t in titles if len(wanted) >= 4 and wanted in t})
    if len(holding) == 1:
        return holding[0]
    near = close_matches(wanted, titles, n=2)
    if len(near) == 1 or (near and len(holding) == 0 and near[0].lower() == wanted):
        return titles[near[0].lower()]
    if holding or near:
        choices = holding or [titles[n.lower()] for n in near]
        ids = ", ".join(repr(c) for c in choices[:6])
        message = (_("{target} could be {ids} and {count} more") if len(choices) > 6 else
                   _("{target} could be {ids}")).format(target=repr(target), ids=ids, count=len(choices) - 6)
        raise InputError(message, code="E501", where="explain", expected=_("one of these ids, or more of the title"))
    return None


# --------------------------------------------------------------------------- why not


def _misses(run: Analysis, candidates: list, misses: Misses) -> tuple[Miss, ...]:
    out = []
    for near in misses.nearest(candidates):
        rule = run.kb.rule(near.rule_id)
        checks = []
        for check in near.checks:
            actual = check.actual
            if check.state == "not_derived":
                actual = _nested(run, misses, check.test.name)
            checks.append((check.state, check.text, actual))
        out.append(Miss(near.rule_id, rule.title, rule.priority, near.summary(), tuple(checks), near.cost,
                        near.fired))
    return tuple(out)


def _nested(run: Analysis, misses: Misses, fact: str) -> str:
    derivers = misses.derivers(fact)
    if not derivers:
        return _("no rule derives it")
    best: NearMiss = misses.nearest(derivers)[0]
    missing = _("; ").join(_("{condition} (now {actual})").format(condition=c.text, actual=c.actual)
                           for c in best.missing())
    return (_("not derived; nearest: rule {rule} needs {missing}").format(rule=best.rule_id, missing=missing)
            if missing else _("not derived"))


def _opposers(run: Analysis, item: str) -> list:
    """Fired rules that stand against recommending ``item``: avoid it, or warn of a mistake targeting it."""
    return run.provenance.opposers().get(item, [])


def _decision(found: Any) -> dict[str, Any]:
    """A decided disagreement (:class:`advisor.inference.conclude.Decision`) as data."""
    return {
        "item": found.item,
        "outcome": "recommended" if found.winner == "recommend" else "not advised",
        "for": [{"rule": s.rule_id, "priority": s.priority} for s in found.supporters],
        "against": [{"rule": s.rule_id, "priority": s.priority, "via": f"{s.conclusion.kind} {s.conclusion.target}"}
                    for s in found.opposers],
        "reason": found.reason,
    }


# --------------------------------------------------------------------------- explain


def explain(run: Analysis, target: str, *, search: bool = True, max_runs: int = 400,
            passages: bool = True) -> Explanation:
    """Explain ``target`` (any id :func:`resolve` accepts) for the run.

    Parameters
    ----------
    run : the analysed profile.
    target : an item, derived fact or rule id.
    search : look for changes of answers that bring the target in, when it is
        not in (costs up to ``max_runs`` engine runs; nothing for concluded targets).
    passages : quote the cited passages.
    """
    kb = run.kb
    node = resolve(kb, target)
    kind, name = node.split(":", 1)
    index = run.provenance
    outline = Outline(run, passages_for(kb.catalog.root) if passages else None)
    common: dict[str, Any] = {"target": node, "kind": kind, "name": name}

    if kind == "rule":
        rule = kb.rule(name)
        common.update(title=rule.title, catalog="", description=rule.because)
        if name in run.fired:
            return Explanation(**common, status="fired", headline=_("Rule {rule} fired.").format(rule=name),
                               reasons=(outline.rule(node, None, set()),))
        return _not_in(run, common, [rule], [], "fire", lambda r: name in r.fired, search, max_runs,
                       lambda: [rule])

    if kind == "fact":
        meaning = kb.rules.facts.get(name, "")
        common.update(title=name.replace("_", " "), catalog="", description=meaning)
        if name in run.derived:
            step = outline.fact(node, None, set())
            return Explanation(**common, status="derived", headline=_("Derived fact {fact} = {value}.").format(
                fact=name, value=word(run.derived[name])),
                               reasons=step.children, ranking=tuple(v for k, v in step.details if k == "overridden"))
        candidates = rules_concluding(kb, name, ["derive"])
        return _not_in(run, common, candidates, [], "derive", lambda r: name in r.derived, search, max_runs,
                       lambda: candidates)

    entry = index.tables.item(name)
    goal_kind = GOAL_KIND.get(entry.catalog, "recommend")
    common.update(title=entry.title, catalog=entry.catalog, description=entry.description)
    status = index.status(name)
    effective, losing = [], []
    for u, e in index.concluders(node):
        (effective if e["effective"] else losing).append(u)
    disputed = index.standing.disagreement(name)
    decision = _decision(disputed) if disputed is not None else None
    if disputed is not None:  # both sides of the disagreement, whichever conclusion each side drew
        winners, losers = ((disputed.supporters, disputed.opposers) if disputed.winner == "recommend"
                           else (disputed.opposers, disputed.supporters))
        own = set(effective) | set(losing)
        if status == "overruled" or (status == "not_advised" and not effective):  # the reasons are the other side's
            effective = [rule_id(s.rule_id) for s in winners if rule_id(s.rule_id) not in own]
        losing += [rule_id(s.rule_id) for s in losers if rule_id(s.rule_id) not in own]
    reasons = tuple(outline.rule(u, node, set()) for u in _by_priority(index, effective))
    overruled = tuple(outline.rule(u, node, set()) for u in _by_priority(index, losing))
    ranking = index.standing.lines(name)
    ordering = order_lines(run, name)
    n = len(set(effective))
    if status in SECTION_OF and status != "not_advised":
        headline = ngettext("{title} is {status}: {count} rule concluded it.",
                            "{title} is {status}: {count} rules concluded it.", n).format(
            title=entry.title, status=_(_STATUS_WORDS[status]), count=n)
        return Explanation(node, kind, name, entry.title, entry.catalog, entry.description, status, headline,
                           reasons, overruled, decision, ranking, ordering=ordering)
    goal_word = GOALS[goal_kind]
    candidates = rules_concluding(kb, name, [goal_kind])
    opposers = _opposers(run, name) if goal_kind == "recommend" else []
    goal_status = {"recommend": "recommended", "warn": "warning", "step": "plan", "kpi": "kpi"}[goal_kind]
    found = _not_in(run, common, candidates, opposers, goal_kind, lambda r: r.status(name) == goal_status,
                    search and bool(candidates), max_runs, lambda: index.tables.deciding(name))
    if decision is not None:  # rules that fired are explained above; list only those that did not
        found = Explanation(**{**found.__dict__, "misses": tuple(m for m in found.misses if not m.fired)})
    if status == "not_advised":
        headline = ngettext("{title} is not advised: {count} rule advised against it.",
                            "{title} is not advised: {count} rules advised against it.", n).format(
            title=entry.title, count=n)
    elif status == "overruled":
        headline = _("{title} was concluded but overruled in a disagreement, so it is not {goal}.").format(
            title=entry.title, goal=_(goal_word))
    else:
        headline = found.headline
    return Explanation(**{**found.__dict__, "status": status, "headline": headline, "reasons": reasons,
                          "overruled": overruled, "decision": decision, "ranking": ranking, "ordering": ordering})


def _by_priority(index: Any, rules: list[str]) -> list[str]:
    """Rule nodes once each, higher priority first, then by id."""
    if len(rules) < 2:
        return rules
    return sorted(dict.fromkeys(rules), key=index.rule_order)


def _not_in(run: Analysis, common: dict[str, Any], candidates: list, opposers: list,
            goal_kind: str, goal: Any, search: bool, max_runs: int, deciding: Any) -> Explanation:
    """The explanation of a target not reached: the rules that could reach it, nearest miss first, and
    (``search``) the smallest changes that reach ``goal``, screened with the rules ``deciding()`` gives."""
    goal_word = GOALS[goal_kind]
    status = {"derive": "not_derived", "fire": "not_fired"}.get(goal_kind, "absent")
    if not candidates:
        headline = _("No rule in the knowledge base could make it {goal}.").format(goal=_(goal_word))
    elif goal_kind == "fire":
        headline = _("Rule {rule} did not fire.").format(rule=common["name"])
    else:
        n = len(candidates)
        if any(r.id in run.fired for r in candidates):
            headline = _("Not {goal}.").format(goal=_(goal_word))
        elif n == 1:
            headline = _("Not {goal}: the one rule that could conclude it did not fire.").format(goal=_(goal_word))
        else:
            headline = _("Not {goal}: none of the {count} rules that could conclude it fired.").format(
                goal=_(goal_word), count=n)
    changes, runs = ([], 0)
    if search and candidates:
        changes, runs = search_changes(run, goal, candidates + opposers, max_runs=max_runs, deciding=deciding())
        own = {f"{section}:{common['name']}" for section in SECTION_OF.values()}
        changes = [Change(c.settings, tuple(g for g in c.gained if g not in own), c.lost) for c in changes]
    misses = run.misses
    return Explanation(**common, status=status, headline=headline, goal=goal_word,
                       misses=_misses(run, candidates, misses), changes=tuple(changes), searched=runs)

