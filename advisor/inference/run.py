"""One profile through the engine: the engine a knowledge base runs on, and a run.

Stage: inference. Takes a loaded :class:`~advisor.kb.knowledge_base.KnowledgeBase` and a
profile (a :class:`~advisor.inference.profile.Profile` or a plain mapping) and
gives the engine's :class:`~advisor.inference.engine.Inference`: every firing
with what it matched. An :class:`~advisor.inference.engine.Engine` is built
once per knowledge base and process (building it registers the rulesets with
the C engine) and reused.
"""

from __future__ import annotations

import weakref
from typing import Any, Mapping

from advisor.kb import KnowledgeBase

from .engine import Engine, Inference
from .profile import Profile, validate_answers

__all__ = ["engine_for", "infer", "as_profile"]

_ENGINES: dict[int, tuple[weakref.ref, Engine]] = {}  # id(kb) -> (the kb, held weakly; its engine)


def _release(key: int) -> None:
    """A knowledge base was freed: so is the Python side of its engine.

    The engine is not closed: deleting rulesets gives no memory back (the C
    engine keeps about 6 MB per ruleset that ran a profile), and every call
    into the C engine that the inference does not need is one more chance to
    meet its memory faults (shared/notes/durable-rules.md).
    """
    _ENGINES.pop(key, None)


def engine_for(kb: KnowledgeBase) -> Engine:
    """The process's engine for ``kb`` (created on first use, released with ``kb``)."""
    entry = _ENGINES.get(id(kb))
    if entry is None or entry[0]() is not kb:
        engine = Engine(kb.compiled)
        _ENGINES[id(kb)] = (weakref.ref(kb), engine)
        weakref.finalize(kb, _release, id(kb))
        return engine
    return entry[1]


def as_profile(kb: KnowledgeBase, profile: Profile | Mapping[str, Any]) -> Profile:
    """A validated :class:`Profile` from a Profile or a plain mapping."""
    if isinstance(profile, Profile):
        return profile
    return validate_answers(dict(profile), kb.fields)


def infer(kb: KnowledgeBase, profile: Profile | Mapping[str, Any]) -> Inference:
    """Run the rules over one profile with durable-rules; firings with provenance."""
    checked = as_profile(kb, profile)
    return engine_for(kb).infer_answers(checked.answers)
