"""Stage report (5 of 9): from an inference to the report.

Takes in: a knowledge base, a profile and its :class:`~advisor.inference.Inference`.
Gives out: the report, the stable JSON contract every renderer reads
(``build``, docs/report.md), ordered by the documented ranking (``ranking``),
with the diagnosis and next moves at its top (``moves``: which few to start now,
``diagnosis``: the words);
:func:`advise` does profile -> report in one call, and ``batch`` runs it over
many profiles, in order (``distributed``: on a Dask cluster, from a JSON-lines file).
"""

import lazy_loader as _lazy

#: submodule -> the names other stages import from this stage
EXPORTS = {
    "batch": ["compact_json", "indented_json", "numbered_lines", "run_lines"],
    "build": ["REPORT_KEYS", "REPORT_VERSION", "advise", "build_report"],
    "diagnosis": ["diagnosis", "item_start"],
    "distributed": ["advise_jsonl"],
    "moves": ["MOVES", "Plan", "phase_of_business", "plan_moves"],
    "move_words": ["is_goal_reason"],
    "words": ["goal_words", "join_sentences", "level_word"],
    "ranking": ["PHASES", "explain_rank", "plain_key", "rank_words", "recommendation_key", "severity_of", "step_key", "strength_of", "warning_key"],
}
SUBMODULES = []

__getattr__, __dir__, __all__ = _lazy.attach(__name__, SUBMODULES, EXPORTS)
