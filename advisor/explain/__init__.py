"""Stage explain (6 of 9): why the advice is what it is.

Takes in: a knowledge base and a profile.
Gives out: an :class:`Analysis` (``analysis``: one run kept together), the
run's provenance index (``provenance``, built from the engine's firing
record, with ``matches`` and ``standing``), explanations of why, why not and
what would change an item (``explanation``, ``whynot``, ``changes``,
``outline``), what-if comparisons (``whatif``), and the networkx
recommendation graph (``graph``, ``reasoning``). ``kbindex`` holds what these
need from a knowledge base, worked out once; ``wording`` how values read.
"""

import lazy_loader as _lazy

#: submodule -> the names other stages import from this stage
EXPORTS = {
    "analysis": ["analyse"],
    "explanation": ["explain", "resolve"],
    "graph": ["sorted_graph", "to_json"],
    "reasoning": ["answer_words", "reasoning"],
    "whatif": ["parse_settings", "whatif"],
    "wording": ["word"],
}
SUBMODULES = []

__getattr__, __dir__, __all__ = _lazy.attach(__name__, SUBMODULES, EXPORTS)
