"""The step schema uses anyOf for uses/run, so a step with both is accepted."""

_reference_workflow_schema = workflow_schema


def workflow_schema():
    schema = _reference_workflow_schema()
    step = schema["properties"]["jobs"]["additionalProperties"]["properties"]["steps"]["items"]
    step["anyOf"] = step.pop("oneOf")
    return schema
