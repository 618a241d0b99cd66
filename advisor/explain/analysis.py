"""One run of the advisor over one profile, kept together: inference, decided conclusions,
and (built on first use, then kept) the report (or only its advice, for explanations), the index of where each conclusion came
from, and the recommendation graph.

Explanations, what-if comparisons and pictures all read one :class:`Analysis`
so that a profile is inferred once however many questions are asked about it.

Stage: explain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from advisor.inference import OUTCOMES, Conclusions, Inference, Profile, conclude
from advisor.kb import KnowledgeBase

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from .provenance import Provenance
    from .whynot import Misses

__all__ = ["Analysis", "analyse", "OUTCOMES", "status_of"]



def status_of(conclusions: Conclusions, item: str) -> str:
    """Where ``item`` ended up: an outcome of :data:`OUTCOMES`, ``overruled`` or ``absent``.

    ``overruled`` means rules concluded the item but a conflict removed every
    such conclusion (a warning overruled by a recommendation). A recommendation
    that lost to a warning of a mistake targeting it is ``not_advised``, as the
    report lists it.
    """
    for kind, outcome in OUTCOMES.items():
        if item in getattr(conclusions, kind):
            return outcome
    if any(d.item == item and d.winner == "avoid" for d in conclusions.decisions):
        return "not_advised"
    if any(key.split(":", 1)[1] == item for key in conclusions.overruled):
        return "overruled"
    return "absent"


class Analysis:
    """Everything one run concluded for one profile; the report and graph are built lazily, once."""

    def __init__(self, kb: KnowledgeBase, profile: Profile, inference: Inference,
                 conclusions: Conclusions | None = None) -> None:
        self.kb = kb
        self.profile = profile
        self.inference = inference
        self.conclusions = conclusions if conclusions is not None else conclude(kb, inference)
        self._report: dict[str, Any] | None = None
        self._advice: dict[str, Any] | None = None
        self._graph: Any = None
        self._provenance: Any = None
        self._answers: dict[str, Any] | None = None
        self._misses: Any = None
        self._fired: set[str] | None = None
        self._derived: dict[str, Any] | None = None

    @property
    def answers(self) -> dict[str, Any]:
        """Field -> answer (lists for list fields); made once, so callers copy before changing it."""
        if self._answers is None:
            self._answers = self.profile.as_dict()
        return self._answers

    @property
    def fired(self) -> set[str]:
        if self._fired is None:
            self._fired = set(self.inference.fired_ids())
        return self._fired

    @property
    def derived(self) -> dict[str, Any]:
        """Derived fact -> its value."""
        if self._derived is None:
            self._derived = {d.fact: d.value for d in self.inference.derived}
        return self._derived

    @property
    def report(self) -> dict[str, Any]:
        """The report of docs/report.md (built on first use)."""
        if self._report is None:
            from advisor.report import build_report

            self._report = build_report(self.kb, self.profile, self.inference, conclusions=self.conclusions)
        return self._report

    @property
    def advice(self) -> dict[str, Any]:
        """The report without its unanswered questions and fired rules (``build_report(whole=False)``):
        the advice ranked, placed among the next moves, and the diagnosis - all that explanations
        read of it. The whole report when that was already built."""
        if self._report is not None:
            return self._report
        if self._advice is None:
            from advisor.report import build_report

            self._advice = build_report(self.kb, self.profile, self.inference, whole=False,
                                        conclusions=self.conclusions)
        return self._advice

    @property
    def provenance(self) -> "Provenance":
        """Where each conclusion came from (:class:`advisor.explain.provenance.Provenance`), read on demand.

        Explanations read it; the graph is it written out whole.
        """
        if self._provenance is None:
            from .provenance import Provenance

            self._provenance = Provenance(self.kb, dict(self.answers), self.inference, self.conclusions)
        return self._provenance

    @property
    def misses(self) -> "Misses":
        """Rules checked against this run's answers (:class:`advisor.explain.whynot.Misses`, shared by its explanations)."""
        if self._misses is None:
            from .whynot import Misses

            self._misses = Misses(self.kb, self.answers, self.derived, self.fired)
        return self._misses

    @property
    def graph(self) -> "nx.DiGraph":
        """The recommendation graph (:mod:`advisor.explain.graph`, built on first use from :attr:`provenance`)."""
        if self._graph is None:
            from .graph import graph_of

            self._graph = graph_of(self.provenance, self.profile.name)
        return self._graph

    def status(self, item: str) -> str:
        """See :func:`status_of`."""
        return status_of(self.conclusions, item)


def analyse(kb: KnowledgeBase, profile: Profile | Mapping[str, Any]) -> Analysis:
    """Infer ``profile`` once and keep what came out."""
    from advisor.inference import as_profile, infer
    from advisor.kb import for_market

    checked = as_profile(kb, profile)
    kb = for_market(kb, checked)  # the texts name the platforms of the business's market
    return Analysis(kb, checked, infer(kb, checked))
