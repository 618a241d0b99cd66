"""Stage commands (9 of 9): the command line.

One click command a module (``advise``, ``ask``, ``audit``, ``batch``,
``explain``, ``fields``, ``graph``, ``whatif``), gathered by the lazy group of
``cli``; each parses its options, calls one library function, renders and
returns a status. The only stage that imports click.
"""

import lazy_loader as _lazy

#: submodule -> the names other stages import from this stage
EXPORTS = {
    "cli": ["cli", "main"],
}
SUBMODULES = []

__getattr__, __dir__, __all__ = _lazy.attach(__name__, SUBMODULES, EXPORTS)
