"""The report's fast paths give what the plain paths give: the batch's compact JSON text, the
advice an explanation reads (build_report(whole=False)), the moves' early-stopping choice."""

from __future__ import annotations

import json
import random

import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.explain import analyse
from advisor.inference import as_profile, infer
from advisor.kb.generate import random_profile
from advisor.report import batch, build_report
from advisor.report.batch import compact_json


def _profiles(kb, n=40, seed=3):
    rng = random.Random(seed)
    examples = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.json"))]
    return examples + [random_profile(kb.fields, rng) for _ in range(n)]


@pytest.fixture(params=["orjson", "standard library"])
def encoder(request, monkeypatch):
    """compact_json with orjson (when installed) and without it."""
    if request.param == "orjson":
        pytest.importorskip("orjson")
    else:
        monkeypatch.setattr(batch, "_orjson_dumps", None)
    return request.param


def test_compact_json_is_json_dumps(kb, encoder):
    for data in _profiles(kb):
        profile = as_profile(kb, data)
        report = build_report(kb, profile, infer(kb, profile))
        assert compact_json(report) == json.dumps(report, ensure_ascii=False, separators=(",", ":"))
        assert batch.indented_json(report) == json.dumps(report, indent=2, ensure_ascii=False)


_STANDARD = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_scalars = (st.none() | st.booleans() | st.integers(min_value=-(2 ** 70), max_value=2 ** 70)
            | st.floats(allow_nan=True, allow_infinity=True) | st.text())


@settings(max_examples=300, deadline=None)
@given(answers=st.dictionaries(st.text(max_size=8), _scalars | st.lists(_scalars, max_size=3), max_size=6),
       facts=st.lists(_scalars, max_size=4), title=st.text())
def test_compact_json_writes_any_value_as_the_standard_library_does(answers, facts, title):
    """Floats in exponent form, infinities, integers beyond 64 bits, unpaired surrogates, control
    characters: whichever encoder writes the report, the text is the standard library's."""
    report = {"business": {"name": title, "answers": answers},
              "recommendations": [{"id": "x", "title": title}],
              "derived_facts": [{"name": "f", "value": v} for v in facts]}
    assert compact_json(report) == _STANDARD(report)
    assert batch.indented_json(report) == json.dumps(report, indent=2, ensure_ascii=False)


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


def test_report_keys_name_every_key_of_a_report_in_its_order(kb):
    from advisor.report import REPORT_KEYS

    for data in _profiles(kb, n=5):
        profile = as_profile(kb, data)
        assert tuple(build_report(kb, profile, infer(kb, profile))) == REPORT_KEYS


def test_the_advice_is_the_report_without_questions_and_firings(kb):
    for data in _profiles(kb, n=10):
        run = analyse(kb, data)
        advice = run.advice
        whole = build_report(kb, run.profile, run.inference)
        assert "unanswered" not in advice and "fired_rules" not in advice
        assert advice == {key: value for key, value in whole.items() if key not in ("unanswered", "fired_rules")}
        assert list(advice) == [key for key in whole if key in advice]
        assert run.report == whole and run.advice is run.report  # once built, the whole report serves both


def test_reports_do_not_depend_on_what_was_built_before(kb):
    """The words and parts remembered per knowledge base (items, rank words, the reasons of items that
    wait) are keyed by all they depend on: a report is the same whatever reports came before it, in
    either language."""
    from advisor.i18n import use_language
    from advisor.kb import load_knowledge_base, localize

    profiles = _profiles(kb, n=25, seed=9)

    def reports(order, lang):
        fresh = localize(load_knowledge_base(), lang)
        with use_language(lang):
            built = {}
            for index in order:
                profile = as_profile(fresh, profiles[index])
                built[index] = json.dumps(build_report(fresh, profile, infer(fresh, profile)), ensure_ascii=False)
        return built

    forward = list(range(len(profiles)))
    for lang in ("en", "zh"):
        assert reports(forward, lang) == reports(forward[::-1], lang)
