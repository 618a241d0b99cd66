"""`advisor batch` and advisor.report.batch: order, error records, exit statuses, --jobs, --fail-fast."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest
from conftest import ROOT

from advisor.api import advise
from advisor.kb.generate import random_profile
from advisor.report.batch import advise_many

BAD_CHOICE = '{"price_level": "cheap"}'
BAD_JSON = '{"price_level": '


def _profiles(kb, n, seed=1):
    rng = random.Random(seed)
    return [random_profile(kb.fields, rng) for _ in range(n)]


def _write(path, lines):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _cli(args, input=None):
    return subprocess.run([sys.executable, "-m", "advisor", *args], cwd=str(ROOT), input=input,
                          capture_output=True, timeout=300)


def test_reports_come_in_input_order_with_error_records_for_bad_lines(kb, tmp_path, run_cli):
    good = _profiles(kb, 5)
    source = _write(tmp_path / "in.jsonl", [json.dumps(good[0]), BAD_CHOICE, json.dumps(good[1]), "",
                                             BAD_JSON, *map(json.dumps, good[2:])])
    out = tmp_path / "out.jsonl"
    result = run_cli(["batch", str(source), "-o", str(out)])
    assert result.exit_code == 1  # some lines failed
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 7  # the blank line is skipped
    assert records[1] == {"line": 2, "error": {"code": "E203", "message": records[1]["error"]["message"]}}
    assert records[1]["error"]["message"].startswith(f"{source}:2: field 'price_level': 'cheap' is not allowed")
    assert records[3]["line"] == 5 and records[3]["error"]["code"] == "E110"
    reports = [records[0], records[2], *records[4:]]
    # each report is exactly what `advise` gives for that profile
    assert reports == [json.loads(json.dumps(advise(kb, p))) for p in good]
    # bad lines on standard error, with their line numbers, and a summary
    assert f"{source}:2:" in result.stderr and f"{source}:5:" in result.stderr
    assert "7 profiles: 5 advised, 2 failed" in result.stderr


def test_all_good_lines_exit_zero_and_stdout_by_default(kb, tmp_path, run_cli):
    source = _write(tmp_path / "in.jsonl", map(json.dumps, _profiles(kb, 3)))
    result = run_cli(["batch", str(source), "--quiet"])
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 3
    assert result.stderr == ""


def test_output_is_the_same_bytes_whatever_the_jobs(kb, tmp_path):
    lines = [json.dumps(p) for p in _profiles(kb, 150, seed=2)]
    lines[70] = BAD_CHOICE
    source = _write(tmp_path / "in.jsonl", lines)
    outputs = []
    for jobs in ("1", "2", "3", "0"):
        out = tmp_path / f"out{jobs}.jsonl"
        done = _cli(["batch", str(source), "-o", str(out), "--jobs", jobs, "-q"])
        assert done.returncode == 1, done.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2] == outputs[3]
    assert outputs[0].count(b"\n") == 150
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary files left behind


def test_fail_fast_stops_at_the_first_bad_line(kb, tmp_path, run_cli):
    good = [json.dumps(p) for p in _profiles(kb, 4)]
    source = _write(tmp_path / "in.jsonl", [good[0], good[1], BAD_CHOICE, good[2], BAD_JSON, good[3]])
    out = tmp_path / "out.jsonl"
    result = run_cli(["batch", str(source), "-o", str(out), "--fail-fast"])
    assert result.exit_code == 1
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 3 and records[2]["line"] == 3
    assert "stopped at the first bad line" in result.stderr
    assert f"{source}:5:" not in result.stderr


def test_standard_input_and_output(kb):
    profile = _profiles(kb, 1)[0]
    done = _cli(["batch", "-", "-q"], input=(json.dumps(profile) + "\n" + BAD_CHOICE + "\n").encode())
    assert done.returncode == 1
    first, second = done.stdout.decode().splitlines()
    assert json.loads(first)["business"]["answers"] == json.loads(json.dumps(advise(kb, profile)))["business"]["answers"]
    assert json.loads(second)["error"]["message"].startswith("<stdin>:2: ")


@pytest.mark.parametrize("make", ["missing", "folder"])
def test_unusable_input_exits_2_without_output(tmp_path, run_cli, make):
    source = tmp_path / "in.jsonl"
    if make == "folder":
        source.mkdir()
    out = tmp_path / "out.jsonl"
    result = run_cli(["batch", str(source), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "[E100]" in result.stderr
    assert not out.exists()


def test_undecodable_and_non_object_lines_are_error_records(tmp_path, run_cli):
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"price_level": "high"}\n{"name": "caf\xe9"}\n[1, 2]\n')
    out = tmp_path / "out.jsonl"
    assert run_cli(["batch", str(source), "-o", str(out), "-q"]).exit_code == 1
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert "report_version" in records[0]
    assert records[1]["error"]["code"] == "E102" and records[2]["error"]["code"] == "E200"


def test_advise_many_maps_profiles_to_reports(kb):
    good = _profiles(kb, 2, seed=5)
    items = [good[0], json.dumps(good[1]), {"price_level": "cheap"}]
    out = list(advise_many(items, kb))
    assert out[0] == advise(kb, good[0])
    assert out[1] == advise(kb, good[1])
    assert out[2]["line"] == 3 and out[2]["error"]["code"] == "E203"
    with pytest.raises(Exception) as caught:
        list(advise_many(items, kb, fail_fast=True))
    assert getattr(caught.value, "code", None) == "E203"


def test_output_to_a_device_is_written_through_not_replaced(kb, tmp_path, run_cli):
    import os
    import stat

    source = _write(tmp_path / "in.jsonl", [json.dumps(_profiles(kb, 1)[0]), BAD_CHOICE])
    result = run_cli(["batch", str(source), "-o", os.devnull, "--fail-fast", "-q"])
    assert result.exit_code == 1
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)  # still the device, not a file put in its place


def test_the_summary_counts_one_profile_in_the_singular(tmp_path, run_cli):
    source = tmp_path / "one.jsonl"
    source.write_text('{"business_model": "B2C"}\n', encoding="utf-8")
    result = run_cli(["batch", str(source), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 0
    assert "advisor: 1 profile: 1 advised, 0 failed in " in result.stderr


def _restricted(line: str, keys) -> str:
    """A full report line cut down to ``keys``, in the report's order, written as the batch writes."""
    report = json.loads(line)
    if "error" in report:
        return line
    return json.dumps({k: v for k, v in report.items() if k in keys}, ensure_ascii=False, separators=(",", ":"))


@pytest.mark.parametrize("keys", [("diagnosis", "next_moves"), ("fired_rules",), ("unanswered", "summary"),
                                  ("sequences", "recommendations", "business")])
def test_keys_write_the_same_values_as_the_whole_report(kb, tmp_path, run_cli, keys):
    examples = [p.read_text(encoding="utf-8").replace("\n", " ") for p in sorted((ROOT / "examples").glob("*.json"))]
    source = _write(tmp_path / "in.jsonl", examples + [json.dumps(p) for p in _profiles(kb, 20, seed=4)]
                    + [BAD_CHOICE])
    whole, part = tmp_path / "whole.jsonl", tmp_path / "part.jsonl"
    assert run_cli(["batch", str(source), "-o", str(whole), "-q"]).exit_code == 1
    assert run_cli(["batch", str(source), "-o", str(part), "-q", "--keys", ",".join(keys)]).exit_code == 1
    lines = whole.read_text(encoding="utf-8").splitlines()
    assert part.read_text(encoding="utf-8").splitlines() == [_restricted(line, keys) for line in lines]
    first = json.loads(part.read_text(encoding="utf-8").splitlines()[0])
    assert set(first) == set(keys)


def test_keys_left_out_are_not_worked_out(kb, monkeypatch):
    """Leaving out the unanswered questions, the fired rules and the diagnosis skips their work."""
    from advisor.report import build

    def refuse(*args, **kwargs):
        raise AssertionError("worked out a key that was not asked for")

    monkeypatch.setattr(build, "unanswered_fields", refuse)
    monkeypatch.setattr(build, "diagnosis", refuse)
    profiles = _profiles(kb, 5, seed=6)
    reports = list(advise_many(profiles, kb, keys=["summary", "next_moves", "recommendations"]))
    assert all(list(r) == ["summary", "next_moves", "recommendations"] for r in reports)
    assert reports[0]["recommendations"] and reports[0]["recommendations"][0]["next"]
    with pytest.raises(AssertionError):
        list(advise_many(profiles, kb, keys=["unanswered"]))
    with pytest.raises(AssertionError):
        list(advise_many(profiles, kb, keys=["diagnosis"]))
    # the fired rules' matches are not read either
    from advisor.kb.model import Firing

    monkeypatch.setattr(Firing, "fact_keys", refuse)
    assert list(advise_many(profiles[:1], kb, keys=["summary"]))[0]["summary"]["rules_fired"] > 0


def test_an_unknown_key_is_a_usage_error_naming_the_keys(tmp_path, run_cli):
    source = _write(tmp_path / "in.jsonl", ['{"business_model": "B2C"}'])
    result = run_cli(["batch", str(source), "--keys", "summary,diagnosys"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "'diagnosys' is not a key of the report (did you mean diagnosis?)" in result.stderr
    assert "next_moves" in result.stderr and "Traceback" not in result.stderr
    empty = run_cli(["batch", str(source), "--keys", " , "])
    assert empty.exit_code == 2 and "no key given" in empty.stderr
