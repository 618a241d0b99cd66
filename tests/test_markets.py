"""Markets: the knowledge speaks of kinds of platform; each market's reader sees its own platforms.

knowledge/markets.yaml names, per market, the platforms that fill each concept;
texts write {concept}. These tests read reports, interviews and explanations as
a reader in each market would, and compare the advice across markets.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from advisor.i18n import use_language
from advisor.interview import Interview, Planner
from advisor.kb import for_market, localize, markets_of
from advisor.kb.markets import PLACEHOLDER, join_names, load_markets
from advisor.render import render
from advisor.report import advise

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
INTERNATIONAL = ("etsy-ceramics", "dtc-skincare", "b2b-fasteners")
CHINESE = ("tea-shop", "b2b2c-mall", "packaging-supplier")
#: the questions that list platforms
PLATFORM_QUESTIONS = ("audience_hangouts", "social_accounts", "storefront", "plans_to_start", "upcoming_events")


def _profile(name: str, **changes) -> dict:
    data = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    data.update(changes)
    return data


def _names(text: str, brands: set[str]) -> set[str]:
    """The brands ``text`` names (whole words for Latin names, anywhere for Chinese ones)."""
    found = set()
    for name in brands:
        if name.isascii():
            if re.search(r"(?<![A-Za-z0-9])" + re.escape(name) + r"(?![A-Za-z0-9])", text):
                found.add(name)
        elif name in text:
            found.add(name)
    return found


def _without_quotes(report: dict) -> dict:
    """The report with the sources' own words (quotes and passages) left out: they may name any platform."""
    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("quote", "sources")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value
    return strip(report)


def _advice(report: dict) -> dict[str, list[str]]:
    """What the report advises, by section: ids and order, no words."""
    out = {}
    for key in ("recommendations", "warnings", "not_advised", "plan", "kpis"):
        value = report.get(key)
        if isinstance(value, list):
            out[key] = [entry.get("id") for entry in value if isinstance(entry, dict)]
    return out


# ----------------------------------------------------------------------------- the catalogue of markets

def test_every_concept_has_platforms_in_every_market_and_both_languages(kb):
    markets = markets_of(kb)
    assert set(markets.platforms) == {"cn", "intl"}
    for market, concepts in markets.platforms.items():
        assert set(concepts) == set(markets.concepts), market
        for concept, platforms in concepts.items():
            assert platforms and all(p["en"] and p["zh"] for p in platforms), (market, concept)


def test_historical_platforms_belong_to_no_market(kb):
    markets = markets_of(kb)
    historical = {v for p in markets.historical for v in p.values()}
    assert {"Renren", "Kaixin"} <= historical
    current = set(markets.brands(historical=False))
    assert not historical & current


def test_a_placeholder_becomes_the_market_s_platforms_or_the_generic_words(kb):
    markets = markets_of(kb)
    assert markets.fill("Post on {microblog}.", "cn") == "Post on Weibo."
    assert markets.fill("Post on {microblog}.", "intl") == "Post on X (Twitter) or Threads."
    assert markets.fill("在{microblog}上发帖", "cn", "zh") == "在微博上发帖"
    assert markets.fill("Post on {microblog}.", None) == "Post on microblogs."
    assert markets.fill("Microblogs ({microblog})", None) == "Microblogs"  # no examples, no doubled words
    assert markets.fill("微型博客平台（{microblog}）", None, "zh") == "微型博客平台"
    assert markets.fill("Microblogs ({microblog})", "cn") == "Microblogs (Weibo)"
    assert markets.fill("{not_a_concept} stays", "cn") == "{not_a_concept} stays"


def test_names_join_as_a_reader_expects():
    assert join_names(["Amazon"], "en") == "Amazon"
    assert join_names(["Amazon", "Etsy", "eBay"], "en") == "Amazon, Etsy or eBay"
    assert join_names(["淘宝", "天猫"], "zh") == "淘宝或天猫"


def test_a_markets_file_missing_a_concept_is_refused_with_its_place(tmp_path):
    (tmp_path / "markets.yaml").write_text(
        "concepts:\n  microblog: {en: microblogs, zh: 微博类平台}\n  messenger: {en: messaging apps, zh: 即时通讯}\n"
        "markets:\n  cn:\n    name: {en: China, zh: 中国}\n    platforms:\n      microblog: [{en: Weibo, zh: 微博}]\n",
        encoding="utf-8")
    from advisor.errors import KnowledgeError

    with pytest.raises(KnowledgeError) as caught:
        load_markets(tmp_path)
    assert "messenger" in str(caught.value) and caught.value.code == "E405"
    assert caught.value.location.path.endswith("markets.yaml") and caught.value.location.line


# ----------------------------------------------------------------------------- the knowledge base

def test_no_text_of_the_knowledge_base_uses_an_unknown_placeholder(kb):
    from advisor.kb import english_texts

    concepts = set(markets_of(kb).concepts)
    for file, entries in english_texts(kb).items():
        for item_id, texts in entries.items():
            for name, text in texts.items():
                assert set(PLACEHOLDER.findall(text)) <= concepts, (file, item_id, name, text)


def test_filling_changes_words_only(kb):
    filled = for_market(kb, "intl", "en")
    assert [r.id for r in filled.rules.rules] == [r.id for r in kb.rules.rules]
    assert [r.when for r in filled.rules.rules] == [r.when for r in kb.rules.rules]
    assert filled.compiled is kb.compiled
    assert for_market(kb, "intl", "en") is filled  # made once per market and language
    assert for_market(filled, "cn") is filled  # a filled base stays as it is


# ----------------------------------------------------------------------------- reports

@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name, market, foreign", [(n, "intl", "cn") for n in INTERNATIONAL]
                         + [(n, "cn", "intl") for n in CHINESE])
def test_a_report_names_no_platform_of_another_market_outside_the_sources_words(kb, name, market, foreign, lang):
    markets = markets_of(kb)
    foreign_only = markets.only_in(foreign)
    own = set(markets.brands(market, historical=False))
    with use_language(lang):
        base = localize(kb, lang)
        report = advise(base, _profile(name, market=market))
        shown = json.dumps(_without_quotes(report), ensure_ascii=False)
        text = render(report, "text", width=100)
        detailed = render(report, "text", width=100, detail=True)
    assert not _names(shown, foreign_only), sorted(_names(shown, foreign_only))
    assert not _names(text, foreign_only), sorted(_names(text, foreign_only))
    body = _outside_citations(detailed)
    assert not _names(body, foreign_only - own), sorted(_names(body, foreign_only))
    assert not PLACEHOLDER.search(text) and not PLACEHOLDER.search(detailed)


def _outside_citations(text: str) -> str:
    """A detailed text report without its citation lines (the sources' titles and quoted words)."""
    return "\n".join(line for line in text.splitlines()
                     if not re.search(r"\bsource\b|来源|[\u201c\u201d\"]|\b00[0-4]\b", line, re.I))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_international_report_names_international_platforms(kb, lang):
    markets = markets_of(kb)
    with use_language(lang):
        text = render(advise(localize(kb, lang), _profile("dtc-skincare")), "text", width=100)
    assert _names(text, set(markets.only_in("intl"))), "the report names none of its market's platforms"


@pytest.mark.parametrize("name", INTERNATIONAL + CHINESE + ("linen-house", "local-gym", "car-dealer"))
def test_the_advice_is_the_same_in_every_market_and_language_but_for_platform_rules(kb, name):
    """Which items are recommended, warned of, planned and in which order does not depend on the market or the
    language - except the items only a platform-specific rule concludes."""
    platform_items = {c.target for r in kb.rules.rules if r.platform for c in r.then}
    seen = {}
    for market in ("cn", "intl"):
        for lang in ("en", "zh"):
            with use_language(lang):
                report = advise(localize(kb, lang), _profile(name, market=market))
            seen[(market, lang)] = {key: [i for i in ids if i not in platform_items]
                                    for key, ids in _advice(report).items()}
    first = seen[("cn", "en")]
    assert first.get("recommendations"), "the report advises nothing"
    for key, advice in seen.items():
        assert advice == first, key


def test_a_platform_rule_applies_only_in_its_platform_s_market(kb):
    platform_rules = [r for r in kb.rules.rules if r.platform]
    assert platform_rules, "no rule declares the one platform its advice holds for"
    from advisor.api import infer

    for rule in platform_rules:
        assert any(t.name == "market" for t in rule.tests()), rule.id
    # a subscription account that cannot become a service account is WeChat's limit alone
    profile = {"messenger_purpose": "service", "messenger_account": "none"}
    fired_cn = set(infer(kb, dict(profile, market="cn")).fired_ids())
    fired_intl = set(infer(kb, dict(profile, market="intl")).fired_ids())
    only_cn = {r.id for r in platform_rules} & fired_cn
    assert only_cn and not only_cn & fired_intl


# ----------------------------------------------------------------------------- the interview

def _labels(fields, name: str) -> str:
    f = fields.get(name)
    return " ".join([f.question, f.help or ""] + [c.label + " " + (c.help or "") for c in f.choices])


def test_the_interview_asks_the_market_first(kb):
    interview = Interview(Planner(kb))
    assert interview.next_question().field.id == "market"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("market, foreign", [("intl", "cn"), ("cn", "intl")])
def test_the_interview_offers_only_its_market_s_current_platforms(kb, market, foreign, lang):
    markets = markets_of(kb)
    historical = {v for p in markets.historical for v in p.values()}
    with use_language(lang):
        interview = Interview(Planner(localize(kb, lang)))
        interview.answer("market", market)
        fields = interview.fields()
        offered = " ".join(_labels(fields, name) for name in PLATFORM_QUESTIONS)
        everything = " ".join(_labels(fields, f.id) for f in fields.fields)
    assert _names(offered, set(markets.brands(market, historical=False))), "no platform of the market is offered"
    assert not _names(everything, markets.only_in(foreign)), sorted(_names(everything, markets.only_in(foreign)))
    assert not _names(everything, historical)
    assert not PLACEHOLDER.search(everything)


def test_the_questionnaire_shows_the_market_s_platforms_after_the_market_is_answered(run_cli, tmp_path):
    save = tmp_path / "answers.json"
    # name, market (2: international), then the next questions until the audience question is shown
    typed = "Kiln\n2\n" + "\n" * 60
    result = run_cli(["ask", "--save", str(save), "--lang", "en"], input=typed)
    talk = result.stderr  # the conversation: standard output is not a terminal, so it holds only the report
    assert "Outside mainland China" in talk
    after = talk.split("Outside mainland China", 1)[1]
    markets_words = ("Amazon", "Etsy", "Instagram", "TikTok", "Google", "X (Twitter)")
    assert any(word in after for word in markets_words), after[-2000:]
    assert not any(word in after for word in ("Weibo", "Taobao", "Baidu", "Renren", "Kaixin"))
    assert json.loads(save.read_text(encoding="utf-8"))["market"] == "intl"


def test_batch_names_each_line_s_own_market(kb, run_cli, tmp_path):
    lines = tmp_path / "two.jsonl"
    lines.write_text(json.dumps(_profile("tea-shop")) + "\n" + json.dumps(_profile("tea-shop", market="intl")) + "\n",
                     encoding="utf-8")
    result = run_cli(["batch", str(lines), "--lang", "en"])
    assert result.exit_code == 0, result.stderr
    cn, intl = [json.loads(line) for line in result.stdout.splitlines() if line.strip()][:2]
    cn_words, intl_words = (json.dumps(_without_quotes(r)) for r in (cn, intl))
    assert "Weibo" in cn_words and "Weibo" not in intl_words
    assert "X (Twitter)" in intl_words and "X (Twitter)" not in cn_words
    platform_items = {c.target for r in kb.rules.rules if r.platform for c in r.then}
    same = [{k: [i for i in v if i not in platform_items] for k, v in _advice(r).items()} for r in (cn, intl)]
    assert same[0] == same[1] and same[0]["recommendations"]


def test_a_broken_markets_file_is_one_clear_message(run_cli, tmp_path):
    import shutil

    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    text = (knowledge / "markets.yaml").read_text(encoding="utf-8")
    (knowledge / "markets.yaml").write_text(text.replace("  intl:\n", "  intl:\n    platforms: {}\n  old:\n", 1),
                                            encoding="utf-8")
    result = run_cli(["advise", str(EXAMPLES / "tea-shop.json"), "--knowledge", str(knowledge), "--no-cache"])
    assert result.exit_code == 2
    assert "markets.yaml" in result.stderr and "[E405]" in result.stderr and "Traceback" not in result.stderr


def test_the_report_says_whose_platforms_it_names(kb):
    """The first highlight is the market: as answered, or the default marked as such."""
    from advisor.api import advise
    from advisor.i18n import use_language

    stated = advise(kb, {"business_model": "B2C", "market": "intl"})["business"]["highlights"]
    assert stated[0] == "Market: Outside mainland China (international platforms)"
    assumed = advise(kb, {"business_model": "B2C"})["business"]["highlights"]
    assert assumed[0] == "Market: Mainland China (not answered; the default)"
    with use_language("zh"):
        from advisor.kb import localize

        chinese = advise(localize(kb, "zh"), {"business_model": "B2C"})["business"]["highlights"]
    assert chinese[0].startswith("市场：") and "默认" in chinese[0]
