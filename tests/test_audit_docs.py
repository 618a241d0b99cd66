"""Every audit code is documented in docs/audit.md, from the checks themselves, and well formed."""

from __future__ import annotations

import re
from pathlib import Path

from advisor.audit.checks import registry
from advisor.audit.docs import BEGIN, END, codes_markdown

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")


def test_the_code_reference_in_the_docs_is_up_to_date():
    generated = DOC[DOC.index(BEGIN):DOC.index(END) + len(END)] + "\n"
    assert generated == codes_markdown(), "run: python3 -m advisor.audit.docs docs/audit.md"


def test_every_code_has_a_section_and_nothing_else_does():
    documented = re.findall(r"^### (A\d{3}) ", DOC, flags=re.MULTILINE)
    assert documented == list(registry())


def test_checks_are_well_formed():
    names = [c.name for c in registry().values()]
    assert len(set(names)) == len(names)
    for check in registry().values():
        assert re.fullmatch(r"A\d{3}", check.code)
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", check.name)
        assert check.summary.endswith(".") and "\n" not in check.summary
        assert check.fail.strip() and check.passes.strip() and check.fix.strip()
        assert check.fail != check.passes


def test_the_readme_and_the_hook_mention_the_audit():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "advisor audit" in readme and "docs/audit.md" in readme
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "entry: advisor audit" in hooks
