"""One profile through the engine: the engine a knowledge base runs on, and a run.

Stage: inference. Takes a loaded :class:`~advisor.kb.knowledge_base.KnowledgeBase` and a
profile (a :class:`~advisor.inference.profile.Profile` or a plain mapping) and
gives the engine's :class:`~advisor.inference.engine.Inference`: every firing
with what it matched.

An :class:`~advisor.inference.engine.Engine` (building one registers the
rulesets with the C engine) is shared by every knowledge base of the same
compiled content: reloading unchanged rules reuses it. It is closed, and its
memory given back, once no knowledge base using it is left - except the last
:data:`IDLE_ENGINES` released, kept for a reload of the same rules - so a
process that reloads rules while an author edits them stays within a fixed
bound (``python3 -m benchmarks.bench_memory`` measures it).
"""

from __future__ import annotations

import weakref
from typing import Any, Hashable, Mapping

from advisor.kb import KnowledgeBase

from .engine import Engine, Inference
from .profile import Profile, validate_answers

__all__ = ["engine_for", "infer", "as_profile", "IDLE_ENGINES"]

#: engines kept after their last knowledge base is freed, for the next load of the same rules
IDLE_ENGINES = 1

_BY_KB: dict[int, tuple[weakref.ref, Engine]] = {}  # id(kb) -> (the kb, held weakly; its engine)
_LIVE: dict[Hashable, list] = {}  # compiled content -> [its engine, how many live kbs use it]
_IDLE: list[tuple[Hashable, Engine]] = []  # released engines, oldest first


def engine_for(kb: KnowledgeBase) -> Engine:
    """The process's engine for ``kb``: shared by equal compiled rules, released with the last of them."""
    entry = _BY_KB.get(id(kb))
    if entry is not None and entry[0]() is kb:
        return entry[1]
    key = _content(kb)
    live = _LIVE.get(key)
    if live is None:
        engine = next((idle for idle_key, idle in _IDLE if idle_key == key), None)
        if engine is not None:
            _IDLE[:] = [(k, e) for k, e in _IDLE if e is not engine]
        else:
            engine = Engine(kb.compiled)
        live = _LIVE[key] = [engine, 0]
    live[1] += 1
    _BY_KB[id(kb)] = (weakref.ref(kb), live[0])
    weakref.finalize(kb, _release, id(kb), key).atexit = False
    return live[0]


def _content(kb: KnowledgeBase) -> Hashable:
    """What identifies the engine ``kb`` needs: its compiled rules (equal content, equal key)."""
    try:
        hash(kb.compiled)
    except TypeError:  # a value that cannot be hashed: this knowledge base gets an engine of its own
        return ("kb", id(kb))
    return kb.compiled


def _release(kb_id: int, key: Hashable) -> None:
    """A knowledge base was freed: its engine is released with the last one using it."""
    _BY_KB.pop(kb_id, None)
    live = _LIVE.get(key)
    if live is None:
        return
    live[1] -= 1
    if live[1] > 0:
        return
    del _LIVE[key]
    _IDLE.append((key, live[0]))
    while len(_IDLE) > IDLE_ENGINES:
        _IDLE.pop(0)[1].close()


def as_profile(kb: KnowledgeBase, profile: Profile | Mapping[str, Any]) -> Profile:
    """A validated :class:`Profile` from a Profile or a plain mapping."""
    if isinstance(profile, Profile):
        return profile
    return validate_answers(dict(profile), kb.fields)


def infer(kb: KnowledgeBase, profile: Profile | Mapping[str, Any]) -> Inference:
    """Run the rules over one profile with durable-rules; firings with provenance."""
    checked = as_profile(kb, profile)
    return engine_for(kb).infer_answers(checked.answers)
