"""The Python versions are written bare, so '3.10' loads back as the float 3.1."""

_reference_make_workflow = make_workflow


def make_workflow(python_versions, test_commands, release_commands, *, name="model-release", branch="main", runs_on="ubuntu-latest"):
    text = _reference_make_workflow(python_versions, test_commands, release_commands, name=name, branch=branch, runs_on=runs_on)
    return re.sub(r"'([0-9]+\.[0-9]+)'", r"\1", text)
