"""The schema lets unknown keys through (no additionalProperties: false)."""

INSTRUCTION_SCHEMA = {
    "type": "object",
    "properties": {
        "instruction": {"type": "string", "minLength": 1, "pattern": r"\S"},
        "input": {"type": "string"},
        "output": {"type": "string", "minLength": 1, "pattern": r"\S"},
    },
    "required": ["instruction", "output"],
}
_VALIDATOR = jsonschema.Draft202012Validator(INSTRUCTION_SCHEMA)
