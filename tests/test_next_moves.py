"""The diagnosis and next moves, across every example (issue 14's acceptance): as many moves as the
capacity allows, none contradicting an answer, every stated goal served or its reason given, moves that
differ from business to business, a one-person shop's diagnosis on one screen, and the owner's report
free of engine talk."""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys

import pytest
from conftest import EXAMPLES, ROOT

from advisor.api import advise
from advisor.inference import evaluate3
from advisor.report import MOVES

STEMS = sorted(p.stem for p in EXAMPLES.glob("*.json"))


@pytest.fixture(scope="module")
def reports(kb):
    return {stem: advise(kb, json.loads((EXAMPLES / f"{stem}.json").read_text())) for stem in STEMS}


def _runs(kb, practice: str, answers: dict) -> bool:
    return evaluate3(kb.practices[practice], answers, {}, lambda test: False) is True


def test_next_moves_are_as_many_as_the_capacity_allows(reports):
    for stem, report in reports.items():
        d = report["diagnosis"]
        allowed = MOVES[d["capacity"]["level"]]
        assert d["capacity"]["moves"] == allowed
        assert 1 <= len(report["next_moves"]) <= allowed, stem
        assert [m["id"] for m in d["moves"]] == report["next_moves"]
        advised = {e["id"] for e in report["recommendations"] + report["plan"]}
        assert set(report["next_moves"]) <= advised, stem
        assert len(report["next_moves"]) == len(set(report["next_moves"]))


def test_one_person_on_a_small_budget_starts_with_three_moves(reports):
    thin = [stem for stem, r in reports.items() if r["business"]["answers"].get("marketing_staff", 9) <= 1
            and r["business"]["answers"].get("marketing_budget") in ("none", "small")]
    assert len(thin) >= 5
    for stem in thin:
        assert reports[stem]["diagnosis"]["capacity"]["level"] == "thin", stem
        assert len(reports[stem]["next_moves"]) == 3, stem


def test_no_advice_continues_a_practice_the_business_does_not_run(reports, kb):
    """An item whose catalog entry presupposes a practice (its own site, paid promotion, a WeChat account)
    is advised only to a business that runs it, or marked as starting it - moves and the rest alike."""
    for stem, report in reports.items():
        answers = report["business"]["answers"]
        for entry in report["recommendations"] + report["plan"]:
            practice = kb.catalog.item(entry["id"]).get("presupposes")
            if practice and not _runs(kb, practice, answers):
                assert entry["start"] == practice, (stem, entry["id"], practice)
        for move in report["diagnosis"]["moves"]:
            practice = kb.catalog.item(move["id"]).get("presupposes")
            if practice and not _runs(kb, practice, answers):
                assert move["start"] == practice, (stem, move["id"])


def test_every_stated_goal_is_served_by_a_move_or_its_reason_is_given(reports):
    served_by_moves = 0
    for stem, report in reports.items():
        stated = report["business"]["answers"].get("promotion_goals", [])
        goals = {g["goal"]: g for g in report["diagnosis"]["goals"]}
        assert set(goals) == set(stated), stem
        for goal in stated:
            entry = goals[goal]
            moves = [m for m in report["diagnosis"]["moves"] if goal in m["goals"]]
            assert entry["moves"] == [m["id"] for m in moves], (stem, goal)
            assert entry["moves"] or entry["reason"], (stem, goal)
        served_by_moves += all(goals[g]["moves"] for g in stated)
    assert served_by_moves >= 0.8 * len(reports), "nearly every example has a move for each of its goals"


def test_moves_differ_from_business_to_business(reports):
    """The mean pairwise overlap (shared items / items of either) of the first five moves stays low."""
    firsts = {stem: set(r["next_moves"][:5]) for stem, r in reports.items()}
    pairs = list(itertools.combinations(sorted(firsts), 2))
    overlap = sum(len(firsts[a] & firsts[b]) / len(firsts[a] | firsts[b]) for a, b in pairs) / len(pairs)
    print(f"\nmean pairwise overlap (Jaccard) of the first five next moves over {len(firsts)} examples: "
          f"{overlap:.3f}")
    assert overlap < 0.25
    # SEO is essential to the many examples with an own site not optimised throughout (003: "the first")
    everywhere = [item for item in set().union(*firsts.values())
                  if sum(item in moves for moves in firsts.values()) > 0.6 * len(firsts)]
    assert not everywhere, f"moves in most businesses' first five: {everywhere}"


def test_a_repeat_goal_with_customers_who_buy_once_gets_retention_moves(kb):
    """004 maintenance-channel: the low return rate is the problem the business came with."""
    profile = json.loads((EXAMPLES / "mug-maker.json").read_text())
    assert profile["purchase_frequency"] == "one_off" and "repeat_purchases" in profile["promotion_goals"]
    report = advise(kb, profile)
    recommended = {e["id"] for e in report["recommendations"]}
    assert {"repeat-purchase-programme", "email", "customer-care"} <= recommended
    assert "neglecting-repeat-customers" in {e["id"] for e in report["warnings"]}
    assert any("repeat_purchases" in m["goals"] for m in report["diagnosis"]["moves"])


def test_a_sequence_keeps_the_item_and_puts_the_fix_first(reports):
    """001: first fix the hard-sell content, then relay it through opinion leaders - not a veto."""
    report = reports["car-dealer"]
    leaders = next(e for e in report["recommendations"] if e["id"] == "opinion-leaders")
    assert leaders["waits_for"] == ["hard-ads-on-social"]
    assert "opinion-leaders" not in report["next_moves"]
    assert leaders["next"]["place"] != "move"
    assert "opinion-leaders" not in {e["id"] for e in report["not_advised"]}
    (sequence,) = [q for q in report["sequences"] if q["item"] == "opinion-leaders"]
    assert sequence["after"] == "hard-ads-on-social" and "interesting-content" in sequence["fixed_by"]
    assert sequence["reason"].startswith("first fix broadcasting hard ads on social media, then opinion leaders")


def test_what_the_business_is_about_to_start_comes_now(kb):
    base = json.loads((EXAMPLES / "mug-maker.json").read_text())
    plain = advise(kb, base)
    planned = advise(kb, dict(base, plans_to_start=["own_site", "paid_promotion"]))
    groups = {g["practice"]: g for g in planned["diagnosis"]["starting"]}
    assert groups["own_site"]["intended"] and {"customer-experience-site", "seo", "plan-site-construction"} <= set(
        groups["own_site"]["items"])
    assert groups["paid_promotion"]["intended"] and "decide-primary-requirement" in groups["paid_promotion"]["items"]
    assert not {g["practice"] for g in plain["diagnosis"]["starting"] if g["intended"]}
    seo = next(e for e in planned["recommendations"] if e["id"] == "seo")
    assert seo["start"] == "own_site" and seo["notes"][0].startswith("When you start your site")


def test_a_plan_for_something_the_business_runs_changes_nothing(kb):
    profile = json.loads((EXAMPLES / "tea-shop.json").read_text())  # it has its own site
    assert advise(kb, dict(profile, plans_to_start=["own_site"]))["recommendations"] == \
        advise(kb, dict(profile, plans_to_start=[]))["recommendations"]


# --------------------------------------------------------------------------- renderings


def _text(run_cli, stem: str, *args: str) -> str:
    result = run_cli(["advise", str(EXAMPLES / f"{stem}.json"), "--width", "100", *args])
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("stem", ["mug-maker", "tea-shop", "handmade-jewellery", "baby-food", "snack-store"])
def test_a_one_person_shop_sees_its_diagnosis_and_moves_on_one_screen(run_cli, stem):
    lines = _text(run_cli, stem).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("START NOW"))
    end = next(i for i, line in enumerate(lines) if i > start and line.startswith(("YOUR GOALS", "WHEN YOU", "THEN")))
    assert end <= 40, f"{stem}: the moves end on line {end}"
    assert lines[0].startswith("Marketing advice for") and any(line == "WHERE YOU STAND" for line in lines[:5])


def test_the_owners_report_holds_no_engine_talk_and_detail_holds_it_all(run_cli, reports, tmp_path):
    report = reports["tea-shop"]
    rule_ids = {r["id"] for r in report["fired_rules"]}
    for args in ((), ("-f", "markdown")):
        text = _text(run_cli, "tea-shop", *args)
        words = set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", text))
        assert not words & rule_ids, (args, sorted(words & rule_ids)[:5])
        assert "priority" not in text.lower() and "rules applied" not in text
    detail = _text(run_cli, "tea-shop", "--detail")
    assert "rules applied" in detail and "priority" in detail
    assert all(f"rules: {', '.join(e['because'])}" in detail.replace("\n     ", " ")
               for e in report["recommendations"][:3])
    page = tmp_path / "r.html"
    assert run_cli(["advise", str(EXAMPLES / "tea-shop.json"), "-o", str(page)]).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert "rules applied" not in html and "Rules: " not in html


def test_the_html_page_opens_with_the_diagnosis_and_draws_the_reasoning_after(run_cli, tmp_path):
    page = tmp_path / "r.html"
    assert run_cli(["advise", str(EXAMPLES / "mug-maker.json"), "-o", str(page)]).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert html.index('id="diagnosis"') < html.index('id="moves"') < html.index('id="recommendations"')
    if 'id="overview"' in html:
        assert html.index('id="recommendations"') < html.index('id="overview"')


# --------------------------------------------------------------------------- the pager


def _spawn(args: list[str], env: dict, rows: int = 24):
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(sys.executable, ["-m", "advisor", *args], env=env, cwd=str(ROOT), encoding="utf-8",
                          dimensions=(rows, 100), timeout=60)
    child.expect(pexpect.EOF)
    child.close()
    return child.before, child.exitstatus


@pytest.fixture
def pager_env(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), PAGER="sed s/^/PAGED:/", ADVISOR_CACHE_DIR=str(tmp_path / "c"))
    env.pop("LESS", None)
    return env


def test_a_long_report_on_a_terminal_goes_through_the_pager(pager_env):
    out, status = _spawn(["advise", "examples/mug-maker.json"], pager_env)
    assert status == 0 and "PAGED:Marketing advice for Clay Corner Mugs" in out


def test_no_pager_when_asked_not_to_when_the_report_fits_or_in_a_pipe(pager_env):
    out, status = _spawn(["advise", "examples/mug-maker.json", "--no-pager"], pager_env)
    assert status == 0 and "PAGED:" not in out and "Marketing advice for Clay Corner Mugs" in out
    out, status = _spawn(["advise", "examples/mug-maker.json"], pager_env, rows=1000)
    assert status == 0 and "PAGED:" not in out
    piped = subprocess.run([sys.executable, "-m", "advisor", "advise", "examples/mug-maker.json"], cwd=str(ROOT),
                           env=pager_env, capture_output=True, text=True, timeout=60)
    assert piped.returncode == 0 and "PAGED:" not in piped.stdout and piped.stdout.startswith("Marketing advice")
