"""Stage inference (3 of 9): one profile through the rules.

Takes in: a :class:`~advisor.kb.knowledge_base.KnowledgeBase` and a profile (JSON text, a
file or a mapping).
Gives out: a validated :class:`Profile` (``profile``), the engine's
:class:`Inference` - every firing with what it matched (``engine``, the only
importer of durable; ``run`` keeps one engine per knowledge base) - and the
decided :class:`Conclusions` (``conclude``). ``reference`` is the independent
plain-Python evaluator the tests and the interview planner use; ``outcomes``
says which advice is still open while some rules are undecided.
"""

import lazy_loader as _lazy

#: submodule -> the names other stages import from this stage
EXPORTS = {
    "conclude": ["Conclusions", "Decision", "OUTCOMES", "Support", "conclude"],
    "engine": ["Derivation", "Engine", "Inference"],
    "outcomes": ["ADVICE_KINDS", "Item", "OutcomeModel"],
    "profile": ["Profile", "choice_list", "load_profile", "range_words", "read_profile_source", "text_problem", "validate_answers"],
    "reference": ["ReferenceEvaluator", "compile_test", "evaluate3", "test_holds"],
    "run": ["as_profile", "engine_for", "infer"],
}
SUBMODULES = []

__getattr__, __dir__, __all__ = _lazy.attach(__name__, SUBMODULES, EXPORTS)
