"""The shipped schemas: valid JSON Schemas, in step with the knowledge they describe."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import EXAMPLES

from advisor import schemas
from advisor.kb.fields import profile_schema


@pytest.mark.parametrize("name", ["rule", "profile", "fields", "catalog", "sources"])
def test_schema_files_are_valid_json_schemas(name):
    jsonschema.Draft202012Validator.check_schema(schemas.load(name))


def test_profile_schema_file_matches_the_field_definitions(kb):
    """advisor/schemas/profile.schema.json is generated: regenerate with `advisor schema profile`."""
    from advisor.kb import for_market

    generic = for_market(kb, None, "en")  # the kinds of platform, not one market's
    assert schemas.load("profile") == json.loads(json.dumps(profile_schema(generic.fields)))


def test_examples_validate_against_the_shipped_profile_schema():
    validator = jsonschema.Draft202012Validator(schemas.load("profile"))
    for path in sorted(EXAMPLES.glob("*.json")):
        assert not list(validator.iter_errors(json.loads(path.read_text()))), path


def test_shipped_rule_files_validate_against_the_rule_schema():
    import yaml
    from conftest import RULES

    validator = jsonschema.Draft202012Validator(schemas.load("rule"))
    for path in sorted(RULES.glob("*.yaml")):
        assert not list(validator.iter_errors(yaml.safe_load(path.read_text()))), path
