"""The report's fast paths give what the plain paths give: the batch's compact JSON text, the
advice an explanation reads (build_report(whole=False)), the moves' early-stopping choice."""

from __future__ import annotations

import json
import random

from conftest import ROOT

from advisor.explain import analyse
from advisor.inference import as_profile, infer
from advisor.kb.generate import random_profile
from advisor.report import build_report
from advisor.report.batch import compact_json


def _profiles(kb, n=40, seed=3):
    rng = random.Random(seed)
    examples = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.json"))]
    return examples + [random_profile(kb.fields, rng) for _ in range(n)]


def test_compact_json_is_json_dumps(kb):
    for data in _profiles(kb):
        profile = as_profile(kb, data)
        report = build_report(kb, profile, infer(kb, profile))
        assert compact_json(report) == json.dumps(report, ensure_ascii=False, separators=(",", ":"))


def test_compact_json_sees_a_changed_entry(kb):
    profile = as_profile(kb, json.loads((ROOT / "examples" / "tea-shop.json").read_text(encoding="utf-8")))
    report = build_report(kb, profile, infer(kb, profile))
    entry = report["recommendations"][0]
    del entry["kind"]  # its leading keys are no longer those its kept text stands for
    entry["kind"] = "changed"
    report["warnings"].append({"id": "plain"})
    text = compact_json(report)
    assert text == json.dumps(report, ensure_ascii=False, separators=(",", ":"))
    assert json.loads(text)["recommendations"][0]["kind"] == "changed"


def test_the_advice_is_the_report_without_questions_and_firings(kb):
    for data in _profiles(kb, n=10):
        run = analyse(kb, data)
        advice = run.advice
        whole = build_report(kb, run.profile, run.inference)
        assert "unanswered" not in advice and "fired_rules" not in advice
        assert advice == {key: value for key, value in whole.items() if key not in ("unanswered", "fired_rules")}
        assert list(advice) == [key for key in whole if key in advice]
        assert run.report == whole and run.advice is run.report  # once built, the whole report serves both
