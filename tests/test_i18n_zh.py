"""The Chinese experience: every sentence the code builds is Chinese, the interview asks in Chinese, lines fit
the width in display columns, and a knowledge-base translation of one file never shadows another's id.

What may stay English in a Chinese report: ids, the sources' quotes and citations, proper names and units. The
check below removes exactly those from the report and then asks for no run of three or more English words; the
rules' own texts (titles, rationales, notes, KPI targets, the advisor's judgements) and what their derived facts
mean are all translated (knowledge/i18n/zh/, the language is declared complete).
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor.commands.cli import cli
from advisor.textwidth import columns, wrap

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
#: three or more English words in a row (an id such as online-purchase-goal is one word)
ENGLISH_RUN = re.compile(r"[A-Za-z][\w'’-]*(?:[,;:.)]?\s+\(?[A-Za-z][\w'’-]*){2,}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _run(args: list[str]):
    env = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def _allowed(report: dict) -> set[str]:
    """The texts a Chinese report may show in English (see the module notes)."""
    allowed: set[str] = set()
    for key in ("recommendations", "warnings", "not_advised", "plan", "kpis"):
        for e in report[key]:
            allowed.add(e["id"])
            allowed.update(e.get("because", ()))  # rule ids
            allowed.add(e.get("quote", ""))
            allowed.update(f"{s['doc']} {s['section']}" for s in e.get("sources", ()))
    for c in report["conflicts"]:
        allowed.add(c["item"])
    allowed.add(report["business"].get("name") or "")
    allowed.update(f["field"] for f in report["unanswered"])
    allowed.update(report["next_moves"])
    allowed.update(_PLATFORMS)  # the market's platforms keep their own names (TikTok, Meta Audience Network)
    return {" ".join(a.split()) for a in allowed if a and a.strip()}


def _platform_names() -> set[str]:
    from advisor.kb.markets import load_markets

    markets = load_markets(ROOT / "knowledge")
    return {name for ps in markets.platforms.values() for platforms in ps.values() for p in platforms
            for name in p.values()}


_PLATFORMS = _platform_names()


def _english_left(text: str, allowed: set[str]) -> list[str]:
    flat = " ".join(text.split())
    for piece in sorted(allowed, key=len, reverse=True):  # longest first: a note may contain an id
        flat = flat.replace(piece, " ")
        flat = flat.replace(piece.rstrip("."), " ")  # the short list cuts a rationale at its first sentence
        first = piece.split(". ")[0].rstrip(".")
        if len(first) > 12:
            flat = flat.replace(first, " ")
    flat = re.sub(r"advisor \w+ [A-Z]+( [A-Z]+)?( --\S+)*( [A-Z=]+)?|--[a-z-]+( \d+)?|https?://\S+", " ", flat)
    return ENGLISH_RUN.findall(flat)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_a_chinese_report_has_no_english_sentence(example):
    report = json.loads(_run(["advise", str(example), "--lang", "zh", "-f", "json", "--no-cache"]).stdout)
    allowed = _allowed(report)
    for detail in ([], ["--detail", "--top", "0"]):
        text = _run(["advise", str(example), "--lang", "zh", "--width", "88", *detail]).stdout
        assert "你现在的情况" in text
        left = _english_left(text, allowed)
        assert not left, f"{example.name} {' '.join(detail)}: English left in the Chinese report: {left[:8]}"


def _judgements(report: dict) -> dict[tuple[str, str, str], str]:
    """(section, item, rule) -> the judgement a report shows for that rule behind that item."""
    return {(key, e["id"], j["rule"]): j["judgement"]
            for key in ("recommendations", "warnings", "not_advised", "plan", "kpis")
            for e in report[key] for j in e.get("judgements", ())}


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_a_chinese_report_carries_no_english_judgement(example):
    english = _judgements(json.loads(_run(["advise", str(example), "-f", "json", "--no-cache"]).stdout))
    chinese = _judgements(json.loads(_run(["advise", str(example), "--lang", "zh", "-f", "json",
                                           "--no-cache"]).stdout))
    assert english and chinese.keys() == english.keys()
    for key, text in chinese.items():
        assert text != english[key] and CJK.search(text), f"{example.name} {key}: {text!r}"


def test_every_judgement_of_the_knowledge_base_is_chinese():
    from advisor.kb import load_knowledge_base, localize

    kb = load_knowledge_base()
    zh = localize(kb, "zh")
    rules = {r.id: r.judgement for r in kb.rules.rules if r.judgement}
    items = {i.id: i.get("judgement") for i in kb.catalog.items if i.get("judgement")}
    assert len(rules) >= 119 and len(items) >= 114
    for rule in zh.rules.rules:
        if rule.id in rules:
            assert rule.judgement != rules[rule.id] and CJK.search(rule.judgement), rule.id
            assert "我们" in rule.judgement, f"{rule.id}: a judgement stays the advisor's own view"
    for item in zh.catalog.items:
        if item.id in items:
            assert item.get("judgement") != items[item.id] and CJK.search(item.get("judgement")), item.id
    assert zh.rule("budget-tight").judgement.endswith("这是我们的假设。")


def test_every_kpi_target_and_fact_meaning_of_the_knowledge_base_is_chinese():
    from advisor.kb import load_knowledge_base, localize
    from advisor.kb.translations import english_texts

    kb = load_knowledge_base()
    zh = localize(kb, "zh")
    targets = {(r.id, n): c.kpi_target for r in kb.rules.rules for n, c in enumerate(r.then) if c.kpi_target}
    assert len(targets) >= 21 and len(kb.rules.facts) >= 34
    for rule in zh.rules.rules:
        for n, c in enumerate(rule.then):
            if (rule.id, n) in targets:
                assert c.kpi_target != targets[(rule.id, n)] and CJK.search(c.kpi_target), (rule.id, n)
    assert zh.rules.facts.keys() == kb.rules.facts.keys()
    for name, meaning in zh.rules.facts.items():
        assert meaning != kb.rules.facts[name] and CJK.search(meaning), name
    english = english_texts(kb)  # the keys: target.<n> in the rule's entry, fact:<id> in the declaring file's
    assert english["rules/stages.yaml"]["traffic-targets-for-own-site"]["target.2"].startswith("longer visits")
    assert english["rules/messenger.yaml"]["fact:messenger_new"]["meaning"] == kb.rules.facts["messenger_new"]


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_a_chinese_detail_report_shows_no_english_kpi_target(example):
    english = json.loads(_run(["advise", str(example), "-f", "json", "--no-cache"]).stdout)
    chinese = json.loads(_run(["advise", str(example), "--lang", "zh", "-f", "json", "--no-cache"]).stdout)
    shown = {t for e in english["kpis"] for t in e["targets"]}
    assert [e["id"] for e in chinese["kpis"]] == [e["id"] for e in english["kpis"]]
    assert all(CJK.search(t) for e in chinese["kpis"] for t in e["targets"]), example.name
    text = " ".join(_run(["advise", str(example), "--lang", "zh", "--detail", "--top", "0",
                          "--width", "400"]).stdout.split())
    assert not [t for t in shown if t in text], example.name
    assert not shown or any(t in text for e in chinese["kpis"] for t in e["targets"]), example.name


def test_every_format_shows_the_chinese_judgement():
    tea = str(ROOT / "examples" / "tea-shop.json")
    english = _judgements(json.loads(_run(["advise", tea, "-f", "json"]).stdout))
    chinese = _judgements(json.loads(_run(["advise", tea, "--lang", "zh", "-f", "json"]).stdout))
    key = next(k for k in chinese if k[1] == "messenger-subscription")
    for args in (["--detail", "--width", "400"], ["-f", "markdown"], ["-f", "html"]):
        shown = _run(["advise", tea, "--lang", "zh", *args]).stdout
        assert chinese[key] in shown and english[key] not in shown, args
    explained = " ".join(_run(["explain", tea, "messenger-subscription", "--lang", "zh", "--width", "400"]).stdout.split())
    assert chinese[key] in explained and english[key] not in explained  # the rule's, in the reasoning
    assert "投入精力高（每天都要发内容）、花费和推广初期这个阶段，是我们的判断。" in explained  # the channel's own


def test_the_check_finds_an_english_sentence():
    assert _english_left("你现在的情况 it wants online sales", set()) == ["it wants online sales"]
    assert _english_left("你现在的情况 SEO（搜索） B2C 商家", set()) == []
    assert _english_left("规则：seo-for-own-site", {"seo-for-own-site"}) == []


def test_the_diagnosis_reads_as_whole_chinese_sentences():
    text = _run(["advise", str(ROOT / "examples" / "tea-shop.json"), "--lang", "zh", "--width", "200"]).stdout
    assert "Lotus Leaf Tea是一家刚开业的面向消费者的 B2C 商家（卖实物商品），营销只有一个人，预算不多。" in text
    assert "按人手少、钱不多的条件，一次做 3 件事" in text and "little money" not in text
    assert "为什么先做：能解决发现的最严重问题：把线下生意原样搬到网上（严重程度高）。" in text
    assert "服务目标：线上销售和回头客 | 投入精力中，花费低" in text
    assert "开始做微信公众号时" in text
    assert "商业模式：我们卖给消费者（B2C）" in text


def test_translations_of_different_files_keep_their_ids_apart():
    """Regression: the field `seo` (fields.yaml) hid the channel `seo` (channels.yaml) once both were translated."""
    report = json.loads(_run(["advise", str(ROOT / "examples" / "tea-shop.json"), "--lang", "zh", "-f", "json"]).stdout)
    seo = next(e for e in report["recommendations"] if e["id"] == "seo")
    assert seo["title"] == "搜索引擎优化（SEO）" and "搜索结果" in seo["description"]
    fields = _run(["fields", "--lang", "zh"]).stdout
    assert "你的网站做过搜索引擎优化（SEO）吗？" in fields or "搜索引擎优化" in fields


@pytest.mark.parametrize("width", [50, 61, 88])
def test_chinese_lines_fit_the_width_in_display_columns(width):
    for example in EXAMPLES[:8]:
        for detail in ([], ["--detail"]):
            text = _run(["advise", str(example), "--lang", "zh", "--width", str(width), *detail]).stdout
            # lines the text report never wraps, in any language: the closing hints, the --detail summary and
            # --top hint, and an item's title line with its [id: tags]
            lines = [line for line in text.splitlines() if "advisor " not in line and "接下来的行动：" not in line
                     and "--top 0" not in line
                     and not re.search(r"  \[[\w-]+: ", line)]
            too_wide = [line for line in lines if columns(line) > width and not _one_long_word(line)]
            assert not too_wide, f"{example.name} at {width}: {too_wide[:3]}"


def _one_long_word(line: str) -> bool:
    """A line holding a single word longer than the width (a long id or address), which cannot be broken."""
    return any(len(word) > 30 for word in line.split())


def test_wrap_counts_columns_and_keeps_punctuation_with_its_word():
    text = "发现的最严重问题：把线下生意原样搬到网上（严重程度高）。建议：用统一的客户数据库把各渠道串起来。"
    for width in range(6, 40):
        lines = wrap(text, width)
        assert all(columns(line) <= width for line in lines)
        assert "".join(lines) == text
        assert not any(line[0] in "，。；：）" for line in lines)
        assert not any(line[-1] in "（“" for line in lines)
    assert wrap("SEO 搜索引擎优化", 8) == ["SEO 搜索", "引擎优化"]
    assert columns("搜索（SEO）") == 11


def test_explanations_and_whatif_speak_chinese():
    tea = str(ROOT / "examples" / "tea-shop.json")
    explained = _run(["explain", tea, "personal-closing", "--lang", "zh"]).stdout
    assert "为什么没有" in explained and "怎样才会改变" in explained and "WHY NOT" not in explained
    whatif = _run(["whatif", tea, "--set", "price_level=high", "--lang", "zh"]).stdout
    assert whatif.startswith("如果 Lotus Leaf Tea 的情况变了：") and "changed)" not in whatif


def test_interview_messages_are_chinese():
    from advisor.i18n import use_language
    from advisor.interview.answers import instructions, parse_answer
    from advisor.kb import load_knowledge_base

    kb = load_knowledge_base()
    with use_language("zh"):
        f = kb.fields.get("price_level")
        assert instructions(f, "medium").startswith("输入 1 到 4 之间的编号。")
        assert parse_answer(f, "9").message == "没有选项 9。请输入 1 到 4 之间的编号。"
        staff = kb.fields.get("marketing_staff")
        assert "整数" in parse_answer(staff, "1.5").message
        assert parse_answer(kb.fields.get("counts_on_viral"), "是") is True
    with use_language("en"):
        assert parse_answer(kb.fields.get("price_level"), "9").message == \
            "There is no choice 9. Type a number from 1 to 4."


def test_ask_in_a_terminal_asks_in_chinese(tmp_path):
    pexpect = pytest.importorskip("pexpect")
    env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="dumb", NO_COLOR="1", COLUMNS="80", LINES="40",
               LANG="C.UTF-8", LC_ALL="", LC_MESSAGES="")
    child = pexpect.spawn(sys.executable, ["-m", "advisor", "ask", "--lang", "zh", "--no-cache"], cwd=str(tmp_path),
                          env=env, encoding="utf-8", timeout=60, dimensions=(40, 80))
    try:
        child.expect("你的店叫什么名字")
        child.sendline("茶香小铺")
        child.expect("第 1 题，共约 \\d+ 题")
        child.expect("> ")
        screen = child.before
        assert "Question" not in screen and "Type a number" not in screen
        assert re.search(r"输入 1 到 \d+ 之间的编号", screen)
        child.sendline("?")
        child.expect("为什么问：")
        child.sendline("99")
        child.expect("没有选项 99")
        child.sendline("q")
        child.expect("以后想接着答，运行：")
        child.expect(pexpect.EOF)
    finally:
        if child.isalive():
            child.terminate(force=True)
    saved = json.loads((tmp_path / "my-business.json").read_text(encoding="utf-8"))
    assert saved["name"] == "茶香小铺"


def test_a_command_leaves_the_language_as_it_found_it():
    from advisor.i18n import current

    before = current()
    assert _run(["advise", str(ROOT / "examples" / "tea-shop.json"), "--lang", "zh"]).exit_code == 0
    assert current() == before


# --------------------------------------------------------------------------- explanations, what-ifs, Markdown, HTML

#: a sample of the examples (each is explained, compared and rendered several times: all would be slow)
SAMPLE = [p for p in EXAMPLES if p.stem in ("tea-shop", "lift-maker", "local-gym", "secondhand-platform",
                                            "online-course", "car-dealer")]
_KB_ALLOWED: set[str] = set()


def _kb_allowed() -> set[str]:
    """The knowledge base's texts an explanation may show in English: every rule's own texts (their translation is
    separate work), the catalog's judgements, the sources' titles and the sentences quoted from them."""
    if not _KB_ALLOWED:
        from advisor.kb import load_knowledge_base

        kb = load_knowledge_base()
        for rule in kb.rules.rules:
            _KB_ALLOWED.update((rule.title, rule.because, rule.judgement or ""))
            _KB_ALLOWED.update(c.note or "" for c in rule.then)
            _KB_ALLOWED.update(q for c in rule.sources for q in c.quotes)
        for item in kb.catalog.items:
            _KB_ALLOWED.add(item.get("judgement") or "")
            _KB_ALLOWED.update(q for g in item.get("grounds", ()) for q in g.citation.quotes)
        for document in kb.catalog.documents:
            _KB_ALLOWED.update(sec.title for sec in document.sections)
            _KB_ALLOWED.add(document.title)
    return {" ".join(a.split()) for a in _KB_ALLOWED if a and a.strip()}


def _explained_english(text: str, allowed: set[str]) -> list[str]:
    """English runs left in an explanation, once the knowledge base's English texts and quoted passages are out
    (a passage is quoted in part, a line at a time: every quoted line goes)."""
    text = " ".join(re.sub(r"^[\s|]*(?:[`+]- )?[\s|]*", "", line) for line in text.splitlines())  # no tree of the reasoning
    text = " ".join(text.split())
    for piece in sorted(allowed, key=len, reverse=True):  # before the quotes go: a rule's text may quote
        text = text.replace(piece, " ")
    text = re.sub(r"“[^”]*”|\"[^\"]*\"", " ", text)  # quoted passages, in either kind of quotation marks
    return _english_left(text.replace("|", " "), allowed)


def _items(report: dict) -> list[str]:
    """A recommended item, a warning and a catalog item not advised (absent), where the report has them."""
    from advisor.kb import load_knowledge_base

    kb = load_knowledge_base()
    listed = {e["id"] for key in ("recommendations", "warnings", "not_advised", "plan", "kpis") for e in report[key]}
    absent = next(i.id for i in kb.catalog.items if i.kind in ("channel", "tactic") and i.id not in listed)
    out = [report["recommendations"][0]["id"]] if report["recommendations"] else []
    out += [report["warnings"][0]["id"]] if report["warnings"] else []
    out += [report["not_advised"][0]["id"]] if report["not_advised"] else []
    return out + [absent]


@pytest.mark.parametrize("example", SAMPLE, ids=[p.stem for p in SAMPLE])
def test_chinese_explanations_and_whatifs_have_no_english_sentence_outside_the_rule_texts(example):
    report = json.loads(_run(["advise", str(example), "--lang", "zh", "-f", "json", "--no-cache"]).stdout)
    allowed = _allowed(report) | _kb_allowed()
    for item in _items(report):
        text = _run(["explain", str(example), item, "--lang", "zh", "--width", "88", "--max-runs", "60"]).stdout
        assert "[" in text.splitlines()[0] and "is recommended" not in text
        left = _explained_english(text, allowed)
        assert not left, f"{example.name} explain {item}: English left: {left[:8]}"
    whatif = _run(["whatif", str(example), "--set", "price_level=luxury", "--set", "counts_on_viral=yes",
                   "--lang", "zh"]).stdout
    assert whatif.startswith("如果")
    left = _explained_english(whatif, allowed)
    assert not left, f"{example.name} whatif: English left: {left[:8]}"


@pytest.mark.parametrize("example", SAMPLE, ids=[p.stem for p in SAMPLE])
def test_chinese_markdown_and_html_reports_have_no_english_sentence_outside_the_rule_texts(example):
    report = json.loads(_run(["advise", str(example), "--lang", "zh", "-f", "json", "--no-cache"]).stdout)
    allowed = _allowed(report) | _kb_allowed()
    for fmt in ("markdown", "html"):
        for detail in ([], ["--detail"]):
            text = _run(["advise", str(example), "--lang", "zh", "-f", fmt, *detail]).stdout
            if fmt == "html":  # the words a reader sees: no markup, style, pictures or attributes
                text = re.sub(r"<style>.*?</style>|<svg.*?</svg>|<[^>]+>", " ", text, flags=re.S)
                text = html.unescape(text)
            else:  # no Mermaid diagrams (their boxes are the graph's labels)
                text = re.sub(r"```mermaid.*?```", " ", text, flags=re.S)
            assert "你现在的情况" in text
            left = _explained_english(text, allowed)
            assert not left, f"{example.name} {fmt} {' '.join(detail)}: English left: {left[:8]}"


def test_explanations_read_as_whole_chinese_sentences():
    tea = str(ROOT / "examples" / "tea-shop.json")
    text = _run(["explain", tea, "microblog", "--lang", "zh", "--width", "200"]).stdout
    assert text.startswith("微博  [渠道 microblog]\n微博：推荐，依据 1 条规则。")
    assert "第 29 名（共 41 个）：强度一般、优先级 52、1 条规则支持。" in text
    assert "|  结论：推荐 microblog（一般，用于品牌）" in text and "`- 回答 audience_hangouts = " in text
    assert "concludes:" not in text and "Not among" not in text
    data = json.loads(_run(["explain", tea, "microblog", "--lang", "zh", "-f", "json"]).stdout)
    assert data["reasons"][0]["details"][0]["label"] == "concludes"  # the JSON keeps the labels' ids


def test_a_bad_profile_given_to_a_chinese_report_keeps_the_code_the_field_and_the_value(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x", "price_level": "cheapo"}', encoding="utf-8")
    result = _run(["advise", str(bad), "--lang", "zh"])
    assert result.exit_code != 0
    assert "[E203]" in result.stderr and "price_level" in result.stderr and "cheapo" in result.stderr
    assert f"{bad}:1:" in result.stderr
