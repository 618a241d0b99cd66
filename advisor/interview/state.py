"""One interview's state: answers, "don't know"s, the order of questions, going back and editing.

Pure (no I/O): the terminal loop of :mod:`advisor.commands.ask` asks
:meth:`Interview.next_question`, records what the person typed with
:meth:`Interview.answer`, :meth:`Interview.skip` or :meth:`Interview.back`,
and saves :meth:`Interview.to_profile` after each step. Which question comes
next is the :class:`~advisor.interview.planner.Planner`'s decision.

Stage: interview.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from advisor.kb import MARKET_FIELD, Field, FieldSet

from .planner import Assessment, Planner

__all__ = ["Question", "Interview"]

_ABSENT = object()


@dataclass(frozen=True)
class Question:
    """The next question: its field, where it stands in the interview, and its current answer."""

    field: Field
    number: int  # 1-based position in the interview
    about: int  # estimated number of questions in all
    current: Any = None  # the answer given before (when going back or editing), else None
    revisit: bool = False


@dataclass
class Interview:
    """The state of one interview: answers, "don't know"s, and the order questions were asked in.

    Mutable, but free of I/O: the terminal loop calls :meth:`next_question`,
    then :meth:`answer`, :meth:`skip` or :meth:`back`, and saves
    :meth:`to_profile` after each step.
    """

    planner: Planner
    answers: dict[str, Any] = field(default_factory=dict)
    skipped: set[str] = field(default_factory=set)
    name: str = ""
    history: list[str] = field(default_factory=list)  # fields asked (answered or skipped), oldest first
    revisit: list[str] = field(default_factory=list)  # fields to ask again before any new question
    _cache: Assessment | None = field(default=None, repr=False)

    @classmethod
    def from_profile(cls, planner: Planner, data: Mapping[str, Any]) -> "Interview":
        """An interview resumed from a saved (already validated) profile."""
        names = planner.fields.names()
        answers = {k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in data.items() if k in names}
        skipped = {k for k in data.get("skipped", ()) if k in names and k not in answers}
        name = data.get("name", "")
        history = [k for k in names if k in answers or k in skipped]
        return cls(planner, answers, skipped, name if isinstance(name, str) else "", history)

    def assessment(self) -> Assessment:
        if self._cache is None:
            self._cache = self.planner.assess(self.answers, self.skipped)
        return self._cache

    def next_question(self) -> Question | None:
        """The question to ask now, or None when the interview is complete."""
        assessment = self.assessment()
        if self.revisit:
            name = self.revisit[0]
        elif self._market_open():
            name = MARKET_FIELD  # first: it decides which platforms the other questions name
        else:
            name = self.planner.choose(assessment, self.history[-1] if self.history else None)
            if name is None:
                return None
        f = self.fields().get(name)
        assert f is not None
        number = len(self.history) + 1
        about = len(self.history) + len(self.revisit) + assessment.remaining()
        return Question(f, number, max(about, number), self.answers.get(name), bool(self.revisit))

    def fields(self) -> FieldSet:
        """The fields as the person sees them: questions and choices name their market's platforms."""
        return self.planner.fields_for(self.answers)

    def words(self, text: str) -> str:
        """``text`` (a title of the knowledge base) naming the platforms of the answered market."""
        from advisor.i18n import current
        from advisor.kb import market_of_answers

        return self.planner.markets.fill(text, market_of_answers(self.answers, self.planner.fields), current())

    def _market_open(self) -> bool:
        # a fresh interview only: one resumed from answers saved without a market keeps the default
        return (self.planner.fields.get(MARKET_FIELD) is not None and not self.answers and not self.skipped
                and not self.history)

    def answer(self, name: str, value: Any) -> list[str]:
        """Record an answer; returns the fields whose answers no longer apply and were removed."""
        changed = self.answers.get(name, _ABSENT) != value or name in self.skipped
        self.answers[name] = value
        self.skipped.discard(name)
        return self._record(name, changed)

    def skip(self, name: str) -> list[str]:
        """Record "don't know" for ``name`` (its answer, if any, is removed)."""
        changed = name in self.answers
        self.answers.pop(name, None)
        self.skipped.add(name)
        return self._record(name, changed)

    def back(self) -> str | None:
        """Go back one question: the last one asked is asked again next (None at the start)."""
        if not self.history:
            return None
        name = self.history.pop()
        self.revisit.insert(0, name)
        return name

    def edit(self, names: Iterable[str]) -> None:
        """Ask these (answered or skipped) fields again before any new question."""
        for name in names:
            if name not in self.revisit:
                self.revisit.append(name)
            if name in self.history:
                self.history.remove(name)

    def _record(self, name: str, changed: bool) -> list[str]:
        if name in self.revisit:
            self.revisit.remove(name)
        if name in self.history:
            self.history.remove(name)
        self.history.append(name)
        self._cache = None
        dropped = self.planner.inapplicable_answers(self.answers, self.skipped) if changed else []
        dropped = [gone for gone in dropped if gone != name]  # a question just answered stays answered
        for gone in dropped:
            self.answers.pop(gone, None)
            self.skipped.discard(gone)
            for queue in (self.history, self.revisit):
                if gone in queue:
                    queue.remove(gone)
        return dropped

    def to_profile(self) -> dict[str, Any]:
        """The answers as a normal profile (``advisor advise`` reads it), "don't know"s under ``skipped``."""
        out: dict[str, Any] = {}
        if self.name:
            out["name"] = self.name
        for name in self.planner.fields.names():
            if name in self.answers:
                value = self.answers[name]
                out[name] = list(value) if isinstance(value, (list, tuple)) else value
        skipped = [name for name in self.planner.fields.names() if name in self.skipped]
        if skipped:
            out["skipped"] = skipped
        return out

    def play(self, given: Mapping[str, Any]) -> list[str]:
        """Run the interview without a person: each question takes its answer from ``given``.

        ``given`` maps field -> value or ``None`` ("don't know"); a question
        with no entry is skipped too. Returns the fields asked, in order.
        """
        asked = []
        while (question := self.next_question()) is not None:
            name = question.field.id
            asked.append(name)
            value = given.get(name)
            if value is None:
                self.skip(name)
            else:
                self.answer(name, value)
        return asked
