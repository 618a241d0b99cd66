"""Stage interview (4 of 9): asking for a profile one question at a time.

Takes in: a knowledge base and the answers given so far.
Gives out: the next question worth asking and why (``planner``, pure), the
interview's state with going back and editing (``state``), answers parsed
and shown as people type them, and answer files (``answers``).
"""

import lazy_loader as _lazy

#: submodule -> the names other stages import from this stage
EXPORTS = {
    "answers": ["Command", "Invalid", "instructions", "parse_answer", "read_answer_file", "show_value"],
    "planner": ["Planner"],
    "state": ["Interview", "Question"],
}
SUBMODULES = []

__getattr__, __dir__, __all__ = _lazy.attach(__name__, SUBMODULES, EXPORTS)
