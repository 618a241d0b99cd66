"""How values and conditions read in explanations: yes/no, lists, "not answered", negated tests.

Shared by the graph (edge labels), the why-not checks and the what-if reasons,
so one condition reads the same everywhere.

Stage: explain.
"""

from __future__ import annotations

from typing import Any

from advisor.i18n import N_, _
from advisor.kb import Test

__all__ = ["word", "describe_literal"]


def word(value: Any) -> str:
    """A value as people read it: yes/no, lists joined, ``not answered`` for None.

    >>> word(True), word(["dealers", "physical_stores"]), word(None), word(5)
    ('yes', 'dealers, physical_stores', 'not answered', '5')
    """
    if value is None:
        return _("not answered")
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, (list, tuple)):
        return _(", ").join(map(word, value)) if value else _("none")
    return str(value)


_NEGATED = {
    "equals": N_("{s} is not {v}"),
    "in": N_("{s} is none of {v}"),
    "not_in": N_("{s} is not answered or is one of {v}"),
    "less_than": N_("{s} is not < {v}"),
    "at_most": N_("{s} is not <= {v}"),
    "greater_than": N_("{s} is not > {v}"),
    "at_least": N_("{s} is not >= {v}"),
    "contains": N_("{s} does not include {v}"),
    "contains_any": N_("{s} includes none of {v}"),
}


def describe_literal(positive: bool, test: Test) -> str:
    """A test, or its negation, in words.

    >>> from advisor.kb.model import Test
    >>> describe_literal(False, Test("field", "seo", "equals", "thorough"))
    'seo is not thorough'
    >>> describe_literal(False, Test("fact", "web_sells", "equals", True))
    'web_sells does not hold'
    """
    if positive:
        return test.describe()
    if test.kind == "fact" and test.op == "equals" and test.value is True:
        return _("{name} does not hold").format(name=test.name)
    if test.op == "answered":
        return Test(test.kind, test.name, "answered", not test.value).describe()
    subject = test.name if test.kind == "field" else _("fact {name}").format(name=test.name)
    value = word(list(test.value)) if isinstance(test.value, (list, tuple)) else word(test.value)
    pattern = _NEGATED.get(test.op)
    return _(pattern).format(s=subject, v=value) if pattern else _("not ({test})").format(test=test.describe())
