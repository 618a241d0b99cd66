"""Stage kb (2 of 9): the knowledge base, loaded, checked, compiled and cached.

Takes in: ``knowledge/`` (fields, sources, catalogs) and ``rules/*.yaml``,
read through :mod:`advisor.io`.
Gives out: a :class:`KnowledgeBase` - the profile fields (``fields``), the
catalogs and cited documents (``catalog``, ``passages``), typed rules
(``model``, ``loader``, ``conditions``, derived-fact ``levels``) and their
compiled form, the rulesets the engine registers (``compiler``, with the fact
names of ``facts``). The compiled form is plain data and is cached with the
rest (``cache``), which is why compiling lives here and not with the engine:
only :mod:`advisor.inference.engine` imports durable. ``generate`` makes
seeded rule bases and profiles for scale tests and benchmarks. ``translations``
reads the knowledge base's texts in other languages and gives a localized copy.
"""

import lazy_loader as _lazy

#: submodule -> the names other stages import from this stage
EXPORTS = {
    "catalog": ["COSTS", "Catalog", "EFFORTS", "Ground", "ORDERING_KEYS", "check_ordering", "load_catalog"],
    "compiled": ["CompiledBase"],
    "conditions": ["count_alternatives", "dnf", "parse_condition", "raw_dnf"],
    "facts": ["answer_facts", "derived_prop", "fact_texts", "retract_text"],
    "fields": ["Field", "FieldSet", "Goal", "META_KEYS", "Practice", "load_fields", "profile_schema"],
    "knowledge_base": ["KnowledgeBase", "default_paths", "load_knowledge_base", "record_types"],
    "levels": ["dependency_levels"],
    "loader": ["LoadResult", "gc_paused", "load_rule_base"],
    "model": ["BASES", "All", "Any_", "Citation", "Conclusion", "Condition", "Firing", "Match", "Not", "Rule", "RuleBase",
              "SEVERITIES", "STRENGTHS", "Test", "iter_tests", "lazy_firing"],
    "passages": ["Passages", "passages_for"],
    "translations": ["Translation", "Translations", "coverage", "english_texts", "fingerprint", "languages", "load_translations",
                     "localize", "rewrite_fields", "rewrite_texts", "source_of"],
    "markets": ["MARKET_FIELD", "PLACEHOLDER", "Markets", "for_market", "join_names", "load_markets", "market_of",
                "market_of_answers", "markets_of"],
}
SUBMODULES = ["cache", "generate"]

__getattr__, __dir__, __all__ = _lazy.attach(__name__, SUBMODULES, EXPORTS)
