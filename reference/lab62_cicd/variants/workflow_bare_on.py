"""The workflow writes the key on bare (a hand-written template): yaml.safe_load reads it as True."""

_reference_make_workflow = make_workflow


def make_workflow(python_versions, test_commands, release_commands, *, name="model-release", branch="main", runs_on="ubuntu-latest"):
    text = _reference_make_workflow(python_versions, test_commands, release_commands, name=name, branch=branch, runs_on=runs_on)
    return text.replace("\n'on':\n", "\non:\n")
