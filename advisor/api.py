"""The library's front door: load a knowledge base, infer, advise, audit.

Stage: api, above every stage but the command line. It only gathers the
entry points the stages define, so that a program using the advisor needs
one import::

    from advisor.api import load_knowledge_base, advise
    kb = load_knowledge_base()
    report = advise(kb, {"business_model": "B2C", "price_level": "low"})
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from advisor.inference import as_profile, engine_for, infer
from advisor.kb import load_knowledge_base
from advisor.report import advise

if TYPE_CHECKING:  # pragma: no cover
    from advisor.inference import Profile
    from advisor.kb import KnowledgeBase

__all__ = ["load_knowledge_base", "engine_for", "infer", "advise", "as_profile", "audit", "explain_text"]


def audit(*args: Any, **kwargs: Any) -> Any:
    """Check a rule base for defects (:func:`advisor.audit.run`; imported on first use, so that
    advising never loads the audit)."""
    from advisor.audit import run

    return run(*args, **kwargs)


def explain_text(kb: KnowledgeBase, profile: Profile | Mapping[str, Any], item_id: str, *, width: int = 88) -> str:
    """The text ``advisor explain`` prints for ``item_id`` (raises InputError for unknown ids)."""
    from advisor.explain import analyse, explain, resolve
    from advisor.render import render_text

    resolve(kb, item_id)  # fail before running anything
    run = analyse(kb, profile)
    return render_text(explain(run, item_id), width=width)
