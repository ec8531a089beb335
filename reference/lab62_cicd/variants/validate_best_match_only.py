"""validate_workflow reports only jsonschema's best match instead of every error."""

_reference_validate_workflow = validate_workflow


def validate_workflow(text):
    errors = _reference_validate_workflow(text)
    return errors[:1]
