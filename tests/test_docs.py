"""The documentation keeps up with the code: every error code and command is documented."""

from __future__ import annotations

import re

from conftest import ROOT

from advisor.commands.cli import COMMANDS
from advisor.errors import ERROR_CODES


def test_every_error_code_is_documented_once():
    text = (ROOT / "docs" / "errors.md").read_text()
    documented = re.findall(r"^\| (E\d{3}) \|", text, flags=re.M)
    assert sorted(documented) == sorted(ERROR_CODES)
    assert len(documented) == len(set(documented))


def test_every_code_raised_in_the_source_is_known():
    used = set()
    for path in (ROOT / "advisor").rglob("*.py"):
        used |= set(re.findall(r'code="(E\d{3})"', path.read_text()))
        used |= set(re.findall(r'"(E\d{3})", ', path.read_text()))
    assert used, "the scan found no codes at all"
    assert used <= set(ERROR_CODES), used - set(ERROR_CODES)


def test_every_command_has_help_and_a_readme_mention(run_cli):
    readme = (ROOT / "README.md").read_text()
    for name in COMMANDS:
        result = run_cli([name, "--help"])
        assert result.exit_code == 0, name
        assert "Usage:" in result.stdout and len(result.stdout.splitlines()) > 3
        assert f"advisor {name}" in readme, f"README.md does not mention `advisor {name}`"
