"""The interview's logic (advisor.interview.planner): what is asked, what is skipped, in which order, and why.

Most tests use the hand-written knowledge base of tests/ask_kit.py, where which
questions matter can be worked out by hand. Property tests check with the
report itself (advisor.api.advise) that a question the planner skips cannot
change the advice, on that base, the shipped one and a generated one full of
conflicts, and that the questions it asks can.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from ask_kit import FIELDS, write_kb
from conftest import EXAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st
from planner_kit import advice_of, write_disputed_rules

from advisor.api import advise
from advisor.inference.profile import validate_answers
from advisor.interview.planner import Planner
from advisor.interview.state import Interview
from advisor.kb.knowledge_base import load_knowledge_base


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    knowledge, rules = write_kb(tmp_path_factory.mktemp("toy"))
    return load_knowledge_base(knowledge, [rules], use_cache=False)


@pytest.fixture(scope="module")
def planner(toy):
    return Planner(toy)


# --------------------------------------------------------------------------- skipping


def test_a_field_no_rule_uses_is_never_asked(planner):
    assessment = planner.assess({})
    assert "mood" not in assessment.askable and "mood" not in assessment.waiting
    assert "mood" not in assessment.stakes


def test_price_is_irrelevant_once_the_shop_sells_goods(planner):
    # expensive-services-in-person needs sells=services AND price=high: goods decides it, price cannot matter
    before = planner.assess({})
    assert before.stakes["price"] == {"expensive-services-in-person"}
    after = planner.assess({"sells": "goods"})
    assert "price" not in after.stakes and "price" not in after.askable
    assert "expensive-services-in-person" in after.decided


def test_price_matters_when_the_shop_sells_services(planner):
    assessment = planner.assess({"sells": "services"})
    assert "price" in assessment.askable
    assert assessment.stakes["price"] == {"expensive-services-in-person"}


def test_dont_know_counts_as_unanswered(planner):
    # a test on a skipped field is false, as in the engine: sells=services can no longer hold
    assessment = planner.assess({}, skipped={"sells"})
    assert "price" not in assessment.stakes


def test_irrelevance_through_a_derived_fact(planner):
    # audience has no ask_if; it only matters through `online`, which no rule can derive without a site
    assessment = planner.assess({"has_site": False})
    assert "audience" not in assessment.stakes
    assert "site_quality" in assessment.inapplicable  # its ask_if (has_site = true) is false
    with_site = planner.assess({"has_site": True})
    assert with_site.stakes["audience"] == {"young-audience"}
    assert "site_quality" in with_site.askable


def test_an_ask_if_on_a_derived_fact(tmp_path):
    # audience asked only for shops that are online (a derived fact): has_site=false closes it
    fields = FIELDS.replace("    question: Who visits your website?\n",
                            "    question: Who visits your website?\n    ask_if: {fact: online}\n")
    knowledge, rules = write_kb(tmp_path, fields=fields)
    planner = Planner(load_knowledge_base(knowledge, [rules], use_cache=False))
    assert "audience" in planner.assess({}).waiting
    assert "audience" in planner.assess({"has_site": False}).inapplicable
    assert "audience" in planner.assess({"has_site": True}).askable
    interview = Interview(planner)
    interview.answer("has_site", True)
    interview.answer("audience", "young")
    assert interview.answer("has_site", False) == ["audience"]


MOOD_FIXES_SITE = """
  - id: good-mood-fixes-site
    title: A good mood is the time to fix the site
    when: {field: mood, equals: true}
    then:
      - recommend: fix-site
        strength: STRENGTH
    because: Fixing a site needs energy.
    source: {doc: "000", section: all}
"""


@pytest.mark.parametrize("strength, asked", [("moderate", False), ("strong", True)])
def test_a_question_that_can_only_add_a_reason_is_not_asked(tmp_path, strength, asked):
    """Once fix-poor-site recommends fixing the site (moderate), a second rule recommending it
    changes nothing unless it would make the recommendation stronger."""
    from ask_kit import RULES

    knowledge, rules = write_kb(tmp_path, rules=RULES + MOOD_FIXES_SITE.replace("STRENGTH", strength))
    planner = Planner(load_knowledge_base(knowledge, [rules], use_cache=False))
    assert "mood" in planner.assess({}).askable
    assessment = planner.assess({"has_site": True, "site_quality": "poor"})
    assert ("mood" in assessment.askable) is asked
    assert ("good-mood-fixes-site" in assessment.decided) is False  # the rule itself is still undecided
    if asked:
        assert [(s.kind, s.item) for s in planner.stakes_of("mood", assessment)] == [("recommend", "fix-site")]


def test_a_question_that_opens_another_inherits_its_stakes(planner):
    assessment = planner.assess({})
    assert assessment.waiting == ("site_quality",)  # waits for has_site
    assert assessment.stakes["has_site"] == {"fix-poor-site", "young-audience"}


def test_a_small_shop_is_asked_four_of_eight_questions(planner):
    interview = Interview(planner)
    asked = interview.play({"sells": "goods", "price": "high", "staff": 1, "channels": [], "has_site": False,
                            "audience": "young", "mood": True})
    assert asked == ["sells", "staff", "channels", "has_site"]
    assert interview.to_profile() == {"sells": "goods", "staff": 1, "channels": [], "has_site": False}


def test_every_relevant_question_is_asked_in_order(planner):
    interview = Interview(planner)
    asked = interview.play({"sells": "services", "price": "high", "staff": 3, "channels": ["dealers"],
                            "has_site": True, "site_quality": "poor", "audience": "young"})
    # the shop group first (four rules at stake against two); inside it, questions whose likely
    # (default) answer settles a rule come first: sells, staff, channels, then price (no default).
    # Then the website: has_site (two rules) before the questions it opens.
    assert asked == ["sells", "staff", "channels", "price", "has_site", "site_quality", "audience"]


def test_a_rule_base_nothing_can_change_asks_nothing(tmp_path):
    knowledge, rules = write_kb(tmp_path, rules="""
        area: always
        title: Advice that needs no answers
        rules:
          - id: always
            title: Always
            then: [{recommend: fix-site}]
            because: This holds whatever the answers are.
            source: {doc: "000", section: all}
    """)
    kb = load_knowledge_base(knowledge, [rules], use_cache=False)
    assert Interview(Planner(kb)).next_question() is None


# --------------------------------------------------------------------------- progress, back, edit, pruning


def test_progress_counts_the_questions_still_possible(planner):
    interview = Interview(planner)
    first = interview.next_question()
    assert (first.field.id, first.number, first.about) == ("sells", 1, 7)  # 6 askable + site_quality waiting
    interview.answer("sells", "goods")  # price no longer matters
    second = interview.next_question()
    assert (second.number, second.about) == (2, 6)


def test_back_asks_the_last_question_again_with_its_answer(planner):
    interview = Interview(planner)
    interview.answer("sells", "services")
    assert interview.back() == "sells"
    again = interview.next_question()
    assert (again.field.id, again.number, again.current, again.revisit) == ("sells", 1, "services", True)
    interview.answer("sells", "goods")
    assert interview.next_question().field.id == "staff"


def test_back_at_the_start_does_nothing(planner):
    interview = Interview(planner)
    assert interview.back() is None
    assert interview.next_question().field.id == "sells"


def test_an_answer_that_no_longer_applies_is_removed(planner):
    interview = Interview(planner)
    interview.answer("has_site", True)
    interview.answer("site_quality", "poor")
    dropped = interview.answer("has_site", False)
    assert dropped == ["site_quality"]
    assert "site_quality" not in interview.answers and "site_quality" not in interview.history


def test_edit_revisits_chosen_answers_first(planner):
    interview = Interview(planner)
    interview.play({"sells": "goods", "staff": 1, "channels": [], "has_site": False})
    interview.edit(["staff"])
    question = interview.next_question()
    assert (question.field.id, question.current) == ("staff", 1)


# --------------------------------------------------------------------------- saved profiles


def test_saved_profile_is_a_valid_profile_and_resumes(planner, toy):
    interview = Interview(planner, name="Corner Shop")
    interview.answer("sells", "services")
    interview.skip("staff")
    saved = interview.to_profile()
    assert saved == {"name": "Corner Shop", "sells": "services", "skipped": ["staff"]}
    profile = validate_answers(saved, toy.fields)  # what `advisor advise` does
    assert profile.as_dict() == {"sells": "services"} and profile.name == "Corner Shop"
    resumed = Interview.from_profile(planner, saved)
    assert resumed.skipped == {"staff"} and resumed.name == "Corner Shop"
    assert resumed.next_question().field.id == interview.next_question().field.id == "channels"


def test_why_lists_the_advice_an_answer_can_change(planner, toy):
    stakes = planner.stakes_of("has_site", planner.assess({}))
    assert [(s.kind, s.item, s.title) for s in stakes] == [  # by kind, then title
        ("recommend", "young-content", "Content for young visitors"),
        ("recommend", "fix-site", "Fix the website"),
    ]
    assert planner.stakes_of("mood", planner.assess({})) == []


# --------------------------------------------------------------------------- soundness, at the level of the report


def _value(f, draw) -> Any:
    if f.type == "choice":
        return draw(st.sampled_from(f.choice_ids()))
    if f.type == "multi":
        return draw(st.lists(st.sampled_from(f.choice_ids()), unique=True))
    if f.type == "boolean":
        return draw(st.booleans())
    low, high = int(f.minimum), int(min(f.maximum, f.minimum + 200))
    return draw(st.integers(low, high))


def _check_skips_keep_the_advice(kb, data) -> None:
    """Draw some answers; whatever the open questions are answered, no question the planner
    would skip changes the report's advice (items, strengths, severities, not advised, plan, KPIs)."""
    planner = _planner(kb)
    fields = list(kb.fields.fields)
    answers: dict[str, Any] = {}
    skipped: set[str] = set()
    for f in fields:
        fate = data.draw(st.sampled_from(["answer", "skip", "open", "open"]))
        if fate == "answer":
            answers[f.id] = _value(f, data.draw)
        elif fate == "skip":
            skipped.add(f.id)
    assessment = planner.assess(answers, skipped)
    irrelevant = [f for f in fields if f.id in assessment.open and f.id not in assessment.stakes]
    if not irrelevant:
        return
    completion = dict(answers)
    for other in fields:  # any answers to the questions that matter (or none)
        if other.id in assessment.stakes and data.draw(st.booleans()):
            completion[other.id] = _value(other, data.draw)
    without = advice_of(advise(kb, completion))
    f = data.draw(st.sampled_from(irrelevant))
    for _ in range(2):
        value = _value(f, data.draw)
        assert advice_of(advise(kb, {**completion, f.id: value})) == without, (
            f"{f.id}={value!r} was judged unable to change the advice but does", answers, skipped)
    # every skipped question at once, answered any way
    everything = {**completion, **{g.id: _value(g, data.draw) for g in irrelevant if data.draw(st.booleans())}}
    assert advice_of(advise(kb, everything)) == without, ("the skipped questions together change the advice",
                                                          answers, skipped)


def _planner(kb) -> Planner:
    planner = kb.__dict__.get("_test_planner")
    if planner is None:
        planner = Planner(kb)
        object.__setattr__(kb, "_test_planner", planner)
    return planner


@pytest.fixture(scope="module")
def disputed(tmp_path_factory, kb):
    """A generated rule base with avoid, strengths, severities and warnings against recommendations."""
    folder = write_disputed_rules(tmp_path_factory.mktemp("disputed"), kb, 300, seed=5)
    return load_knowledge_base(rules=[folder], use_cache=False)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_skipped_question_cannot_change_the_advice_toy(toy, data):
    _check_skips_keep_the_advice(toy, data)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_skipped_question_cannot_change_the_advice_shipped(kb, data):
    _check_skips_keep_the_advice(kb, data)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_skipped_question_cannot_change_the_advice_generated(disputed, data):
    _check_skips_keep_the_advice(disputed, data)


# --------------------------------------------------------------------------- the questions asked do matter


def _domain(f) -> list[Any]:
    """Every answer worth trying (None: unanswered); numbers around the thresholds rules use."""
    if f.type == "choice":
        return [None, *f.choice_ids()]
    if f.type == "boolean":
        return [None, True, False]
    if f.type == "multi":
        return [None, [], *[[c] for c in f.choice_ids()], f.choice_ids()]
    low, high = int(f.minimum), int(f.maximum)
    return [None, *sorted({v for v in (low, 1, 2, 3, 5, 6, 10, 12, 24, 36, 100, 500, 1000, 10000, high)
                           if low <= v <= high})]


def _put(answers: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    out = {k: v for k, v in answers.items() if k != name}
    if value is not None:
        out[name] = value
    return out


def _changes_the_advice(kb, completion: dict[str, Any], f) -> bool:
    seen = set()
    for value in _domain(f):
        seen.add(frozenset(advice_of(advise(kb, _put(completion, f.id, value))).items()))
        if len(seen) > 1:
            return True
    return False


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_a_question_asked_can_change_the_advice_toy(toy, data):
    """Every question the toy interview would ask has some answer that changes the advice, for some
    answers to the other open questions (tried exhaustively: the toy's questions are few)."""
    planner = _planner(toy)
    answers = {f.id: _value(f, data.draw) for f in toy.fields.fields if data.draw(st.booleans())}
    assessment = planner.assess(answers)
    for name in assessment.askable:
        others = sorted(o for o in assessment.open if o != name)
        f = toy.fields.get(name)
        completions = itertools.product(*[_domain(toy.fields.get(o)) for o in others])
        assert any(_changes_the_advice(toy, {**answers, **{o: v for o, v in zip(others, values) if v is not None}}, f)
                   for values in completions), (name, answers)


def test_every_question_the_examples_are_asked_can_change_their_advice(kb):
    """At each question of each example's interview, some answer changes the advice: with the example's own
    answers to the other open questions, with none of them, or with one of them answered otherwise."""
    planner = _planner(kb)
    for path in sorted(EXAMPLES.glob("*.json")):
        profile = {k: v for k, v in json.loads(path.read_text()).items() if k != "name"}
        interview = Interview(planner)
        while (question := interview.next_question()) is not None:
            assessment, f = interview.assessment(), question.field
            if f.id == "market":  # asked first for its words (which platforms the questions name)
                interview.answer(f.id, profile.get(f.id, f.default))
                continue
            others = sorted(o for o in assessment.open if o != f.id)
            theirs = {**assessment.answers, **{o: profile[o] for o in others if o in profile}}
            found = (_changes_the_advice(kb, theirs, f) or _changes_the_advice(kb, dict(assessment.answers), f)
                     or any(_changes_the_advice(kb, _put(theirs, o, v), f)
                            for o in others for v in _domain(kb.fields.get(o))))
            assert found, (path.stem, f.id, "asked, but no answer found that changes the advice")
            value = profile.get(f.id)
            interview.skip(f.id) if value is None else interview.answer(f.id, value)


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_more_answers_never_make_a_question_matter_again(toy, data):
    planner = Planner(toy)
    answers: dict[str, Any] = {}
    relevant = set(planner.assess(answers).stakes)
    for f in data.draw(st.permutations(list(toy.fields.fields))):
        if data.draw(st.booleans()):
            answers[f.id] = _value(f, data.draw)
            now = set(planner.assess(answers).stakes)
            assert now <= relevant, (answers, now - relevant)
            relevant = now

