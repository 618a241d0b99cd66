"""The on-disk cache of compiled knowledge bases: hits, misses, damage and staleness."""

from __future__ import annotations

import json
import os

import pytest

from advisor.kb import cache
from advisor.kb.knowledge_base import load_knowledge_base, record_types


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("ADVISOR_CACHE_DIR", str(folder))
    monkeypatch.delenv("ADVISOR_NO_CACHE", raising=False)
    return folder


RULES = """
area: test
title: Test rules
rules:
  - id: eq
    title: Test rule
    when: {field: price_level, equals: high}
    then: [{recommend: seo}]
    because: A rule written for a test of the cache.
    source: {doc: "004", section: sales-channel}
"""


def _entries(folder):
    return sorted(folder.glob("kb-*.json"))


def test_a_warm_cache_is_used_and_gives_the_same_knowledge_base(cache_dir, write_rules):
    rules = write_rules(RULES)
    built = load_knowledge_base(rules=[rules])
    (entry,) = _entries(cache_dir)
    # a second load reads the entry: prove it by marking the entry's text
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace('"Test rule"', '"Test rule (from the cache)"'), encoding="utf-8")
    loaded = load_knowledge_base(rules=[rules])
    assert loaded.rule("eq").title == "Test rule (from the cache)"
    assert built.rule("eq").title == "Test rule"
    assert loaded.compiled == built.compiled and loaded.fields == built.fields and loaded.catalog == built.catalog
    assert loaded.rule("eq").location == built.rule("eq").location  # locations survive the trip
    assert loaded.rule("eq").location.line is not None


def test_shipped_base_round_trips_exactly(cache_dir):
    built = load_knowledge_base()
    loaded = load_knowledge_base()
    assert loaded is not built
    assert loaded == built
    assert [r.location for r in loaded.rules.rules] == [r.location for r in built.rules.rules]


def test_changing_a_rule_file_changes_the_key(cache_dir, write_rules):
    rules = write_rules(RULES)
    load_knowledge_base(rules=[rules])
    (rules / "test.yaml").write_text(RULES.replace("equals: high", "equals: low"), encoding="utf-8")
    kb = load_knowledge_base(rules=[rules])
    assert kb.rule("eq").when.value == "low"
    assert len(_entries(cache_dir)) == 2


@pytest.mark.parametrize("damage", ["", "not json\n{}", '[]\n{"__t": "Popen", "args": "true"}',
                                    '["x"]\n{"__t": "KnowledgeBase"}', '["x"]\n[1, 2'])
def test_a_damaged_entry_is_ignored_and_rebuilt(cache_dir, write_rules, damage):
    rules = write_rules(RULES)
    good = load_knowledge_base(rules=[rules])
    (entry,) = _entries(cache_dir)
    entry.write_text(damage, encoding="utf-8")
    again = load_knowledge_base(rules=[rules])
    assert again == good
    assert cache.decode_text(entry.read_text(encoding="utf-8"), record_types()) == good  # rewritten


def test_unknown_record_types_are_refused():
    with pytest.raises(ValueError, match="unexpected record"):
        cache.decode_text('[]\n{"__t": "subprocess.Popen", "args": ["true"]}', record_types())


def test_no_cache_writes_nothing(cache_dir, write_rules, monkeypatch):
    monkeypatch.setenv("ADVISOR_NO_CACHE", "1")
    load_knowledge_base(rules=[write_rules(RULES)])
    assert not cache_dir.exists() or not _entries(cache_dir)


def test_key_covers_the_code_that_builds_the_entry(tmp_path):
    files = [tmp_path / "a.yaml"]
    files[0].write_text("x: 1\n")
    key = cache.content_key("1", files)
    assert key == cache.content_key("1", files)
    assert key != cache.content_key("2", files)
    cache._fingerprint = b"another build"
    try:
        assert key != cache.content_key("1", files)
    finally:
        cache._fingerprint = None


def test_a_read_only_cache_folder_is_not_an_error(cache_dir, write_rules):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    cache_dir.mkdir()
    cache_dir.chmod(0o500)
    try:
        kb = load_knowledge_base(rules=[write_rules(RULES)])
        assert kb.rule("eq") is not None
    finally:
        cache_dir.chmod(0o700)


def test_entry_is_json_with_a_path_table(cache_dir, write_rules):
    rules = write_rules(RULES)
    load_knowledge_base(rules=[rules])
    (entry,) = _entries(cache_dir)
    head, body = entry.read_text(encoding="utf-8").split("\n", 1)
    paths = json.loads(head)
    assert str(rules / "test.yaml") in paths
    assert json.loads(body)["__t"] == "KnowledgeBase"
