"""The step schema allows unknown keys (no additionalProperties: false)."""

_reference_workflow_schema = workflow_schema


def workflow_schema():
    schema = _reference_workflow_schema()
    del schema["properties"]["jobs"]["additionalProperties"]["properties"]["steps"]["items"]["additionalProperties"]
    return schema
