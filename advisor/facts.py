"""Profile -> the small facts the engine matches on, and the names they go by.

One fact per answered field, one per member of a list answer, one per derived
fact. Small facts keep the number of alpha-network branches a single fact can
reach low (the C engine allows 64 at a time), and let the engine report exactly
which answers satisfied a rule.

=================  ==========================================  =======================
fact               durable-rules JSON                           key in provenance
=================  ==========================================  =======================
scalar answer      ``{"f_price_level": "high"}``                ``answer:price_level``
list answer        ``{"f_offline": 2}`` (the count)             ``answer:offline``
list member        ``{"m_offline": "dealers"}``                 ``member:offline=dealers``
derived fact       ``{"d_high_value": true}``                   ``derived:high_value``
start (per group)  ``{"s_": 0}``                                -
=================  ==========================================  =======================

A fact has no ``id``: durable-rules identifies facts by their content, which is
unique here (one fact per field, member, derived fact or start group), and one
property less halves the work of finding a fact's alpha nodes.
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


#: Encoded answers kept for reuse (the same answers recur across profiles); emptied when full.
_MEMO: dict[tuple, tuple[tuple[str, tuple[str, ...]], ...]] = {}
_MEMO_LIMIT = 50_000


def encode_answer(name: str, value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The facts of one answer: ``(property, JSON texts)`` pairs (a list answer has two)."""
    if isinstance(value, (tuple, list)):  # a list answer: its count and its members
        prop = member_prop(name)
        return ((field_prop(name), (_dump({field_prop(name): len(value)}),)),
                (prop, tuple(_dump({prop: v}) for v in value)))
    return ((field_prop(name), (_dump({field_prop(name): value}),)),)


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
    return _dump({derived_prop(name): value})


def fact_key(prop: str, value: object) -> str:
    """``f_price_level`` -> ``answer:price_level``; members also name their value."""
    kind, name = prop[0], prop[2:]
    if kind == "m":
        return f"member:{name}={value}"
    return ("answer:" if kind == "f" else "derived:") + name
