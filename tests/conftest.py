"""Shared fixtures: the shipped knowledge base, small hand-written rule bases, the CLI."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import settings

from advisor.kb.knowledge_base import KnowledgeBase, default_paths, load_knowledge_base

ROOT = Path(__file__).resolve().parent.parent

# Hypothesis budgets: "ci" (default) keeps the suite quick; "fuzz" is the longer run
# documented in docs/testing.md (HYPOTHESIS_PROFILE=fuzz).
settings.register_profile("ci", max_examples=60, deadline=None)
settings.register_profile("fuzz", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
EXAMPLES = ROOT / "examples"
KNOWLEDGE, RULES = default_paths()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen-golden", action="store_true", default=False,
                     help="Rewrite tests/golden/ from the current output (review the diff!).")


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or write the user's cache."""
    import os

    os.environ["ADVISOR_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    _english_by_default()


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture
def write_rules(tmp_path: Path):
    """write_rules(yaml_text, name="test.yaml") -> the folder holding the rule file."""

    def write(text: str, name: str = "test.yaml") -> Path:
        folder = tmp_path / "rules"
        folder.mkdir(exist_ok=True)
        (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return folder

    return write


@pytest.fixture
def make_kb(write_rules):
    """make_kb(yaml_text) -> a KnowledgeBase of the shipped knowledge and only these rules."""

    def make(text: str) -> KnowledgeBase:
        return load_knowledge_base(rules=[write_rules(text)], use_cache=False)

    return make


class CliResult:
    def __init__(self, result: Any) -> None:
        self.exit_code = result.exit_code
        self.stdout = result.stdout
        self.stderr = result.stderr
        self.exception = result.exception

    def json(self) -> Any:
        return json.loads(self.stdout)


def _cli_runner():
    from advisor.commands.cli import cli

    def run(args: list[str], input: str | bytes | None = None) -> CliResult:
        runner = CliRunner()
        result = runner.invoke(cli, args, input=input, catch_exceptions=False)
        return CliResult(result)

    return run


@pytest.fixture
def run_cli():
    """run_cli(args, input=None) -> result with exit_code, stdout, stderr."""
    return _cli_runner()


@pytest.fixture(scope="session")
def run_cli_module():
    """The same, shareable across hypothesis examples."""
    return _cli_runner()


def _english_by_default() -> None:
    """The goldens and exact-text tests are English: a machine whose locale is Chinese must not change them
    (tests/test_i18n.py sets the locale itself where it matters)."""
    from advisor.i18n import from_environment

    if from_environment() != "en":
        os.environ["LC_ALL"] = "C.UTF-8"
