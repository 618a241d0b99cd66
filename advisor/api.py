"""The library's front door: load a knowledge base, infer, advise, audit.

Stage: api, above every stage but the command line. It only gathers the
entry points the stages define, so that a program using the advisor needs
one import::

    from advisor.api import load_knowledge_base, advise
    kb = load_knowledge_base()
    report = advise(kb, {"business_model": "B2C", "price_level": "low"})
"""

from __future__ import annotations

from advisor.audit import run as audit
from advisor.inference import as_profile, engine_for, infer
from advisor.kb import load_knowledge_base
from advisor.report import advise

__all__ = ["load_knowledge_base", "engine_for", "infer", "advise", "as_profile", "audit"]
