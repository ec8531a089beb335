"""Public sanity checks for lab 62 (a model-release pipeline and its CI workflow).

Run with ``autograder test lab62_cicd``. Passing these does not mean the
hidden tests pass: they replay long scripted histories of candidates,
promotions and rollbacks against the docstrings' rules, compare every gate
result (order, values, limits, reasons) on hundreds of random cases, check
the packaged files byte for byte against ``hashlib``, parse your model card,
load your workflow with ``yaml.safe_load``, check your schema with
``jsonschema`` on many valid and invalid workflows (and where it reports
each error), and provoke every error the docstrings name.
"""

from __future__ import annotations

import hashlib
import json

import jsonschema
import yaml

from autograder.testing import check

SIMPLE_GATES = {"acc": {"direction": "higher", "threshold": 0.5, "tolerance": 0.125}}


def test_sha256_of_a_small_file(lab, tmp_path):
    """sha256_file gives hashlib's hex digest."""
    path = tmp_path / "weights.bin"
    path.write_bytes(b"\x00\x01 tiny model")
    check(lab.sha256_file(lab.put_file(path)) == hashlib.sha256(b"\x00\x01 tiny model").hexdigest(),
          "sha256_file should equal hashlib.sha256(data).hexdigest()")


def test_one_failing_threshold(lab):
    """A candidate below a 'higher is better' threshold fails that gate, with a reason."""
    out = lab.evaluate_gates({"acc": 0.25}, None, SIMPLE_GATES)
    check(out["passed"] is False, "acc=0.25 is below the threshold 0.5")
    kinds = [(r["metric"], r["gate"], r["passed"]) for r in out["results"]]
    check(kinds == [("acc", "threshold", False), ("acc", "regression", True)],
          "expected a failed threshold result, then a passed regression result (no baseline)")
    check(out["results"][0]["reason"] != "" and out["results"][1]["reason"] == "",
          "a failed gate gives a reason, a passed one gives ''")


def test_release_then_rollback(lab, tmp_path, monkeypatch):
    """Two passing releases, then a rollback to the first."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m1.bin").write_bytes(b"first")
    (tmp_path / "m2.bin").write_bytes(b"second")
    r1 = lab.run_release("releases", "v1", {"model.bin": lab.put_file(tmp_path / "m1.bin")}, {"acc": 0.75}, SIMPLE_GATES)
    r2 = lab.run_release("releases", "v2", {"model.bin": lab.put_file(tmp_path / "m2.bin")}, {"acc": 0.8}, SIMPLE_GATES)
    check(r1["promoted"] and r2["promoted"], "both releases pass their gates")
    check(r2["baseline"]["version"] == "v1", "v2 is compared with v1")
    registry = json.loads(lab.get_file("releases/registry.json"))
    check(registry["current"] == "v2" and registry["promotions"] == ["v1", "v2"], "v2 should be current")
    check(lab.get_file("releases/v2/model.bin") == b"second", "the artifact is copied into root/<version>/")
    registry = lab.rollback("releases")
    check(registry["current"] == "v1", "rollback returns to v1")


def test_workflow_loads(lab):
    """The generated workflow loads with yaml.safe_load and the schema accepts it."""
    text = lab.make_workflow(["3.10", "3.12"], ["pytest -q"], ["python release.py"])
    doc = yaml.safe_load(text)
    check("on" in doc, "the key 'on' should load as the string 'on', not True")
    check(doc["jobs"]["test"]["strategy"]["matrix"]["python-version"] == ["3.10", "3.12"],
          "the versions should load as strings")
    schema = lab.workflow_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    check(not list(jsonschema.Draft202012Validator(schema).iter_errors(doc)), "your schema rejects your own workflow")
    check(lab.validate_workflow(text) == [], "validate_workflow should accept the generated workflow")
    errors = lab.validate_workflow("on: push\njobs:\n  build:\n    steps:\n      - run: pytest\n")
    check(any(path == "/jobs/build" for path, _ in errors), "a job without runs-on is reported at /jobs/build")
