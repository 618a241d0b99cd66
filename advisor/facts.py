"""Profile -> the small facts the engine matches on, and the names they go by.

One fact per answered field, one per member of a list answer, one per derived
fact. Small facts keep the number of alpha-network branches a single fact can
reach low (the C engine allows 64 at a time), and let the engine report exactly
which answers satisfied a rule.

=================  =====================================================  =======================
fact               durable-rules JSON                                     key in provenance
=================  =====================================================  =======================
scalar answer      ``{"f_price_level":"high","id":"f_price_level"}``      ``answer:price_level``
list answer        ``{"f_offline":2,"id":"f_offline"}`` (the count)       ``answer:offline``
list member        ``{"m_offline":"dealers","id":"m_offline=dealers"}``    ``member:offline=dealers``
derived fact       ``{"d_high_value":true,"id":"d_high_value"}``          ``derived:high_value``
start (per group)  ``{"s_":"0.0","id":"s_=0.0"}``                         -
=================  =====================================================  =======================

Each fact carries its own ``id``, unique among the facts a ruleset holds at one
time (one fact per field, derived fact and start group; one per member of a
list). Without it durable-rules computes one from the content for every fact
asserted or retracted (a sort of the properties, a 64-bit hash and an
``snprintf``), about a tenth of the engine's time.
"""

from __future__ import annotations

import json
from typing import Any

from .fields import FieldSet
from .profile import Profile

__all__ = [
    "field_prop",
    "member_prop",
    "derived_prop",
    "START_PROP",
    "encode_profile",
    "encode_answer",
    "encode_derived",
    "fact_text",
    "fact_key",
]

START_PROP = "s_"


def field_prop(field: str) -> str:
    return f"f_{field}"


def member_prop(field: str) -> str:
    return f"m_{field}"


def derived_prop(fact: str) -> str:
    return f"d_{fact}"


def _dump(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def fact_text(prop: str, value: Any) -> str:
    """The JSON of one fact, with its id (see the table above)."""
    ident = f"{prop}={value}" if prop[0] in "ms" else prop
    return _dump({prop: value, "id": ident})


#: Encoded answers kept for reuse (the same answers recur across profiles); emptied when full.
_MEMO: dict[tuple, tuple[tuple[str, tuple[str, ...]], ...]] = {}
_MEMO_LIMIT = 50_000


def encode_answer(name: str, value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The facts of one answer: ``(property, JSON texts)`` pairs (a list answer has two)."""
    if isinstance(value, (tuple, list)):  # a list answer: its count and its members
        prop = member_prop(name)
        return ((field_prop(name), (fact_text(field_prop(name), len(value)),)),
                (prop, tuple(fact_text(prop, v) for v in value)))
    return ((field_prop(name), (fact_text(field_prop(name), value),)),)


def encode_profile(profile: Profile, fields: FieldSet | None = None) -> dict[str, tuple[str, ...]]:
    """The profile's facts as JSON strings, grouped by the property rules test."""
    out: dict[str, tuple[str, ...]] = {}
    memo = _MEMO
    for name, value in profile.answers:
        if type(value) is list:
            value = tuple(value)
        key = (name, type(value), value)
        encoded = memo.get(key)
        if encoded is None:
            if len(memo) >= _MEMO_LIMIT:
                memo.clear()
            encoded = memo[key] = encode_answer(name, value)
        out.update(encoded)
    return out


def encode_derived(name: str, value: Any) -> str:
    return fact_text(derived_prop(name), value)


def fact_key(prop: str, value: object) -> str:
    """``f_price_level`` -> ``answer:price_level``; members also name their value."""
    kind, name = prop[0], prop[2:]
    if kind == "m":
        return f"member:{name}={value}"
    return ("answer:" if kind == "f" else "derived:") + name
