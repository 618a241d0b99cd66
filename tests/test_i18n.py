"""Languages: --lang and the locale, the gettext catalogue, knowledge-base translations and their audit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor.commands.cli import cli
from advisor.i18n import LOCALE_DIR, from_environment
from advisor.kb import languages

ROOT = Path(__file__).resolve().parent.parent
TEA = str(ROOT / "examples" / "tea-shop.json")


def _run(args: list[str], env: dict[str, str] | None = None):
    base = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}
    return CliRunner().invoke(cli, args, env={**base, **(env or {})}, catch_exceptions=False)


def test_the_locale_chooses_the_language():
    assert from_environment({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert from_environment({"LANG": "C"}) == "en"
    assert from_environment({"LANG": "POSIX"}) == "en"
    assert from_environment({}) == "en"
    assert from_environment({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}) == "zh"
    zh = _run(["advise", TEA], {"LANG": "zh_CN.UTF-8"})
    en = _run(["advise", TEA], {"LANG": "C"})
    assert zh.exit_code == en.exit_code == 0
    assert "你现在的情况" in zh.stdout and "WHERE YOU STAND" not in zh.stdout
    assert "WHERE YOU STAND" in en.stdout and "你现在的情况" not in en.stdout
    assert _run(["advise", TEA, "--lang", "en"], {"LANG": "zh_CN.UTF-8"}).stdout == en.stdout


def test_a_chinese_report_has_chinese_headings_and_catalog_texts():
    text = _run(["advise", TEA, "--lang", "zh"]).stdout
    assert "Lotus Leaf Tea的营销建议" in text and "现在就做" in text
    assert "搜索引擎优化（SEO）" in text  # the channel's name, from knowledge/i18n/zh/channels.yaml
    report = json.loads(_run(["advise", TEA, "--lang", "zh", "-f", "json"]).stdout)
    seo = next(e for e in report["recommendations"] if e["id"] == "seo")
    assert seo["title"] == "搜索引擎优化（SEO）" and "搜索结果" in seo["description"]
    markdown = _run(["advise", TEA, "--lang", "zh", "-f", "markdown"]).stdout
    assert "## 你现在的情况" in markdown
    assert _run(["advise", TEA, "--lang", "zh"]).stdout == text  # same bytes every time


def test_the_advice_is_the_same_in_every_language():
    def shape(report: dict) -> dict:
        keys = ("recommendations", "warnings", "not_advised", "plan", "kpis")
        return {k: [(e["id"], e.get("rank"), e.get("strength"), e.get("severity")) for e in report[k]] for k in keys} | {
            "next_moves": report["next_moves"], "moves": [m["id"] for m in report["diagnosis"]["moves"]]}

    for example in sorted((ROOT / "examples").glob("*.json"))[:6]:
        en = json.loads(_run(["advise", str(example), "--lang", "en", "-f", "json"]).stdout)
        zh = json.loads(_run(["advise", str(example), "--lang", "zh", "-f", "json"]).stdout)
        assert shape(en) == shape(zh), example.name


def test_an_unknown_language_is_refused_without_a_traceback():
    result = _run(["advise", TEA, "--lang", "fr"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "'fr' is not one of 'en', 'zh'" in result.output


def test_the_shipped_translations_are_fresh_and_the_catalogue_compiled():
    result = _run(["audit", "--select", "A83"])
    assert result.exit_code == 0 and "0 errors, 0 warnings" in result.stdout
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    folder = LOCALE_DIR / "zh" / "LC_MESSAGES"
    with open(folder / "advisor.po", "rb") as po, open(folder / "advisor.mo", "rb") as mo:
        source, compiled = read_po(po), read_mo(mo)
    def messages(catalog) -> dict:  # plural messages have a list (or tuple) of ids and of strings
        return {tuple(m.id) if isinstance(m.id, (list, tuple)) else m.id:
                tuple(m.string) if isinstance(m.string, (list, tuple)) else m.string for m in catalog if m.id}

    assert messages(source) == messages(compiled), \
        "advisor.mo is older than advisor.po: run pybabel compile -d advisor/locale -D advisor"
    strings = [s for m in source if m.id for s in (m.string if isinstance(m.string, tuple) else (m.string,))]
    assert all(strings), "an untranslated message in advisor.po"


def _copy_kb(tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "knowledge", kb / "knowledge")
    shutil.copytree(ROOT / "rules", kb / "rules")
    return kb


def test_an_edited_english_text_makes_its_translation_stale(tmp_path):
    kb = _copy_kb(tmp_path)
    channels = kb / "knowledge" / "channels.yaml"
    text = channels.read_text(encoding="utf-8")
    old = "Building and tuning your own site so search engines list it high for the words buyers use."
    channels.write_text(text.replace(old, "Tuning your own site for the words buyers search for."), encoding="utf-8")
    result = _run(["audit", str(kb), "--select", "A83"])
    assert "A832" in result.stdout and "'seo'" in result.stdout and "stale" in result.stdout
    # the stale translation is not shown: the new English is
    report = json.loads(_run(["advise", TEA, "--lang", "zh", "-f", "json", "--knowledge", str(kb / "knowledge"),
                              "--rules", str(kb / "rules"), "--no-cache"]).stdout)
    seo = next(e for e in report["recommendations"] if e["id"] == "seo")
    assert seo["description"] == "Tuning your own site for the words buyers search for."
    assert "--translations" in _run(["audit", "--help"]).stdout
    listing = _run(["audit", "--knowledge", str(kb / "knowledge"), "--translations", "zh"]).stdout
    assert "seo:   # stale" in listing and "Tuning your own site" in listing


def test_unknown_ids_and_missing_texts_of_a_complete_language_are_reported(tmp_path):
    kb = _copy_kb(tmp_path)
    i18n = kb / "knowledge" / "i18n"
    assert languages(kb / "knowledge")["zh"]["complete"] is True  # the shipped Chinese translates every text
    steps = i18n / "zh" / "steps.yaml"
    text = steps.read_text(encoding="utf-8")
    start = text.index("\nbuild-customer-database:\n")
    steps.write_text(text[:start] + text[text.index("\nbuild-financing-case:\n"):], encoding="utf-8")
    with open(i18n / "zh" / "channels.yaml", "a", encoding="utf-8") as f:
        f.write("seo-tools:\n  fingerprint: 0123456789\n  name: 工具\n")
    loud = _run(["audit", str(kb), "--select", "A83"]).stdout
    assert "A833" in loud and "(the language is declared complete)" in loud
    assert "A831" in loud and "'build-customer-database' has no translation of description, judgement, name" in loud
    (i18n / "languages.yaml").write_text("zh: {complete: false}\n", encoding="utf-8")
    quiet = _run(["audit", str(kb), "--select", "A83"]).stdout
    assert "A833" in quiet and "A831" not in quiet  # a language under way: no missing-text findings
    listing = _run(["audit", "--knowledge", str(kb / "knowledge"), "--translations", "zh"]).stdout
    assert "build-customer-database:   # missing" in listing and "steps.yaml: 54 of 57" in listing


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_interview_speaks_the_language(lang):
    result = _run(["fields", "--lang", lang])
    assert result.exit_code == 0
