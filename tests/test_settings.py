"""Every AUTOGRADER_* variable is read through autograder.settings and documented."""

import re
from pathlib import Path

from autograder import settings

PACKAGE = Path(settings.__file__).parent
DOC = Path(__file__).resolve().parents[1] / "docs" / "settings.md"
# the Gradescope export writes shell scripts that set variables for the runs they start
SHELL_WRITERS = {"exports/gradescope.py", "exports/gradescope_run.py"}


def test_the_docs_list_every_variable_with_its_meaning():
    text = DOC.read_text()
    for name, meaning in settings.VARIABLES.items():
        assert f"| `{name}` | {meaning} |" in text, f"docs/settings.md is out of date for {name}"


def test_no_module_reads_a_variable_by_its_own_spelling():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "settings.py" or rel in SHELL_WRITERS:
            continue
        for match in re.finditer(r"(?:environ\.get\(|environ\[|getenv\(|setdefault\()\s*[\"']AUTOGRADER_[A-Z_]+", path.read_text()):
            offenders.append(f"{rel}: {match.group()}")
    assert offenders == []
