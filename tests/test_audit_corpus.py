"""The audit corpus: one small defective rule base per check, each giving exactly its findings
(code, file, line), and a clean base giving none. See tests/audit_corpus/README.md."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from advisor.audit.checks import registry
from advisor.audit.runner import run

CORPUS = Path(__file__).resolve().parent / "audit_corpus"

#: case -> the findings it must give, exactly: (code, file inside the case, line); None = no line
CASES = {
    "A100-unreadable-file": [("A100", "rules/empty.yaml", None)],
    "A101-yaml-syntax": [("A101", "rules/broken.yaml", 5)],
    "A102-schema": [("A102", "rules/schema.yaml", 6)],
    "A103-unknown-field": [("A103", "rules/field.yaml", 7)],
    "A104-unknown-value": [("A104", "rules/value.yaml", 8)],
    "A105-wrong-operator": [("A105", "rules/operator.yaml", 8)],
    "A106-unknown-catalog-id": [("A106", "rules/catalog.yaml", 8)],
    "A107-unknown-citation": [("A107", "rules/citation.yaml", 10)],
    "A108-duplicate-id": [("A108", "rules/duplicate.yaml", 4)],
    "A109-condition-too-large": [("A109", "rules/large.yaml", 7)],
    "A110-rationale-missing": [("A110", "rules/rationale.yaml", 4)],
    "A111-rationale-placeholder": [("A111", "rules/placeholder.yaml", 9)],
    "A201-contradiction": [("A201", "rules/contradiction.yaml", 10)],
    "A101-unclosed-quote": [("A101", "rules/quote.yaml", 5)],
    "A101-unclosed-bracket": [("A101", "rules/bracket.yaml", 6)],
    "A202-fact-never-holds": [("A202", "rules/facts.yaml", 7), ("A202", "rules/facts.yaml", 16)],
    "A202-through-derived-facts": [("A202", "rules/derived.yaml", 30), ("A202", "rules/derived.yaml", 44),
                                   ("A202", "rules/derived.yaml", 58)],
    "A206-analysis-capped": [("A206", "rules/capped.yaml", 7)],
    "A203-empty-range": [("A203", "rules/range.yaml", 9)],
    "A204-threshold-outside-range": [("A204", "rules/threshold.yaml", 7)],
    "A205-dead-branch": [("A205", "rules/dead.yaml", 11)],
    "A301-fact-unused": [("A301", "rules/unused.yaml", 10)],
    "A302-fact-undeclared": [("A302", "rules/undeclared.yaml", 8)],
    "A303-fact-never-derived": [("A303", "rules/declared.yaml", 4)],
    "A401-cycle": [("A401", "rules/cycle.yaml", 7)],
    "A501-duplicate-rule": [("A501", "rules/duplicate.yaml", 4)],
    "A502-subsumed-rule": [("A502", "rules/subsumed.yaml", 4)],
    "A502-weaker-strength": [("A502", "rules/weaker.yaml", 4)],
    "A601-item-conflict": [("A601", "rules/conflict.yaml", 8), ("A601", "rules/conflict.yaml", 17)],
    "A602-fact-conflict": [("A602", "rules/tiers.yaml", 19)],
    "A701-gap": [("A701", "knowledge/fields.yaml", 45)],
    "A801-section-uncited": [("A801", "knowledge/sources.yaml", 18)],
    "A802-catalog-unused": [("A802", "knowledge/channels.yaml", 17)],
    "A803-cites-non-actionable": [("A803", "rules/cites.yaml", 10)],
    "A811-citation-without-quote": [("A811", "rules/unquoted.yaml", 11)],
    "A812-basis-unstated": [("A812", "rules/unstated.yaml", 5)],
    "A813-veto-quote-prescribes": [("A813", "rules/veto.yaml", 5)],
    "A821-presupposed-practice": [("A821", "rules/presupposes.yaml", 9)],
    "A831-translation-missing": [("A831", "knowledge/i18n/zh/channels.yaml", None)],
    "A832-translation-stale": [("A832", "knowledge/i18n/zh/channels.yaml", 2)],
    "A833-translation-unknown-id": [("A833", "knowledge/i18n/zh/channels.yaml", 2)],
    "A840-brand-in-rule": [("A840", "rules/brand.yaml", 4)],
    "A841-brand-in-text": [("A841", "rules/text.yaml", 4)],
    "A842-platform-rule-untied": [("A842", "rules/platform.yaml", 4)],
    "A843-unknown-placeholder": [("A843", "rules/placeholder.yaml", 4)],
    "A901-suppression-without-reason": [("A901", "rules/reason.yaml", 12)],
    "A902-suppression-unused": [("A902", "rules/unused.yaml", 12)],
    "A903-suppression-of-error": [("A201", "rules/error.yaml", 9), ("A903", "rules/error.yaml", 15)],
}


GROUNDS = {"A811", "A812"}


def audit_case(case: str, tmp_path: Path):
    """Audit the clean rules plus the case's rules, over the shared knowledge with the case's files laid over it.

    Returns the findings with their paths made relative to the case (``rules/x.yaml``) or to
    the knowledge folder (``knowledge/x.yaml``), and the findings themselves.
    """
    knowledge = tmp_path / "knowledge"
    shutil.copytree(CORPUS / "knowledge", knowledge)
    overlay = CORPUS / case / "knowledge"
    if overlay.is_dir():
        for path in overlay.iterdir():
            if path.is_dir():  # i18n/
                shutil.copytree(path, knowledge / path.name, dirs_exist_ok=True)
            else:
                shutil.copy(path, knowledge / path.name)
    paths = [CORPUS / "clean" / "rules"]
    if case != "clean" and (CORPUS / case / "rules").is_dir():
        paths.append(CORPUS / case / "rules")
    findings = run(paths, knowledge)
    rows = []
    for f in findings:
        path = Path(f.location.path).resolve()
        for root, prefix in ((CORPUS / case, ""), (knowledge.resolve(), "knowledge/"), (CORPUS / "clean", "clean/")):
            if path.is_relative_to(root):
                shown = prefix + path.relative_to(root).as_posix()
                break
        else:
            shown = str(path)
        rows.append((f.code, shown, f.location.line, f.suppressed))
    return rows, findings


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_defect_gives_exactly_its_findings(case, tmp_path):
    rows, findings = audit_case(case, tmp_path)
    # The cases hold their defect only; the notes that their rules quote nothing and state no basis
    # (A811, A812) are expected of the older cases and checked by the cases of their own.
    rows = [row for row in rows if row[0] not in GROUNDS or case.startswith(row[0])]
    findings = [f for f in findings if f.code not in GROUNDS or case.startswith(f.code)]
    assert sorted((code, path, line) for code, path, line, reason in rows if reason is None) == sorted(CASES[case])
    assert all(reason is None for *_, reason in rows)
    for f in findings:
        assert f.message and f.fix  # every finding says what is wrong and what to do


def test_the_clean_base_gives_no_finding(tmp_path):
    rows, _ = audit_case("clean", tmp_path)
    assert rows == []


def test_a_suppression_with_a_reason_silences_the_finding_and_is_listed(tmp_path):
    rows, findings = audit_case("suppressed-with-reason", tmp_path)
    rows = [row for row in rows if row[0] not in GROUNDS]
    findings = [f for f in findings if f.code not in GROUNDS]
    assert rows == [("A502", "rules/suppressed.yaml", 4,
                     "Kept apart so the consumer passage stays cited next to the advice.")]
    assert findings[0].rules == ("seo-for-cheap-consumer-goods", "seo-for-cheap-goods")


def test_every_check_has_a_corpus_case():
    covered = {code for expected in CASES.values() for code, _, _ in expected}
    assert covered == set(registry())
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_dir()} - {"knowledge", "clean", "suppressed-with-reason"}
    assert on_disk == set(CASES)


def test_markers_in_the_corpus_agree_with_the_table():
    """Each case file marks the lines its findings point at with '# <- CODE', for readers."""
    marked = {}
    for path in CORPUS.rglob("*.yaml"):
        case = path.relative_to(CORPUS).parts[0]
        if case not in CASES:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found = re.search(r"# <- (A\d{3})", line)
            if found:
                marked.setdefault(case, []).append(
                    (found.group(1), path.relative_to(CORPUS / case).as_posix(), number))
    assert {case: sorted(v) for case, v in marked.items()} == {
        case: sorted(v) for case, v in CASES.items() if any(line for _, _, line in v)}


def test_conflict_examples_are_profiles_that_fire_both_rules(tmp_path):
    from advisor.inference.reference import ReferenceEvaluator
    from advisor.kb.knowledge_base import load_knowledge_base

    _, findings = audit_case("A601-item-conflict", tmp_path)
    kb = load_knowledge_base(tmp_path / "knowledge", rules=[CORPUS / "clean" / "rules", CORPUS / "A601-item-conflict" /
                                                             "rules"], use_cache=False)
    evaluator = ReferenceEvaluator(kb.rules)
    findings = [f for f in findings if f.code == "A601"]
    for f in findings:
        fired = set(evaluator.run(f.example).fired)
        assert set(f.rules) <= fired
    assert [f.example for f in findings] == [{"business_stage": "launch", "price_level": "low"},
                                             {"price_level": "high"}]


def test_the_gap_is_reported_with_an_example_that_gets_no_channel(tmp_path):
    _, findings = audit_case("A701-gap", tmp_path)
    (gap,) = findings
    assert gap.example == {"business_model": "B2C", "product_type": "goods", "price_level": "luxury",
                           "business_stage": "launch"}
    assert "price_level is luxury" in gap.message
    assert "8 of 24 combinations" in gap.message
