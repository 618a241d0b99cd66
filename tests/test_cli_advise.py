"""`advisor advise`: formats, the JSON contract, stdin, determinism and every bad-input path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT

EXAMPLE = str(EXAMPLES / "tea-shop.json")


def test_text_report(run_cli):
    result = run_cli(["advise", EXAMPLE, "--format", "text"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Marketing advice for Lotus Leaf Tea")
    text = result.stdout
    # the owner's report: the diagnosis first, then everything else in short
    assert text.index("WHERE YOU STAND") < text.index("START NOW") < text.index("EVERYTHING ELSE THAT APPLIES")
    assert "Warnings (" in text and "Also advised (" in text
    assert "\033[" not in result.stdout  # no colour unless asked
    detail = run_cli(["advise", EXAMPLE, "--format", "text", "--detail"]).stdout
    assert detail.index("START NOW") < detail.index("RECOMMENDED") < detail.index("WARNINGS")


def test_json_report_follows_the_contract(run_cli):
    result = run_cli(["advise", EXAMPLE, "--format", "json"])
    assert result.exit_code == 0
    report = result.json()
    for key in ("recommendations", "warnings", "derived_facts", "plan", "kpis", "unanswered", "conflicts",
                "not_advised", "fired_rules", "summary", "business"):
        assert key in report
    assert report["recommendations"], "the example should get recommendations"
    for item in report["recommendations"] + report["warnings"]:
        assert set(item) >= {"id", "title", "because", "sources", "rank"}
        assert item["because"] and all(isinstance(r, str) for r in item["because"])
        assert item["sources"] and all(set(s) >= {"doc", "section"} for s in item["sources"])
    ranks = [item["rank"] for item in report["recommendations"]]
    assert ranks == list(range(1, len(ranks) + 1))
    fired = {r["id"] for r in report["fired_rules"]}
    for item in report["recommendations"] + report["warnings"]:
        assert set(item["because"]) <= fired


def test_markdown_report(run_cli):
    result = run_cli(["advise", EXAMPLE, "--format", "markdown"])
    assert result.exit_code == 0
    assert result.stdout.startswith("# Marketing advice for Lotus Leaf Tea")
    assert "| # | Channel or tactic |" in result.stdout


def test_profile_from_stdin(run_cli):
    text = Path(EXAMPLE).read_text()
    from_file = run_cli(["advise", EXAMPLE, "--format", "json"]).stdout
    from_stdin = run_cli(["advise", "-", "--format", "json"], input=text).stdout
    assert json.loads(from_file)["recommendations"] == json.loads(from_stdin)["recommendations"]


def test_output_file_and_format_from_suffix(run_cli, tmp_path):
    target = tmp_path / "report.md"
    result = run_cli(["advise", EXAMPLE, "-o", str(target)])
    assert result.exit_code == 0
    assert target.read_text().startswith("# Marketing advice")
    assert result.stdout == ""


def test_same_input_same_bytes(run_cli):
    for fmt in ("json", "text", "markdown"):
        first = run_cli(["advise", EXAMPLE, "--format", fmt]).stdout
        second = run_cli(["advise", EXAMPLE, "--format", fmt]).stdout
        assert first == second


def test_same_bytes_across_processes_and_cache_states(tmp_path):
    """A cold cache, a warm cache and no cache give byte-identical JSON."""
    outputs = []
    for env_extra in ({"ADVISOR_CACHE_DIR": str(tmp_path / "c")}, {"ADVISOR_CACHE_DIR": str(tmp_path / "c")},
                      {"ADVISOR_NO_CACHE": "1"}):
        env = dict(os.environ, **env_extra, PYTHONHASHSEED="random")
        done = subprocess.run([sys.executable, "-m", "advisor", "advise", EXAMPLE, "--format", "json"],
                              capture_output=True, env=env, cwd=str(ROOT), timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1] == outputs[2]


BAD_PROFILES = [
    ("not json", "E110", "not valid JSON"),
    ("[1, 2]", "E200", "profile is a list, not a JSON object"),
    ('"text"', "E200", "profile is a string"),
    ("42", "E200", "profile is a number"),
    ('{"price_levle": "low"}', "E201", "unknown field 'price_levle'"),
    ('{"price_level": "cheap"}', "E203", "'cheap' is not allowed; expected one of: low, medium, high, luxury"),
    ('{"price_level": 3}', "E203", "3 is not allowed"),
    ('{"months_online": "five"}', "E202", "'five' has the wrong type; expected a whole number"),
    ('{"months_online": 5000}', "E204", "5000 is out of range; expected a number from 0 to 600"),
    ('{"months_online": 2.5}', "E202", "2.5 has the wrong type"),
    ('{"viral_capability": "yes"}', "E202", "expected true or false"),
    ('{"offline_channels": "dealers"}', "E202", "expected a list of"),
    ('{"offline_channels": ["dealers", "shops"]}', "E203", "'shops' is not allowed"),
    ('{"offline_channels": ["dealers", "dealers"]}', "E205", "repeats a value"),
    ('{"price_level": "low", "price_level": "high"}', "E113", "key 'price_level' appears twice"),
    ('{"months_online": NaN}', "E112", "NaN is not a number JSON allows"),
    ('{"months_online": 1e999}', "E112", "too large"),
    ("", "E103", "file is empty"),
    ("[" * 5000, "E111", "nests"),
]


@pytest.mark.parametrize("text, code, message", BAD_PROFILES)
def test_bad_profiles_exit_2_with_one_line(run_cli, tmp_path, text, code, message):
    path = tmp_path / "profile.json"
    path.write_text(text)
    result = run_cli(["advise", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"advisor: {path}")
    assert f"[{code}]" in lines[0]
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def test_unknown_field_suggests_the_right_one(run_cli, tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{\n  "business_model": "B2C",\n  "prce_level": "low"\n}\n')
    result = run_cli(["advise", str(path)])
    assert result.stderr.strip() == (
        f"advisor: {path}:3:3: profile: unknown field 'prce_level'; expected a field of knowledge/fields.yaml "
        "(see `advisor fields`) (did you mean 'price_level'?) [E201]")


def test_every_unknown_field_is_named_at_once(run_cli, tmp_path):
    """A profile exported from another tool: one message names each unknown key, with the
    field it probably means (by spelling, or by being a part of a field's name)."""
    path = tmp_path / "p.json"
    path.write_text('{\n  "business_model": "B2C",\n  "budget": "small",\n  "shop_id": 7,\n  "prce_level": "low"\n}\n')
    result = run_cli(["advise", str(path)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.strip() == (
        f"advisor: {path}:3:3: profile: 3 unknown fields: 'budget' (did you mean 'marketing_budget'?), "
        "'prce_level' (did you mean 'price_level'?), 'shop_id'; expected a field of knowledge/fields.yaml "
        "(see `advisor fields`) [E201]")
    answers = tmp_path / "answers.yaml"
    answers.write_text("budget: small\nstage: launch\nprice_level: low\n")
    asked = run_cli(["ask", "--answers", str(answers), "--save", str(tmp_path / "out.json")], input="")
    assert asked.exit_code == 2 and asked.stderr.count("\n") == 1
    assert ("2 unknown fields: 'budget' (did you mean 'marketing_budget'?), "
            "'stage' (did you mean 'business_stage'?)") in asked.stderr
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("make, code, message", [
    (lambda p: p, "E100", "file not found"),
    (lambda p: (p.mkdir(), p)[1], "E100", "is a directory"),
    (lambda p: (p.write_bytes(b'{"name": "\xff\xfe"}'), p)[1], "E102", "not UTF-8"),
    (lambda p: (p.write_bytes(b"\x00\x01\x02binary"), p)[1], "E102", "binary data"),
])
def test_unreadable_profiles(run_cli, tmp_path, make, code, message):
    path = make(tmp_path / "profile.json")
    result = run_cli(["advise", str(path)])
    assert result.exit_code == 2
    assert f"[{code}]" in result.stderr and message in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_permission_denied(run_cli, tmp_path):
    path = tmp_path / "p.json"
    path.write_text("{}")
    path.chmod(0)
    result = run_cli(["advise", str(path)])
    assert result.exit_code == 2 and "cannot read file" in result.stderr


def test_malformed_rule_file_via_cli(run_cli, write_rules):
    folder = write_rules("area: x\ntitle: Broken rules\nrules:\n  - id: r\n    title: t\n")
    result = run_cli(["advise", EXAMPLE, "--rules", str(folder)])
    assert result.exit_code == 2
    assert "test.yaml:4:5" in result.stderr and "[E300]" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_rules_folder(run_cli, tmp_path):
    result = run_cli(["advise", EXAMPLE, "--rules", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "not found" in result.stderr


def test_extra_rules_are_added(run_cli, write_rules):
    folder = write_rules("""
        area: extra
        title: Extra rules
        rules:
          - id: extra-advice
            title: An extra rule from another rule base
            when: {field: business_model, equals: B2C}
            then: [{recommend: ad-alliance, strength: optional}]
            because: An extra rule written for a test of --extra-rules.
            source: {doc: "002", section: alliance}
    """)
    base = run_cli(["advise", EXAMPLE, "--format", "json"]).json()
    extra = run_cli(["advise", EXAMPLE, "--format", "json", "--extra-rules", str(folder)]).json()
    only = run_cli(["advise", EXAMPLE, "--format", "json", "--rules", str(folder)]).json()
    assert "ad-alliance" not in [r["id"] for r in base["recommendations"]]
    assert "ad-alliance" in [r["id"] for r in extra["recommendations"]]
    assert [r["id"] for r in only["recommendations"]] == ["ad-alliance"]
    assert extra["summary"]["rules_total"] == base["summary"]["rules_total"] + 1


def test_python_m_advisor_and_help():
    done = subprocess.run([sys.executable, "-m", "advisor", "--help"], capture_output=True, text=True, cwd=str(ROOT))
    assert done.returncode == 0
    assert "advise" in done.stdout and "Marketing advice" in done.stdout


def test_unknown_command_suggests(run_cli):
    result = run_cli(["advize", EXAMPLE])
    assert result.exit_code == 2
    assert "Did you mean 'advise'?" in result.stderr


def test_a_pipe_gets_the_same_format_as_a_terminal(run_cli):
    """No --format and no -o: text, whether or not standard output is a terminal (CliRunner's is not)."""
    piped = run_cli(["advise", EXAMPLE])
    assert piped.exit_code == 0
    assert piped.stdout == run_cli(["advise", EXAMPLE, "--format", "text"]).stdout
    assert piped.stdout.startswith("Marketing advice for Lotus Leaf Tea")


@pytest.mark.parametrize("args, message", [
    (["advise", EXAMPLE, "-o", "{tmp}/report.pdf"],
     "report.pdf: cannot write PDF files; expected one of: html (.html, .htm, .xhtml), json (.json), "
     "markdown (.md, .markdown), text (.txt, .text); write HTML (-o report.html) and print it to PDF from any "
     "browser: the page has a print stylesheet [E150]"),
    (["advise", EXAMPLE, "-o", "{tmp}/report.log"], "cannot write LOG files; expected one of: html"),
    (["advise", EXAMPLE, "-o", "{tmp}/report.html", "--format", "json"],
     "report.html: the name asks for html but --format asks for json; expected a file name ending in .json"),
    (["graph", EXAMPLE, "-o", "{tmp}/g.jpeg"], "cannot write JPEG files; expected one of: dot (.dot, .gv)"),
    (["explain", EXAMPLE, "seo", "-o", "{tmp}/why.md"], "cannot write MD files; expected one of: json (.json), text"),
    (["whatif", EXAMPLE, "--set", "price_level=high", "-o", "{tmp}/w.html"], "cannot write HTML files"),
    (["audit", "-o", "{tmp}/a.xml"], "expected one of: json (.json), sarif (.sarif), text (.txt)"),
    (["batch", EXAMPLE, "-o", "{tmp}/r.csv"], "cannot write CSV files; expected one of: JSON lines (.jsonl, .ndjson, "
                                             ".json) [E150]"),
])
def test_a_format_the_command_cannot_write_is_refused(run_cli, tmp_path, args, message):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = run_cli(args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_a_format_named_by_option_goes_into_any_plain_name(run_cli, tmp_path):
    target = tmp_path / "advice"
    result = run_cli(["advise", EXAMPLE, "-o", str(target), "--format", "json"])
    assert result.exit_code == 0 and json.loads(target.read_text())["business"]["name"] == "Lotus Leaf Tea"
    log = tmp_path / "advice.log"
    assert run_cli(["advise", EXAMPLE, "-o", str(log), "--format", "text"]).exit_code == 0
    assert log.read_text().startswith("Marketing advice for Lotus Leaf Tea")
