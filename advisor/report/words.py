"""How the report words a business's goals, lists and the catalog's levels, in the language in use.

The goals are the object of "it wants ...", shared by the moves and the diagnosis;
the levels (severity, effort, cost, phase) are ids in the JSON report and words in
what people read. Every phrase goes through :func:`advisor.i18n._`, so Chinese gets
its own word order from whole sentences with named placeholders.

Stage: report.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from advisor.i18n import N_, _

__all__ = ["goal_words", "join_sentences", "join_words", "level_word", "quoted"]

#: a stated goal (promotion_goals choice) as the object of "it wants ..."
_GOAL_WORDS = {"awareness": N_("people to know and understand its products"),
               "registrations": N_("registrations on its site"), "phone_calls": N_("calls from buyers"),
               "online_purchases": N_("online sales"), "store_visits": N_("buyers in its shop or showroom"),
               "repeat_purchases": N_("customers who buy again"), "financing": N_("investors' attention")}

#: the catalog's levels and kinds as people read them (the JSON report keeps the ids)
_LEVELS = {"high": N_("high"), "medium": N_("medium"), "low": N_("low"), "prepare": N_("prepare"),
           "launch": N_("launch"), "operate": N_("operate"), "mature": N_("mature"), "evaluate": N_("evaluate"),
           "channel": N_("channel"), "tactic": N_("tactic"), "mistake": N_("mistake"), "step": N_("step"),
           "kpi": N_("kpi"), "essential": N_("essential"), "strong": N_("strong"), "moderate": N_("moderate"),
           "weak": N_("weak"), "reading": N_("reading"), "assumption": N_("assumption"),
           "brand": N_("brand"), "promotion": N_("promotion"), "research": N_("research"),
           "retention": N_("retention"), "sales": N_("sales"), "service": N_("service"),
           "acquisition": N_("acquisition"), "conversion": N_("conversion"), "financing": N_("financing"),
           "repeat": N_("repeat"), "none": N_("none"), "optional": N_("optional")}


def goal_words(kb: Any, goal: str) -> str:
    """A stated goal in words that follow "it wants" ("online sales", "customers who buy again")."""
    if goal in _GOAL_WORDS:
        return _(_GOAL_WORDS[goal])
    f = kb.fields.get("promotion_goals")
    label = f.label_of(goal) if f is not None else goal
    return label[:1].lower() + label[1:]


def level_word(value: str) -> str:
    """A level, phase, kind or strength id as a word of the language in use ("high" is 高 in Chinese)."""
    return _(_LEVELS[value]) if value in _LEVELS else value


def join_words(words: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c`` (Chinese: ``a、b和c``)."""
    if len(words) <= 1:
        return "".join(words)
    return _("{items} and {last}").format(items=_(", ").join(words[:-1]), last=words[-1])


def quoted(title: str) -> str:
    """A title in quotation marks ("SEO"; Chinese: “SEO”)."""
    return _('"{title}"').format(title=title)


def join_sentences(sentences: list[str]) -> str:
    """Sentences one after another: a space between English ones, none after Chinese full stops."""
    out = ""
    for sentence in sentences:
        if out and not (out[-1] in "。！？；：）”" or unicodedata.east_asian_width(out[-1]) in ("W", "F")):
            out += " "
        out += sentence
    return out
