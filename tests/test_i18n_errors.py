"""Chinese error messages: a bad profile, file, batch line or option given with ``--lang zh`` (or a zh_* locale) is
reported in Chinese, keeping the code, the file:line:col, the field, the values typed and the choice ids; the English
message is unchanged. And the commands a shop owner uses print no English sentence with ``--lang zh``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from advisor.commands.cli import cli

ROOT = Path(__file__).resolve().parent.parent
TEA = str(ROOT / "examples" / "tea-shop.json")
CJK = re.compile(r"[\u4e00-\u9fff]")
#: three or more English words in a row (an id such as price_level is one word)
ENGLISH_RUN = re.compile(r"[A-Za-z][\w'’-]*(?:[,;:.)]?\s+\(?[A-Za-z][\w'’-]*){2,}")


def _run(args: list[str], lang: str | None = None, locale: str = "C.UTF-8", stdin: str | None = None):
    env = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": locale}
    return CliRunner().invoke(cli, args + (["--lang", lang] if lang else []), env=env, input=stdin,
                              catch_exceptions=False)


#: bad profile -> the English message the advisor gives (as the English tests pin it), the code and what the
#: Chinese message must keep
CASES = {
    "malformed JSON": ('{"name": "x" "price_level": "low"}',
                       "{p}:1:14: not valid JSON: Expecting ',' delimiter [E110]", ["{p}:1:14: "]),
    "unknown field": ('{"name": "x", "prce_level": "low"}',
                      "{p}:1:15: profile: unknown field 'prce_level'; expected a field of knowledge/fields.yaml "
                      "(see `advisor fields`) (did you mean 'price_level'?) [E201]",
                      ["{p}:1:15: ", "'prce_level'", "'price_level'"]),
    "unknown fields": ('{"budjet": 1, "shop_name": "x"}',
                       "{p}:1:2: profile: 2 unknown fields: 'budjet', 'shop_name'; expected a field of "
                       "knowledge/fields.yaml (see `advisor fields`) [E201]", ["'budjet'", "'shop_name'"]),
    "value not allowed": ('{"name": "x", "price_level": "lw"}',
                          "{p}:1:15: field 'price_level': 'lw' is not allowed; expected one of: low, medium, high, "
                          "luxury (did you mean 'low'?) [E203]",
                          ["{p}:1:15: ", "'price_level'", "'lw'", "low", "medium", "high", "luxury", "'low'"]),
    "wrong type": ('{"offline_channels": "dealers"}',
                   "{p}:1:2: field 'offline_channels': 'dealers' has the wrong type; expected a list of: "
                   "physical_stores, sales_staff, phone_sales, catalog_mail, dealers [E202]",
                   ["{p}:1:2: ", "'offline_channels'", "'dealers'", "physical_stores", "catalog_mail"]),
    "list repeats": ('{"offline_channels": ["dealers", "dealers"]}',
                     "{p}:1:2: field 'offline_channels': the list repeats a value; expected each choice at most once "
                     "[E205]", ["'offline_channels'"]),
    "not an object": ('[1, 2]', '{p}: profile is a list, not a JSON object; expected an object such as '
                      '{{"business_model": "B2C"}} [E200]', ["{p}: "]),
    "empty file": ("  \n", "{p}: file is empty; expected a JSON object or a YAML mapping [E103]", ["{p}: "]),
    "control character": ('{"name": "a\\u001bb"}', "{p}:1:2: field 'name': text holds the control character U+001B "
                          "at character 2; expected printable text (no control characters in 'name') [E206]",
                          ["U+001B", "'name'"]),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_bad_profile_is_reported_in_chinese_and_unchanged_in_english(case, tmp_path):
    text, english, kept = CASES[case]
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    code = english[-5:-1]
    en = _run(["advise", str(path)], "en")
    assert en.exit_code == 2 and en.stderr == f"advisor: {english.format(p=path)}\n"
    for zh in (_run(["advise", str(path)], "zh"), _run(["advise", str(path)], locale="zh_CN.UTF-8")):
        message = zh.stderr
        assert zh.exit_code == 2 and message.startswith("advisor: ") and message.endswith(f" [{code}]\n")
        assert CJK.search(message), message
        for part in kept:
            assert part.format(p=path) in message, (part, message)
        rest = message.replace(str(path), " ").replace("advisor fields", " ").replace("knowledge/fields.yaml", " ")
        assert not ENGLISH_RUN.findall(rest), message


def test_the_choices_of_a_chinese_message_carry_their_chinese_labels(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"price_level": "cheap"}', encoding="utf-8")
    message = _run(["advise", str(path)], "zh").stderr
    assert "字段 'price_level'" in message and "没有 'cheap' 这个选项" in message
    assert re.search(r"low（[^）]*[\u4e00-\u9fff][^）]*）、medium（", message), message


def test_a_batch_line_error_speaks_the_language_of_the_run_and_keeps_its_code(tmp_path):
    lines = tmp_path / "shops.jsonl"
    lines.write_text('{"price_level": "low"}\n{"price_level": "lw"}\n{"x": \n', encoding="utf-8")
    for jobs in ("1", "2"):
        en = _run(["batch", str(lines), "-j", jobs], "en")
        zh = _run(["batch", str(lines), "-j", jobs], "zh")
        assert en.exit_code == zh.exit_code == 1
        en_records = [json.loads(line) for line in en.stdout.splitlines()][1:]
        zh_records = [json.loads(line) for line in zh.stdout.splitlines()][1:]
        assert [r["error"]["code"] for r in zh_records] == [r["error"]["code"] for r in en_records] == ["E203", "E110"]
        assert en_records[0]["error"]["message"] == (f"{lines}:2: field 'price_level': 'lw' is not allowed; "
                                                     "expected one of: low, medium, high, luxury (did you mean "
                                                     "'low'?) [E203]")
        for record in zh_records:
            assert CJK.search(record["error"]["message"]) and f"{lines}:{record['line']}:" in record["error"]["message"]
        assert "'lw'" in zh_records[0]["error"]["message"] and "'low'" in zh_records[0]["error"]["message"]
        assert "3 profiles: 1 advised, 2 failed" in en.stderr
        assert "共 3 份档案：1 份已出建议，2 份出错" in zh.stderr
        assert not ENGLISH_RUN.findall(zh.stderr.replace(str(lines), " ")), zh.stderr


@pytest.mark.parametrize("args, code", [
    (["whatif", TEA, "--set", "price_level=cheap"], "E502"),
    (["whatif", TEA, "--set", "prce_level=low"], "E502"),
    (["whatif", TEA], "E502"),
    (["explain", TEA, "sео-nonsense"], "E501"),
    (["explain", TEA, "w99"], "E501"),
    (["advise", TEA, "-o", "report.pdf"], "E150"),
])
def test_option_errors_of_the_shop_owners_commands_are_chinese(args, code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    en, zh = _run(args, "en"), _run(args, "zh")
    assert en.exit_code == zh.exit_code == 2
    assert f"[{code}]" in en.stderr and f"[{code}]" in zh.stderr and not CJK.search(en.stderr)
    assert CJK.search(zh.stderr), zh.stderr
    rest = re.sub(r"advisor \w+ [A-Z]+[^，；）]*|--[a-z]+ [A-Z=]+|-o \S+|\S+\.\w+", " ", zh.stderr)
    assert not ENGLISH_RUN.findall(rest), zh.stderr


def test_an_answer_file_error_is_chinese(tmp_path):
    answers = tmp_path / "answers.yaml"
    answers.write_text("price_level: 9\nmarketing_staff: 3\n", encoding="utf-8")
    zh = _run(["ask", "--answers", str(answers)], "zh")
    assert zh.exit_code == 2 and f"{answers}:1:1: 字段 'price_level'" in zh.stderr and "[E203]" in zh.stderr
    assert "没有选项 9" in zh.stderr
    answers.write_text("marketing_staff: 100000\n", encoding="utf-8")
    assert "[E204]" in _run(["ask", "--answers", str(answers)], "zh").stderr


def test_the_audit_speaks_english_in_a_chinese_locale(tmp_path):
    result = _run(["audit", "-o", str(tmp_path / "x.pdf")], locale="zh_CN.UTF-8")
    assert result.exit_code == 2 and "cannot write PDF files" in result.stderr and not CJK.search(result.stderr)


# --------------------------------------------------------------------------- every command a shop owner uses


def _english_sentences(text: str, allowed: set[str]) -> list[str]:
    """English runs left once ids, commands, paths and the knowledge base's untranslated texts are out."""
    from advisor.kb import load_knowledge_base

    fields = load_knowledge_base().fields
    ids = set(fields.names()) | {c.id for f in fields.fields for c in f.choices} | {g.id for g in fields.groups}
    flat = " ".join(text.split())
    for piece in sorted(allowed, key=len, reverse=True):
        flat = flat.replace(piece, " ")
    flat = re.sub(r"[\w-]+", lambda m: " " if m.group() in ids else m.group(), flat)
    flat = re.sub(r"“[^”]*”|\"[^\"]*\"", " ", flat)  # quotations of the sources
    flat = re.sub(r"advisor \w+ [A-Z]+( [A-Z]+)?( --\S+)*( [A-Z=]+)?|--[a-z-]+( \d+)?|https?://\S+|\S+/\S+", " ", flat)
    return ENGLISH_RUN.findall(flat)


def _kb_texts() -> set[str]:
    from tests.test_i18n_zh import _kb_allowed

    return _kb_allowed()


def test_the_shop_owners_commands_print_no_english_sentence_in_chinese(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report = json.loads(_run(["advise", TEA, "-f", "json"], "zh").stdout)
    from tests.test_i18n_zh import _allowed

    allowed = _allowed(report) | _kb_texts()
    item = report["recommendations"][0]["id"]
    lines = tmp_path / "shops.jsonl"
    lines.write_text(Path(TEA).read_text(encoding="utf-8").replace("\n", " ") + "\n", encoding="utf-8")
    answers = tmp_path / "answers.yaml"
    answers.write_text("name: 茶香小铺\nprice_level: 2\n", encoding="utf-8")
    runs = {
        "advise": ["advise", TEA, "--width", "88"],
        "advise -o": ["advise", TEA, "-o", "report.md"],
        "explain": ["explain", TEA, item, "--width", "88"],
        "whatif": ["whatif", TEA, "--set", "price_level=high"],
        "fields": ["fields"],
        "batch": ["batch", str(lines), "-o", "out.jsonl"],
        "ask --answers": ["ask", "--answers", str(answers), "--save", "saved.json"],
    }
    for name, args in runs.items():
        result = _run(args, "zh")
        assert result.exit_code == 0, (name, result.stderr)
        for stream in (result.stdout, result.stderr):
            left = _english_sentences(stream.replace(str(tmp_path), " "), allowed)
            assert not left, f"{name}: English left: {left[:8]}"
