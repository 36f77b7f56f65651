"""config.yaml and its schema (workflow/schemas/config.schema.yaml): every key described, and the same defaults.

Both state every default on purpose: config.yaml is the commented file a scientist reads and edits, the schema
validates it and fills in what a trimmed config or a --config override leaves out. This keeps them equal.
"""

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SCHEMA = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())
CONFIG = yaml.safe_load((REPO / "config.yaml").read_text())


def schema_keys(schema: dict, prefix: str = ""):
    """(dotted key, its schema) of every key, nested ones included."""
    for name, sub in schema.get("properties", {}).items():
        yield prefix + name, sub
        yield from schema_keys(sub, f"{prefix}{name}.")


def schema_defaults(schema: dict):
    """The configuration the schema's defaults make."""
    return {
        name: schema_defaults(sub) if sub.get("type") == "object" else sub["default"]
        for name, sub in schema["properties"].items()
    }


def test_every_key_has_a_description_and_a_default():
    keys = dict(schema_keys(SCHEMA))
    assert len(keys) > 20
    assert [k for k, sub in keys.items() if not sub.get("description")] == []
    assert [k for k, sub in keys.items() if "default" not in sub] == []


def test_config_yaml_states_the_schemas_defaults():
    assert CONFIG == schema_defaults(SCHEMA)


def test_snakemakes_validation_fills_in_the_same_defaults():
    from snakemake.utils import validate

    config = {}
    validate(config, str(REPO / "workflow" / "schemas" / "config.schema.yaml"))
    assert config == CONFIG
