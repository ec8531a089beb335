"""The layout keeps the trust boundary visible: what runs inside the sandbox
loads nothing else of the grader."""

import json
import subprocess
import sys

ALLOWED = {"autograder", "autograder.settings"}  # the package itself, and constants


def test_the_sandboxed_code_loads_nothing_else_of_the_grader():
    code = "import sys, json, autograder.sandboxed.worker; print(json.dumps(sorted(m for m in sys.modules if m.startswith('autograder'))))"
    proc = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    outside = sorted(m for m in loaded - ALLOWED if not m.startswith("autograder.sandboxed"))
    assert outside == [], f"the sandboxed code imports the grader's {outside}"
    assert {"autograder.sandboxed.worker", "autograder.sandboxed.calls", "autograder.sandboxed.wire"} <= loaded


def test_the_report_is_built_from_data_alone():
    """report.py reads no device, clock of the machine or process: the runner records the device."""
    source = (__import__("autograder.report").report.__file__)
    text = open(source).read()
    assert "describe_device" not in text and "/proc/" not in text
