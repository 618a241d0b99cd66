"""marketing-advisor: a rule-based expert system for e-commerce marketing.

The small public API (:mod:`advisor.api`)::

    from advisor import load_knowledge_base, advise
    kb = load_knowledge_base()
    report = advise(kb, {"business_model": "B2C", "price_level": "low"})
    report["recommendations"][0]["id"]

Stages, each a subpackage that imports only the stages before it::

    rules/*.yaml + knowledge/*  -> io -> kb (fields, catalogs, rules, compiled rulesets) ---> audit
    profile (JSON, interview)   -> inference (profile -> engine -> conclusions)
                                -> report (ranking, the JSON contract) -> render -> commands
                                -> explain (provenance -> why, why not, what-if, graph) -> render

Names are loaded on first use, so ``import advisor`` costs almost nothing.
"""

import lazy_loader as _lazy

from .version import __version__

__getattr__, __dir__, _names = _lazy.attach(__name__, ["api"], {"api": ["advise", "infer", "load_knowledge_base"]})
__all__ = ["__version__", *_names]
