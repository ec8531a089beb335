"""The schema only asks for strings: an empty or whitespace-only instruction or output passes."""

INSTRUCTION_SCHEMA = {
    "type": "object",
    "properties": {"instruction": {"type": "string"}, "input": {"type": "string"}, "output": {"type": "string"}},
    "required": ["instruction", "output"],
    "additionalProperties": False,
}
_VALIDATOR = jsonschema.Draft202012Validator(INSTRUCTION_SCHEMA)
