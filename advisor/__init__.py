"""marketing-advisor: a rule-based expert system for e-commerce marketing.

The small public API::

    from advisor import load_knowledge_base, advise
    kb = load_knowledge_base()
    report = advise(kb, {"business_model": "B2C", "price_level": "low"})
    report["recommendations"][0]["id"]

Data flow (one module per stage)::

    profile (JSON, questionnaire) -> profile.py -> facts.py -> engine.py -> report.py -> render/
    rules/*.yaml + knowledge/*    -> loader.py -> model.Rule -> compiler.py -> engine.py
"""

__version__ = "0.1.0"

from .api import advise, infer, load_knowledge_base  # noqa: E402

__all__ = ["__version__", "advise", "infer", "load_knowledge_base"]
