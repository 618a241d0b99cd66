"""The shipped knowledge base's interview: short for a small business, and losing no advice.

The planner (advisor/interview/planner.py) asks a question only if its answer can
still change an item of the advice (advisor/inference/outcomes.py) and its ``ask_if`` is
not false. How short the
interview is therefore depends on the knowledge base: its checklists, its
``ask_if`` gates, and rules that read a field only where its question is asked.
These tests hold the knowledge base to that.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.inference.reference import ReferenceEvaluator
from advisor.interview.planner import ADVICE_KINDS, Planner
from advisor.interview.state import Interview

EXAMPLE_PATHS = sorted(EXAMPLES.glob("*.json"))

#: A typical small business, every question answered: one person selling cheap goods in a
#: marketplace store, just launched, a small budget, no shops, no social accounts, no WeChat.
SMALL_SHOP: dict[str, Any] = dict(
    market="cn", business_model="B2C", product_type="physical_goods", price_level="low", purchase_frequency="occasional",
    business_stage="launch", months_online=4, marketing_budget="small", marketing_staff=1,
    brand_awareness="unknown", counts_on_viral=False, viral_capability=False, competition="intense",
    storefront="marketplace", offline_channels=[], online_offline=[], site_experience="basic", seo="none",
    live_chat="people", audience_online_shoppers="most", audience_hangouts=["shopping_guides", "messenger"],
    social_accounts=[], social_content="ads", promotion_goals=["online_purchases", "repeat_purchases"],
    primary_goal="online_purchases", ad_payment="per_click", upcoming_events=["shopping_festival"],
    marketing_practices=["know_customers"], customer_database="orders", customer_count=300,
    repeat_customer_share=10, customer_service=["instant_messaging"], customer_care=False,
    messenger_purpose="none", messenger_account="none", messenger_months=0, messenger_practices=[],
    complementary_partners=False, plans_to_start=[],
)

#: Why each of these does not apply to the small shop (the gates of knowledge/fields.yaml).
NOT_FOR_THE_SMALL_SHOP = {
    "months_online": "the stage is given",
    "viral_capability": "a brand hardly anyone knows has no reach to steer a spread with",
    "online_offline": "no offline channels",
    "site_experience": "no own website", "seo": "no own website",
    "social_content": "no social accounts",
    "primary_goal": "the goals name a single result a promotion can deliver",
    "customer_count": "order records only", "customer_care": "order records only",
    "repeat_customer_share": "just launched",
    "messenger_account": "no WeChat", "messenger_months": "no WeChat", "messenger_practices": "no WeChat",
    "complementary_partners": "no WeChat",
}


def _play(kb, answers: dict[str, Any]) -> list[str]:
    return Interview(Planner(kb)).play(answers)


def _example(stem: str) -> dict[str, Any]:
    data = json.loads((EXAMPLES / f"{stem}.json").read_text())
    return {k: v for k, v in data.items() if k != "name"}


def test_the_scripted_small_shop_answers_every_question(kb):
    assert set(SMALL_SHOP) == set(kb.fields.names())


def test_a_typical_small_business_is_asked_under_70_percent_of_the_fields(kb):
    asked = _play(kb, SMALL_SHOP)
    assert len(asked) < 0.7 * len(kb.fields.fields), (len(asked), asked)
    assert not set(asked) & set(NOT_FOR_THE_SMALL_SHOP), sorted(set(asked) & set(NOT_FOR_THE_SMALL_SHOP))


# lift-maker: equipment sold cheaply (parts, small tools) is not a high-value product (004:9, 004:27
# name large, expensive items), so its price is asked - one question more than before.
@pytest.mark.parametrize("stem, share", [("home-repair", 0.62), ("tea-shop", 0.78), ("snack-store", 0.78),
                                         ("online-course", 0.92), ("lift-maker", 0.72), ("secondhand-platform", 0.7),
                                         ("luxury-watches", 0.76), ("custom-furniture", 0.87), ("b2b2c-mall", 0.9),
                                         ("travel-agency", 0.9), ("car-dealer", 0.92), ("fashion-brand", 0.97)])
def test_the_bundled_small_businesses_are_asked_fewer_questions_than_there_are_fields(kb, stem, share):
    """Scripted as `advisor ask --answers` does: answers missing from the profile are "don't know"."""
    asked = _play(kb, _example(stem))
    assert len(asked) < share * len(kb.fields.fields), (stem, len(asked), asked)


def test_counts_on_viral_is_asked_before_viral_capability(kb):
    """The two belong together, the plan before the means to steer it (wherever the means can
    still change the advice: a known brand that might steer buzz, or one counting on a viral hit)."""
    both = 0
    for path in EXAMPLE_PATHS:
        asked = _play(kb, _example(path.stem))
        if "viral_capability" in asked:
            both += 1
            assert asked.index("counts_on_viral") < asked.index("viral_capability"), (path.stem, asked)
    assert both, "no example is asked whether it can steer a viral spread"


@pytest.mark.parametrize("path", EXAMPLE_PATHS, ids=[p.stem for p in EXAMPLE_PATHS])
def test_the_interview_gives_the_advice_of_the_full_profile(run_cli, path):
    """Questions left out (not applicable, or unable to change the advice) lose nothing."""
    asked = run_cli(["ask", "--answers", str(path), "-f", "json"]).json()
    full = run_cli(["advise", str(path), "-f", "json"]).json()

    def advice(report: dict, key: str) -> list:
        return [(e.get("id", e.get("item")), e.get("strength"), e.get("severity"), e.get("outcome"))
                for e in report[key]]

    for key in ("recommendations", "warnings", "not_advised", "plan", "kpis", "conflicts"):
        assert advice(asked, key) == advice(full, key), (path.stem, key)


@pytest.mark.parametrize("path", EXAMPLE_PATHS, ids=[p.stem for p in EXAMPLE_PATHS])
def test_examples_hold_no_answer_to_a_question_that_does_not_apply(kb, path):
    """The examples look like what an interview saves: no answer whose ask_if is false."""
    answers = {k: v for k, v in json.loads(path.read_text()).items() if k != "name"}
    missing = [name for name in kb.fields.names() if name not in answers]
    assert [name for name in Planner(kb).inapplicable_answers(answers, missing) if name in answers] == []


def _value(f, draw) -> Any:
    if f.type == "choice":
        return draw(st.sampled_from(f.choice_ids()))
    if f.type == "multi":
        return draw(st.lists(st.sampled_from(f.choice_ids()), unique=True))
    if f.type == "boolean":
        return draw(st.booleans())
    return draw(st.sampled_from([0, 1, 2, 5, 11, 12, 24, 100, 499, 500, 9000]))


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_an_answer_to_a_question_that_does_not_apply_never_changes_the_advice(kb, data):
    """Rules read a field only where its ask_if lets the interview ask it.

    The interview never asks a question whose ask_if is false, but a hand-written
    profile may still answer it; `advisor advise` must then give the same advice as
    without that answer, or the interview and the profile would disagree.
    """
    planner = Planner(kb)
    evaluator = ReferenceEvaluator(kb.rules)
    advice = {r.id for r in kb.rules.rules if any(c.kind in ADVICE_KINDS for c in r.then)}
    profile = {f.id: _value(f, data.draw) for f in kb.fields.fields if data.draw(st.booleans())}
    unanswered = [name for name in kb.fields.names() if name not in profile]
    fired = set(evaluator.run(profile).fired) & advice
    for name in planner.inapplicable_answers(profile, unanswered):
        if name not in profile:
            continue
        without = {k: v for k, v in profile.items() if k != name}
        assert set(evaluator.run(without).fired) & advice == fired, (name, profile)


def test_an_unanswered_checklist_is_unknown_not_none(kb):
    """A checklist answered with nothing ticked says "none of these"; one left out says nothing."""
    from advisor.api import advise

    base = {"business_model": "B2C", "storefront": "own_site", "marketing_budget": "small"}

    def warnings(profile: dict) -> set[str]:
        return {w["id"] for w in advise(kb, profile)["warnings"]}

    assert not {"unknown-audience", "neglecting-soft-marketing"} & warnings(base)
    assert {"unknown-audience", "neglecting-soft-marketing"} <= warnings({**base, "marketing_practices": []})
    assert not {"unknown-audience", "neglecting-soft-marketing"} & warnings(
        {**base, "marketing_practices": ["know_customers", "soft_articles"]})
