"""The audit's renderings: text for people, JSON for scripts, SARIF 2.1.0 checked against the official schema."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import jsonschema
import pytest

from advisor.audit.checks import registry
from advisor.audit.output import as_json, sarif, text
from advisor.audit.runner import run

CORPUS = Path(__file__).resolve().parent / "audit_corpus"
SARIF_SCHEMA = Path(__file__).resolve().parent / "data" / "sarif-schema-2.1.0.json"
KNOWLEDGE = CORPUS / "knowledge"


def corpus_run(*cases: str):
    """The audit of the clean base with ``cases``, without the notes that the older cases' rules quote
    nothing and state no basis (A811, A812: tests/test_audit_corpus.py checks those)."""
    with contextlib.chdir(CORPUS.parent.parent):  # paths in findings are relative to the working directory
        found = run([CORPUS / "clean" / "rules"] + [CORPUS / c / "rules" for c in cases], KNOWLEDGE)
    kept = [f for f in found if f.code not in ("A811", "A812")]
    return type(found)(kept, files=found.files, rule_count=found.rule_count, bases=found.bases)


@pytest.fixture(scope="module")
def mixed():
    """Errors, warnings, a finding without a line, related locations, examples and a suppression."""
    return corpus_run("A100-unreadable-file", "A201-contradiction", "A601-item-conflict", "suppressed-with-reason")


def sarif_validator():
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


def test_sarif_validates_against_the_official_schema(mixed):
    log = json.loads(sarif(mixed))
    errors = sorted(sarif_validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert errors == []
    assert log["version"] == "2.1.0"
    results = log["runs"][0]["results"]
    assert len(results) == len(mixed)


def test_the_schema_check_can_fail():
    """The validation above is real: a log without a version or with a bad level is refused."""
    log = json.loads(sarif(corpus_run("A201-contradiction")))
    del log["version"]
    assert list(sarif_validator().iter_errors(log))
    log = json.loads(sarif(corpus_run("A201-contradiction")))
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert list(sarif_validator().iter_errors(log))


def test_sarif_results_point_at_their_rules_and_carry_suppressions(mixed):
    run_ = json.loads(sarif(mixed))["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(registry())
    by_code = {r["id"]: r for r in rules}
    assert by_code["A201"]["defaultConfiguration"]["level"] == "error"
    assert by_code["A601"]["defaultConfiguration"]["level"] == "warning"
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    contradiction = next(r for r in run_["results"] if r["ruleId"] == "A201")
    assert contradiction["level"] == "error"
    assert contradiction["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "tests/audit_corpus/A201-contradiction/rules/contradiction.yaml"},
        "region": {"startLine": 10, "startColumn": 11},
    }
    suppressed = [r for r in run_["results"] if "suppressions" in r]
    assert [(r["ruleId"], r["suppressions"]) for r in suppressed] == [
        ("A502", [{"kind": "inSource",
                   "justification": "Kept apart so the consumer passage stays cited next to the advice."}])]
    unreadable = next(r for r in run_["results"] if r["ruleId"] == "A100")
    assert "region" not in unreadable["locations"][0]["physicalLocation"]


def test_json_lists_active_and_suppressed_findings_apart(mixed):
    data = json.loads(as_json(mixed, files=mixed.files, rule_count=mixed.rule_count))
    # the suppressed rule recommends seo too, so it also conflicts with no-seo-at-launch (a third A601)
    assert data["summary"] == {"error": 2, "warning": 3, "info": 0, "suppressed": 1}
    assert [f["code"] for f in data["findings"]] == ["A100", "A201", "A601", "A601", "A601"]
    (suppressed,) = data["suppressed"]
    assert suppressed["code"] == "A502" and suppressed["reason"].startswith("Kept apart")
    conflict = data["findings"][2]
    assert conflict["name"] == "item-conflict"
    assert conflict["example"] == {"business_stage": "launch", "price_level": "low"}
    assert conflict["rules"] == ["no-seo-at-launch", "seo-for-cheap-goods"]
    assert conflict["related"] == [{"path": "tests/audit_corpus/clean/rules/clean.yaml", "line": 35, "column": 9}]


def test_text_shows_place_severity_code_message_and_fix():
    findings = corpus_run("A201-contradiction")
    out = text(findings, files=findings.files, rule_count=findings.rule_count)
    assert out.splitlines() == [
        "tests/audit_corpus/A201-contradiction/rules/contradiction.yaml:10:11: error A201 rule "
        "'phone-for-cheap-services' can never fire: it needs 'price_level is high' and 'price_level is low' "
        "at the same time",
        "    fix: Remove or correct one of the tests that exclude each other.",
        "",
        "audited 2 rule files, 7 rules: 1 error, 0 warnings, 0 info",
    ]


def test_text_lists_suppressions_with_their_reasons():
    findings = corpus_run("suppressed-with-reason")
    out = text(findings, files=findings.files, rule_count=findings.rule_count)
    assert "Suppressed (1):" in out
    assert "      reason: Kept apart so the consumer passage stays cited next to the advice." in out
    assert out.endswith("audited 2 rule files, 7 rules: 0 errors, 0 warnings, 0 info (1 suppressed)\n")


def test_the_same_input_gives_the_same_bytes(mixed):
    again = corpus_run("A100-unreadable-file", "A201-contradiction", "A601-item-conflict", "suppressed-with-reason")
    assert sarif(mixed) == sarif(again)
    assert as_json(mixed) == as_json(again)
