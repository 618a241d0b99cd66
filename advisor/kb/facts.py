"""Profile -> the small facts the engine matches on, and the names they go by.

One fact per answered field, one per member of a list answer, one per derived
fact. Small facts keep the number of alpha-network branches a single fact can
reach low (the C engine allows 64 at a time), and let the engine report exactly
which answers satisfied a rule.

=================  ===========================================================  ==========================
fact               durable-rules JSON                                           key in provenance
=================  ===========================================================  ==========================
scalar answer      ``{"f_price_level":"high","g25":1,"id":"f_price_level"}``    ``answer:price_level``
list answer        ``{"f_offline":2,"g32":1,"id":"f_offline"}`` (the count)     ``answer:offline``
list member        ``{"m_offline":"dealers","g12":1,"id":"m_offline=dealers"}``  ``member:offline=dealers``
derived fact       ``{"d_high_value":true,"g12":1,"id":"d_high_value"}``        ``derived:high_value``
start (per group)  ``{"s_":"0.0","id":"s_=0.0"}``                               -
=================  ===========================================================  ==========================

Each fact carries its own ``id``, unique among the facts a ruleset holds at one
time (one fact per field, derived fact and start group; one per member of a
list). Without it durable-rules computes one from the content for every fact
asserted or retracted (a sort of the properties, a 64-bit hash and an
``snprintf``), about a tenth of the engine's time. It also carries its
property's group (``g25``, see :data:`GROUPS`): rules find a fact under its
group's alpha node, which keeps the root of the alpha network small.

Stage: kb.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from .fields import FieldSet

__all__ = [
    "field_prop",
    "member_prop",
    "derived_prop",
    "START_PROP",
    "encode_answers",
    "encode_answer",
    "encode_derived",
    "fact_text",
    "fact_texts",
    "fact_id",
    "retract_text",
    "answer_facts",
    "fact_key",
    "group_of",
    "GROUPS",
]

START_PROP = "s_"
_MEMO_LIMIT = 50_000


def field_prop(field: str) -> str:
    return f"f_{field}"


def member_prop(field: str) -> str:
    return f"m_{field}"


def derived_prop(fact: str) -> str:
    return f"d_{fact}"


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


_NAMES: dict[str, str] = {}  # property or id -> its JSON string (few distinct ones recur)


def _name(text: str) -> str:
    found = _NAMES.get(text)
    if found is None:
        if len(_NAMES) >= _MEMO_LIMIT:
            _NAMES.clear()
        found = _NAMES[text] = _dump(text)
    return found


def _value(value: Any) -> str:
    """``json.dumps(value)``, quicker for the numbers answers mostly are."""
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int or (kind is float and value - value == 0):  # finite: repr is the JSON
        return repr(value)
    return _dump(value)


def fact_id(prop: str, value: Any) -> str:
    """A fact's id: unique among the facts a ruleset holds at one time."""
    return f"{prop}={value}" if prop[0] in "ms" else prop


#: The group properties: every fact carries one (``"g5": 1``), chosen from its property's name.
#: durable-rules finds a fact's alpha nodes by walking a node's children table (512 slots, 32
#: hash buckets, linear probing) from the bucket of each of the fact's property names until an
#: empty slot; with one child per property under the root, the children fill one long run that
#: every fact walks (for its property, its ``id`` and its ``sid``). Rules test a fact under its
#: group's node, then its property's, so the root has few children: these names' buckets are
#: apart from each other and from those of ``id``, ``sid`` and the start facts' ``s_``.
GROUPS = ("g0", "g1", "g5", "g9", "g12", "g13", "g16", "g18", "g25", "g32")
_GROUP_OF: dict[str, str] = {}


def group_of(prop: str) -> str:
    """The group property of a fact property (a hash of its name, so no table is needed)."""
    found = _GROUP_OF.get(prop)
    if found is None:
        code = 0x811C9DC5  # 32-bit FNV-1a, the hash durable-rules uses for names
        for byte in prop.encode():
            code = ((code ^ byte) * 0x01000193) & 0xFFFFFFFF
        if len(_GROUP_OF) >= _MEMO_LIMIT:
            _GROUP_OF.clear()
        found = _GROUP_OF[prop] = GROUPS[code % len(GROUPS)]
    return found


def fact_texts(prop: str, value: Any) -> tuple[str, str]:
    """The JSON asserting one fact (with its id, see the table above) and the JSON retracting it.

    durable-rules finds a fact to retract by its id alone, so the second is ``{"id": ...}``.
    """
    ident = _name(prop) if prop[0] not in "ms" else _dump(fact_id(prop, value))
    group = "" if prop == START_PROP else ',"' + group_of(prop) + '":1'
    return "{" + _name(prop) + ":" + _value(value) + group + ',"id":' + ident + "}", '{"id":' + ident + "}"


def fact_text(prop: str, value: Any) -> str:
    """The JSON of one fact, with its id (see the table above)."""
    return fact_texts(prop, value)[0]


def retract_text(text: str) -> str:
    """What retracts a fact given its JSON: its id alone."""
    return '{"id":' + _dump(json.loads(text)["id"]) + "}"


#: Encoded answers kept for reuse (the same answers recur across profiles); emptied when full.
_MEMO: dict[tuple, tuple[tuple[str, tuple[str, ...]], ...]] = {}


def answer_facts(name: str, value: Any) -> list[tuple[str, str, str]]:
    """The facts of one answer: ``(property, JSON asserting it, JSON retracting it)`` for each."""
    if isinstance(value, (tuple, list)):  # a list answer: its count and its members
        prop = member_prop(name)
        return [(field_prop(name), *fact_texts(field_prop(name), len(value)))] + [
            (prop, *fact_texts(prop, v)) for v in value]
    return [(field_prop(name), *fact_texts(field_prop(name), value))]


def encode_answer(name: str, value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The facts of one answer: ``(property, JSON texts)`` pairs (a list answer has two)."""
    grouped: dict[str, list[str]] = {}
    for prop, text, _ in answer_facts(name, value):
        grouped.setdefault(prop, []).append(text)
    if isinstance(value, (tuple, list)) and member_prop(name) not in grouped:
        grouped[member_prop(name)] = []
    return tuple((prop, tuple(texts)) for prop, texts in grouped.items())


def encode_answers(answers: Iterable[tuple[str, Any]], fields: FieldSet | None = None) -> dict[str, tuple[str, ...]]:
    """A profile's answers (``Profile.answers``) as facts in JSON strings, grouped by the property rules test."""
    out: dict[str, tuple[str, ...]] = {}
    memo = _MEMO
    for name, value in answers:
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
