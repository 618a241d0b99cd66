"""`advisor audit` on the command line: exit statuses, formats, filters, help, and the shipped base."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.audit.checks import registry
from advisor.audit.runner import run

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "audit_corpus"
KNOWLEDGE = ["--knowledge", str(CORPUS / "knowledge")]
CLEAN = str(CORPUS / "clean" / "rules")


def case(name: str) -> str:
    return str(CORPUS / name / "rules")


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def test_a_clean_base_exits_0(run_cli):
    result = run_cli(["audit", CLEAN, *KNOWLEDGE])
    assert result.exit_code == 0
    assert result.stdout == ("audited 1 rule file, 6 rules: 0 errors, 0 warnings, 0 info\n"
                             "basis of the rules: 5 on the text's word (source); 1 reading and 0 assumptions "
                             "(the advisor's judgement)\n")


def test_errors_exit_1(run_cli):
    result = run_cli(["audit", CLEAN, case("A201-contradiction"), *KNOWLEDGE])
    assert result.exit_code == 1
    assert "error A201 rule 'phone-for-cheap-services' can never fire" in result.stdout


def test_warnings_exit_0_unless_strict(run_cli):
    args = ["audit", CLEAN, case("A502-subsumed-rule"), *KNOWLEDGE]
    assert run_cli(args).exit_code == 0
    strict = run_cli(args + ["--strict"])
    assert strict.exit_code == 1
    assert "warning A502" in strict.stdout


def test_a_suppressed_warning_does_not_fail_strict(run_cli):
    result = run_cli(["audit", CLEAN, case("suppressed-with-reason"), *KNOWLEDGE, "--strict"])
    assert result.exit_code == 0
    assert "Suppressed (1):" in result.stdout


def test_a_missing_path_exits_2_with_one_line(run_cli):
    result = run_cli(["audit", "no/such/rules", *KNOWLEDGE])
    assert result.exit_code == 2
    assert result.stderr == ("advisor: no/such/rules: rule file or folder not found; expected a rule file (*.yaml) "
                             "or a folder of them [E100]\n")


def test_a_broken_knowledge_folder_exits_2(run_cli, tmp_path):
    (tmp_path / "sources.yaml").write_text("documents: [\n", encoding="utf-8")
    result = run_cli(["audit", CLEAN, "--knowledge", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"advisor: {tmp_path / 'sources.yaml'}:")
    assert result.stderr.count("\n") == 1


def test_a_folder_without_rule_files_exits_2(run_cli, tmp_path):
    result = run_cli(["audit", str(tmp_path), *KNOWLEDGE])
    assert result.exit_code == 2
    assert "[E401]" in result.stderr


def test_select_and_ignore_filter_by_code_or_prefix(run_cli):
    args = ["audit", CLEAN, case("A201-contradiction"), case("A502-subsumed-rule"), *KNOWLEDGE, "-f", "json",
            "--ignore", "A811,A812"]
    codes = [f["code"] for f in run_cli(args).json()["findings"]]
    assert codes == ["A201", "A502"]
    assert [f["code"] for f in run_cli(args + ["--select", "A5"]).json()["findings"]] == ["A502"]
    only_warnings = run_cli(args + ["--ignore", "a2,A811,A812"])
    assert [f["code"] for f in only_warnings.json()["findings"]] == ["A502"]
    assert only_warnings.exit_code == 0  # the error is hidden, so it does not fail the run


def test_an_unknown_code_in_select_is_a_usage_error(run_cli):
    result = run_cli(["audit", "--select", "A999"])
    assert result.exit_code == 2
    assert "'A999' matches no audit code" in result.stderr


def test_sarif_and_output_file(run_cli, tmp_path):
    target = tmp_path / "audit.sarif"
    result = run_cli(["audit", CLEAN, case("A201-contradiction"), *KNOWLEDGE, "-f", "sarif", "-o", str(target),
                      "--ignore", "A811,A812"])
    assert result.exit_code == 1
    assert result.stdout == ""
    log = json.loads(target.read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["A201"]


def test_gap_fields_option_changes_the_combinations(run_cli, tmp_path):
    import shutil

    knowledge = tmp_path / "knowledge"
    shutil.copytree(CORPUS / "knowledge", knowledge)
    shutil.copy(CORPUS / "A701-gap" / "knowledge" / "fields.yaml", knowledge / "fields.yaml")
    wide = run_cli(["audit", CLEAN, "--knowledge", str(knowledge), "-f", "json"]).json()["findings"]
    assert [f["code"] for f in wide] == ["A701"]
    assert "(8 of 24 combinations)" in wide[0]["message"]
    narrow = run_cli(["audit", CLEAN, "--knowledge", str(knowledge), "-f", "json",
                      "--gap-fields", "price_level"]).json()["findings"]
    assert "(1 of 3 combinations)" in narrow[0]["message"]
    assert narrow[0]["example"] == {"price_level": "luxury"}


def test_list_checks_and_explain(run_cli):
    listed = run_cli(["audit", "--list-checks"])
    assert listed.exit_code == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == list(registry())
    explained = run_cli(["audit", "--explain", "a601"])
    assert explained.stdout.startswith("### A601 item-conflict (warning)\n")
    assert "Fails:" in explained.stdout and "Passes:" in explained.stdout
    assert run_cli(["audit", "--explain", "Z1"]).exit_code == 2


def test_help_has_examples(run_cli):
    result = run_cli(["audit", "--help"])
    assert result.exit_code == 0
    assert "advisor audit --format sarif -o audit.sarif" in result.stdout


def test_a_knowledge_base_folder_may_be_given_as_one_path(tmp_path):
    import shutil

    shutil.copytree(CORPUS / "knowledge", tmp_path / "knowledge")
    shutil.copytree(CORPUS / "clean" / "rules", tmp_path / "rules")
    findings = run([tmp_path])
    assert findings.files == (str(tmp_path / "rules" / "clean.yaml"),)
    assert list(findings) == []


def test_the_shipped_knowledge_base_has_no_errors():
    errors = [f for f in run() if f.severity.value == "error" and not f.suppressed]
    assert errors == []


def test_advise_does_not_import_the_audit():
    code = ("import sys; from advisor.commands.cli import cli; "
            "sys.exit(1 if any(m.startswith('advisor.audit') or m == 'advisor.commands.audit' for m in sys.modules) "
            "else 0)")
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_colour_only_when_asked_or_on_a_terminal(run_cli):
    args = ["audit", CLEAN, case("A201-contradiction"), *KNOWLEDGE]
    assert "\033[" not in run_cli(args).stdout
    coloured = run_cli(args + ["--color", "always"]).stdout
    assert "\033[31m\033[1merror\033[0m \033[1mA201\033[0m" in coloured
