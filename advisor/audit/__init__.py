"""Stage audit (5 of 9, beside report): rule files in, sorted findings out.

Takes in: rule files and a knowledge folder.
Gives out: :class:`Finding` records (``runner``: :func:`run`), each from a
check in ``checks/`` (one module a family, discovered, not listed), and their
text, JSON and SARIF forms (``output``). ``context``, ``domains`` and
``reasoning`` hold what the checks share: the loaded base, the values a field
can take, and reasoning over conditions.
"""

import lazy_loader as _lazy

#: submodule -> the names other stages import from this stage
EXPORTS = {
    "checks": ["registry"],
    "finding": ["Finding", "Severity"],
    "output": ["render"],
    "runner": ["AuditResult", "resolve_inputs", "run", "summary"],
}
SUBMODULES = ["docs"]

__getattr__, __dir__, __all__ = _lazy.attach(__name__, SUBMODULES, EXPORTS)
