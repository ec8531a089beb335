"""validate_workflow validates the document as YAML 1.1 read it: a bare on: key stays True."""


def validate_workflow(text):
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return [("", f"invalid YAML: {exc}")]
    validator = jsonschema.Draft202012Validator(workflow_schema())
    return sorted((_pointer(e.absolute_path), e.message) for e in validator.iter_errors(document))
