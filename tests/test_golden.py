"""Golden reports: `advisor advise --format json` for every example profile, byte for byte, and one text
report in Chinese (tea-shop.zh.txt).

A change to the rules, catalogs or report shows up here as a diff to review. When the
change is intended, regenerate on purpose and read the diff before committing:

    python3 -m pytest tests/test_golden.py --regen-golden
    git diff tests/golden/

What the advice must contain, whatever the exact report, is asserted separately in
tests/test_examples.py (written from the source documents, not from these files).
"""

from __future__ import annotations

import difflib
import json

import pytest
from conftest import EXAMPLES, ROOT

GOLDEN = ROOT / "tests" / "golden"
PROFILES = sorted(EXAMPLES.glob("*.json"))


def test_there_is_a_golden_report_for_every_example_and_no_other(request):
    if request.config.getoption("--regen-golden"):
        pytest.skip("regenerating")
    assert {p.stem for p in GOLDEN.glob("*.json")} == {p.stem for p in PROFILES}, \
        "run `python3 -m pytest tests/test_golden.py --regen-golden` after adding or removing an example"


@pytest.mark.parametrize("profile", PROFILES, ids=[p.stem for p in PROFILES])
def test_report_matches_the_golden_file(run_cli, request, profile):
    result = run_cli(["advise", str(profile), "--format", "json", "--no-cache"])
    assert result.exit_code == 0, result.stderr
    actual = result.stdout
    json.loads(actual)  # well-formed
    golden = GOLDEN / f"{profile.stem}.json"
    if request.config.getoption("--regen-golden"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        return
    assert golden.is_file(), f"no golden report {golden.name}; regenerate with --regen-golden"
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            f"golden/{golden.name}", "advisor advise", n=2))
        pytest.fail(f"the report for {profile.name} changed (regenerate with --regen-golden if intended):\n"
                    + diff[:6000])


#: one report in Chinese, as text: the words of the diagnosis, the catalogs and fields.yaml in Chinese. It changes
#: when a translation does (knowledge/i18n/zh/, advisor/locale/zh/) - the rules' texts are still to come.
ZH_GOLDEN = GOLDEN / "tea-shop.zh.txt"


def test_chinese_text_report_matches_the_golden_file(run_cli, request):
    result = run_cli(["advise", str(EXAMPLES / "tea-shop.json"), "--lang", "zh", "--width", "88", "--no-cache"])
    assert result.exit_code == 0, result.stderr
    if request.config.getoption("--regen-golden"):
        ZH_GOLDEN.write_text(result.stdout, encoding="utf-8")
        return
    assert ZH_GOLDEN.is_file(), f"no golden report {ZH_GOLDEN.name}; regenerate with --regen-golden"
    expected = ZH_GOLDEN.read_text(encoding="utf-8")
    if result.stdout != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), result.stdout.splitlines(keepends=True),
                                            f"golden/{ZH_GOLDEN.name}", "advisor advise --lang zh", n=2))
        pytest.fail("the Chinese report for tea-shop.json changed (regenerate with --regen-golden if intended):\n"
                    + diff[:6000])
