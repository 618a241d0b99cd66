"""Fuzzing the two loaders people feed by hand: profiles (JSON) and rule files (YAML).

Whatever the input, a loader either returns its result or raises an
:class:`~advisor.errors.InputError` carrying a code and a location; any other
exception is a bug. The default budget is small; the documented longer run is::

    HYPOTHESIS_PROFILE=fuzz python3 -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from conftest import EXAMPLES, RULES
from fuzz_kit import mutate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.errors import ERROR_CODES, InputError
from advisor.inference.profile import parse_profile
from advisor.kb.knowledge_base import load_knowledge_base
from advisor.kb.loader import load_rule_base

KB = load_knowledge_base()
SEED_PROFILE = (EXAMPLES / "tea-shop.json").read_text()
SEED_RULES = sorted(RULES.glob("*.yaml"))[0].read_text()

# tokens that steer mutations towards the interesting corners of each format
JSON_TOKENS = ['{', '}', '[', ']', ',', ':', '"', 'NaN', '1e999', '-0', 'true', 'null', '"price_level"',
               '"offline_channels"', '"months_online"', '\\u0000', '\\ud800', '9' * 40]
YAML_TOKENS = ['\n', '  ', '- ', ': ', '&a ', '*a', '!!python/object ', '!tag ', '<<: *a', '"', "'", '{', '}',
               '[', ']', '---\n', '...\n', '? ', '|\n', '>-\n', '\t', 'field: ', 'fact: ', 'all:', 'any:',
               'not:', 'equals: ', 'in: ', 'yes', 'no', '~', '.inf', '0x1F', '2024-01-01', 'id: ', 'then:']


def check_profile(text: str) -> None:
    try:
        parse_profile(text, KB.fields, source="fuzz.json")
    except InputError as error:
        assert error.code in ERROR_CODES
        assert error.location is not None and error.location.path == "fuzz.json"
        assert "\n" not in error.render()


def check_rules(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "fuzz.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
        for strict in (True, False):
            try:
                result = load_rule_base([folder], KB.fields, KB.catalog, strict=strict)
            except InputError as error:
                assert error.code in ERROR_CODES
                assert "\n" not in error.render()
            else:
                for problem in result.problems:
                    assert problem.code in ERROR_CODES
                    assert problem.location is not None


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(mutate(SEED_PROFILE, JSON_TOKENS))
def test_fuzz_profile_loader_mutations(text):
    check_profile(text)


@given(st.text(max_size=200))
def test_fuzz_profile_loader_any_text(text):
    check_profile(text)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(
                        st.sampled_from(KB.fields.names()[:12] + ["x", "name"]), c, max_size=4), max_leaves=12))
def test_fuzz_profile_loader_any_json_value(value):
    check_profile(json.dumps(value, allow_nan=True))


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(mutate(SEED_RULES, YAML_TOKENS))
def test_fuzz_rule_loader_mutations(text):
    check_rules(text)


@settings(deadline=None)
@given(st.text(max_size=300))
def test_fuzz_rule_loader_any_text(text):
    check_rules(text)
