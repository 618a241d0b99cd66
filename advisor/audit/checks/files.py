"""Per-file checks: what the loader's collecting mode finds (YAML, schema, names, citations, ids),
mapped to audit codes, and rationales that say nothing.

Stage: audit.
"""

from __future__ import annotations

import re
from typing import Iterable

from advisor.errors import RuleFileError

from ..checks import Check, check
from ..finding import Finding, Severity

E = Severity.ERROR

CHECKS = (
    Check("A100", "unreadable-file", E, "A rule file cannot be read (missing, too large, not UTF-8 or empty).",
          fail="rules/empty.yaml  (a file of 0 bytes)",
          passes="rules/empty.yaml  (area, title and rules filled in)",
          fix="Give a readable UTF-8 YAML file holding area, title and rules."),
    Check("A101", "yaml-syntax", E, "A rule file is not valid YAML (syntax, tags, duplicate keys, nesting).",
          fail="- id: seo-first\n  title: Optimise: for search   # unquoted ': ' inside a value",
          passes="- id: seo-first\n  title: \"Optimise: for search\"",
          fix="Fix the YAML at the line and column shown (indentation and unquoted colons are typical)."),
    Check("A102", "schema", E, "A rule file does not follow the rule schema (unknown or missing keys, wrong types).",
          fail="- id: seo-first\n  titel: Optimise the site\n  ...",
          passes="- id: seo-first\n  title: Optimise the site\n  ...",
          fix="Follow the rule schema (docs/rules.md, `advisor schema rules`)."),
    Check("A103", "unknown-field", E, "A condition tests a profile field that does not exist.",
          fail="when: {field: budjet, equals: small}",
          passes="when: {field: marketing_budget, equals: small}",
          fix="Use a field listed by `advisor fields`."),
    Check("A104", "unknown-value", E, "A condition compares a field with a value it cannot take.",
          fail="when: {field: price_level, equals: cheap}",
          passes="when: {field: price_level, equals: low}",
          fix="Compare the field with one of its choices, true/false, or a number, as its type requires."),
    Check("A105", "wrong-operator", E, "A condition uses an operator that does not apply to the field's type.",
          fail="when: {field: offline_channels, equals: dealers}",
          passes="when: {field: offline_channels, contains: dealers}",
          fix="equals/in/not_in for choices, contains* for lists, comparisons for numbers."),
    Check("A106", "unknown-catalog-id", E, "A conclusion names a channel, tactic, mistake, step or KPI that "
          "the catalogs do not hold (or one of the wrong kind).",
          fail="then: [{recommend: seo-magic}]",
          passes="then: [{recommend: seo}]",
          fix="Use an id from the right catalog in knowledge/."),
    Check("A107", "unknown-citation", E, "A rule cites a document or section that knowledge/sources.yaml lacks.",
          fail='source: {doc: "004", section: sales-chanel}',
          passes='source: {doc: "004", section: sales-channel}',
          fix="Cite a document and section listed in knowledge/sources.yaml."),
    Check("A108", "duplicate-id", E, "Two rules share one id.",
          fail="- id: seo-first\n  ...\n- id: seo-first\n  ...",
          passes="- id: seo-first\n  ...\n- id: seo-for-shops\n  ...",
          fix="Give each rule its own id."),
    Check("A109", "condition-too-large", E, "A condition expands into more alternatives or tests than the engine "
          "can join.",
          fail="when: {all: [{any: [...8 tests]}, {any: [...8 tests]}, {any: [...8 tests]}]}  # 512 alternatives",
          passes="move the shared tests into a derived fact and test the fact",
          fix="Split the rule or move shared tests into a derived fact."),
    Check("A110", "rationale-missing", E, "A rule has no rationale (`because`), or one too short to explain it.",
          fail="- id: seo-first\n  title: Optimise the site\n  then: [{recommend: seo}]\n  source: {...}",
          passes="  because: Most visits come from search engines, so a site they list high needs less paid "
                 "promotion.",
          fix="Say in `because` why the rule holds, in plain words (20 characters at least)."),
    Check("A111", "rationale-placeholder", Severity.WARNING, "A rationale repeats the rule's title or is a "
          "placeholder (TODO, TBD, FIXME, lorem ipsum).",
          fail="title: Optimise the site\nbecause: TODO explain why this holds",
          passes="because: Most visits come from search engines, so a site they list high needs less paid "
                 "promotion.",
          fix="Write the reason the rule holds, as the cited passage gives it."),
)

#: loader code -> audit code (E307, a cycle, is reported by the cycles check with every cycle spelled out)
_MAP = {
    "E100": "A100", "E101": "A100", "E102": "A100", "E103": "A100",
    "E120": "A101", "E121": "A101", "E122": "A101", "E123": "A101", "E124": "A101",
    "E300": "A102", "E301": "A103", "E302": "A106", "E303": "A107", "E304": "A104", "E305": "A105",
    "E306": "A108", "E308": "A109", "E309": "A202",
}
_RULE = re.compile(r"^rule '([^']+)'")
_PLACEHOLDER = re.compile(r"\b(todo|tbd|fixme|xxx|lorem ipsum)\b", re.IGNORECASE)


def run(ctx) -> Iterable[Finding]:
    """The loader's problems as findings, then placeholder rationales."""
    for problem in ctx.load.problems:
        code = _code(problem)
        if code is None:
            continue
        yield _finding(code, problem)
    for rule in ctx.rules:
        because = " ".join(rule.because.lower().split()).rstrip(".")
        if not because:
            continue
        title = " ".join(rule.title.lower().split()).rstrip(".")
        if because == title:
            what = "repeats the rule's title"
        elif _PLACEHOLDER.search(rule.because):
            what = f"is a placeholder ({_PLACEHOLDER.search(rule.because).group(0)!r})"
        else:
            continue
        yield check("A111").at(ctx.rule_location(rule, "because"), f"rule {rule.id!r}: the rationale {what}",
                               rules=(rule.id,))


def _code(problem: RuleFileError) -> str | None:
    if problem.code == "E307":
        return None
    code = _MAP.get(problem.code, "A102")
    where = problem.where or ""
    if problem.code == "E300":
        if "> suppress" in where:
            return "A901"
        if where.endswith("> because") or problem.message == "missing required key 'because'":
            return "A110"
    if problem.code == "E304" and "is empty" in problem.message:
        return "A203"
    return code


def _finding(code: str, problem: RuleFileError) -> Finding:
    where = problem.where or ""
    message = f"{where}: {problem.message}" if where else problem.message
    fix = None
    if problem.expected:
        fix = f"Expected {problem.expected}" + (f" (did you mean {problem.suggestion!r}?)" if problem.suggestion else "")
    elif problem.suggestion:
        fix = f"Did you mean {problem.suggestion!r}?"
    found = _RULE.match(where)
    rules = (found.group(1),) if found else ()
    gave_up = getattr(problem, "gave_up", None)  # a YAML error: where the parser stopped, past where it starts
    return check(code).at(problem.location, message + f" [{problem.code}]", fix=fix, rules=rules,
                          related=(gave_up,) if gave_up is not None else ())
