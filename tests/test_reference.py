"""The reference evaluator's fast predicates say exactly what the written semantics say."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from advisor.inference.reference import compile_test
from advisor.inference.reference import test_holds as holds
from advisor.kb.model import Test

SCALARS = st.one_of(st.sampled_from(["a", "b", "c"]), st.booleans(), st.integers(-3, 3),
                    st.floats(-3, 3, allow_nan=False), st.sampled_from([0, 1, 1.0, True, False]))
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3))
NAMES = st.sampled_from(["x", "y"])


@st.composite
def any_test(draw) -> Test:
    op = draw(st.sampled_from(["equals", "in", "not_in", "less_than", "at_most", "greater_than", "at_least",
                               "contains", "contains_any", "answered"]))
    if op in ("in", "not_in", "contains_any"):
        value = tuple(draw(st.lists(SCALARS, min_size=1, max_size=3)))
    elif op == "answered":
        value = draw(st.booleans())
    else:
        value = draw(SCALARS)
    return Test(draw(st.sampled_from(["field", "fact"])), draw(NAMES), op, value)


@given(test=any_test(), answers=st.dictionaries(NAMES, VALUES), derived=st.dictionaries(NAMES, VALUES))
def test_compiled_predicates_agree_with_the_written_semantics(test, answers, derived):
    subject = (answers if test.kind == "field" else derived).get(test.name)
    lists_op = test.op in ("contains", "contains_any")
    if subject is not None and test.op != "answered" and lists_op != isinstance(subject, list):
        return  # a list where a scalar belongs (or back): the loader never lets such a test through
    expected = holds(test, answers, derived)
    assert compile_test(test)(answers, derived) is expected or compile_test(test)(answers, derived) == expected
