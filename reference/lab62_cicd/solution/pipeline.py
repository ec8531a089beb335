"""Lab 62: a model-release pipeline and its CI workflow.

A release of a model goes through the same steps every time: the tests run,
the model is evaluated, the results are **gated** (absolute thresholds per
metric, and no regression against the release in production), the
artifacts are **packaged** with their SHA-256 checksums and a **model
card**, and a release that passes every gate is **promoted**. A bad
release in production is **rolled back** to the one promoted before it.

Everything lives in a folder ``root`` on local disk:

``root/registry.json``
    the registry, a JSON object with exactly three keys:

    * ``"releases"``: every release attempted, in the order attempted (a
      list of release records, see ``run_release``), rejected ones included;
    * ``"promotions"``: the promotion history, a list of versions, oldest
      first; every successful ``promote`` (or automatic promotion in
      ``run_release``) appends the version, every ``rollback`` removes the
      last entry. A version may appear more than once (promoted again later);
    * ``"current"``: the version in production: the last entry of
      ``"promotions"``, or ``None`` when that list is empty.

``root/<version>/``
    the release's artifacts (copies, under their artifact names), the file
    ``SHA256SUMS`` and the file ``MODEL_CARD.md``.

Functions that change the registry rewrite ``registry.json`` as a whole
(``json.dump`` with any indentation); a call that raises changes no file.
Metric values are floats; a gate spec is a dict (see ``evaluate_gates``).

The CI side: ``make_workflow`` writes a GitHub Actions workflow (YAML),
``workflow_schema`` is a JSON Schema for the subset of the workflow syntax
this course uses, and ``validate_workflow`` checks a workflow's text
against it with ``jsonschema``.
"""

from __future__ import annotations

import hashlib
import json
import math
import operator
import os
import re
import shutil
from collections.abc import Mapping, Sequence
from typing import Any

import jsonschema
import yaml

REGISTRY = "registry.json"
CHECKSUMS = "SHA256SUMS"
MODEL_CARD = "MODEL_CARD.md"
DIRECTIONS = ("higher", "lower")

_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
_PYTHON = re.compile(r"[0-9]+\.[0-9]+\Z")


# ---- checksums ---------------------------------------------------------------------------------------------


def sha256_file(path: str) -> str:
    """The SHA-256 digest of a file's bytes, as 64 lower-case hex digits.

    Reads the file in chunks (a model file may be larger than memory), so the
    result equals ``hashlib.sha256(open(path, "rb").read()).hexdigest()``
    for any size, the empty file included. A missing file raises
    ``FileNotFoundError``.
    """
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


# ---- gates -------------------------------------------------------------------------------------------------


def _check_gates(gates: Mapping[str, Mapping[str, Any]]) -> None:
    for metric, spec in gates.items():
        if spec.get("direction") not in DIRECTIONS:
            raise ValueError(f"gate {metric!r}: direction must be 'higher' or 'lower'")
        tolerance = spec.get("tolerance")
        if tolerance is not None and not float(tolerance) >= 0.0:
            raise ValueError(f"gate {metric!r}: tolerance must be >= 0")


def _result(metric: str, gate: str, passed: bool, value: float | None, limit: float | None, reason: str) -> dict:
    return {"metric": metric, "gate": gate, "passed": passed, "value": value, "limit": limit,
            "reason": "" if passed else reason}


_AT_LEAST_AS_GOOD = {"higher": operator.ge, "lower": operator.le}
_WORSE = {"higher": -1.0, "lower": 1.0}     # the sign of a regression: down for "higher", up for "lower"


def evaluate_gates(
    candidate: Mapping[str, float],
    baseline: Mapping[str, float] | None,
    gates: Mapping[str, Mapping[str, Any]],
    tests: Mapping[str, int] | None = None,
) -> dict:
    """Every gate of a release candidate, all of them reported.

    ``candidate`` maps metric names to the candidate's values; ``baseline``
    is the metrics of the release in production (``None`` when there is
    none); ``gates`` maps a metric name to its spec, a dict with

    * ``"direction"`` (required): ``"higher"`` (higher is better, e.g.
      accuracy) or ``"lower"`` (e.g. latency);
    * ``"threshold"`` (optional, default ``None``): the absolute bound; the
      value must be ``>= threshold`` (higher) or ``<= threshold`` (lower);
      the bound itself passes;
    * ``"tolerance"`` (optional, default ``None``): the regression allowed
      against the baseline, absolute, ``>= 0``: the value must be
      ``>= baseline - tolerance`` (higher) or ``<= baseline + tolerance``
      (lower); the bound itself passes.

    ``tests`` (optional) is the test run's outcome, ``{"passed": int,
    "failed": int}``.

    Returns ``{"passed": bool, "results": [result, ...]}``, each result a
    dict with exactly the keys ``"metric"`` (str), ``"gate"`` (str),
    ``"passed"`` (bool), ``"value"`` (float or None), ``"limit"`` (float or
    None) and ``"reason"`` (``""`` when the gate passed, a non-empty
    explanation when it failed). The results, in this order:

    1. when ``tests`` is given: ``{"metric": "tests", "gate": "tests",
       "value": float(failed), "limit": 0.0}``, passed when no test failed
       and at least one passed;
    2. then for each metric of ``gates``, in sorted order of the names:

       * when the candidate lacks the metric, one result with gate
         ``"missing"``, ``value`` and ``limit`` ``None``, failed (and
         nothing else for that metric);
       * otherwise, when the spec has a threshold, gate ``"threshold"``
         with ``limit`` the threshold;
       * then, when the spec has a tolerance, gate ``"regression"``: when
         ``baseline`` is ``None`` or lacks the metric, passed with
         ``limit`` ``None``; else ``limit`` is ``baseline - tolerance``
         (higher) or ``baseline + tolerance`` (lower).

       A NaN value fails every gate it meets. ``value`` is the candidate's
       value as a float.

    Every gate is evaluated and reported: a failure does not stop the
    others. ``"passed"`` is true when every result passed (no results:
    true). Metrics of the candidate without a gate are ignored. A
    direction other than the two names, or a negative tolerance, raises
    ``ValueError``.
    """
    _check_gates(gates)
    results = []
    if tests is not None:
        failed, passed = int(tests["failed"]), int(tests["passed"])
        results.append(_result("tests", "tests", failed == 0 and passed > 0, float(failed), 0.0,
                               f"{failed} test(s) failed, {passed} passed"))
    for metric in sorted(gates):
        spec = gates[metric]
        direction = spec["direction"]
        if metric not in candidate:
            results.append(_result(metric, "missing", False, None, None, f"{metric} was not measured"))
            continue
        value = float(candidate[metric])
        threshold = spec.get("threshold")
        if threshold is not None:
            limit = float(threshold)
            ok = _AT_LEAST_AS_GOOD[direction](value, limit)
            results.append(_result(metric, "threshold", ok, value, limit,
                                   f"{metric} = {value} misses the threshold {limit} ({direction} is better)"))
        tolerance = spec.get("tolerance")
        if tolerance is not None:
            if baseline is None or metric not in baseline:
                results.append(_result(metric, "regression", not math.isnan(value), value, None,
                                       f"{metric} is NaN"))
                continue
            base = float(baseline[metric])
            limit = base + _WORSE[direction] * float(tolerance)
            ok = _AT_LEAST_AS_GOOD[direction](value, limit)
            results.append(_result(metric, "regression", ok, value, limit,
                                   f"{metric} = {value} regressed beyond {limit} (baseline {base})"))
    return {"passed": all(r["passed"] for r in results), "results": results}


# ---- model card --------------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "pass" if value else "fail"
    if isinstance(value, (int, float)):
        return format(float(value), ".4f")
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def model_card(record: Mapping[str, Any], gates: Mapping[str, Mapping[str, Any]], name: str) -> str:
    """The Markdown model card of a release record (see ``run_release``).

    The card is, line by line (blank lines between blocks are free):

    * ``# <name> <version>``, the only level-1 heading;
    * ``## Decision``, then a line ``Status: PROMOTED`` or ``Status:
      REJECTED`` (the record's ``"promoted"``), then ``Baseline: <version>``
      or ``Baseline: none``;
    * ``## Metrics``, then a Markdown table with the header ``| metric |
      value | baseline | direction | threshold | tolerance |``, its
      ``|---|...`` separator line, and one row per metric of the record's
      metrics or of ``gates`` (their union), sorted by name;
    * ``## Gates``, then a table ``| gate | metric | result | value | limit
      |`` with one row per result of ``record["gates"]["results"]``, in
      their order; ``result`` is ``pass`` or ``fail``;
    * ``## Artifacts``, then a table ``| file | sha256 |`` with one row per
      artifact, sorted by file name.

    In the tables every number is written ``format(x, ".4f")`` (NaN as
    ``nan``), every absent value (a metric not measured, no baseline, no
    gate or no threshold or tolerance, a ``None``) as ``-``; the direction
    is ``higher`` or ``lower``. Each table row starts and ends with ``|``;
    spaces around cells are free. Sections come in the order above.
    """
    baseline = record.get("baseline") or {}
    base_metrics = baseline.get("metrics", {})
    metrics = record["metrics"]
    lines = [f"# {name} {record['version']}", "", "## Decision", "",
             f"Status: {'PROMOTED' if record['promoted'] else 'REJECTED'}",
             f"Baseline: {baseline.get('version') or 'none'}", "", "## Metrics", ""]
    rows = []
    for metric in sorted(set(metrics) | set(gates)):
        spec = gates.get(metric, {})
        rows.append([metric, metrics.get(metric), base_metrics.get(metric), spec.get("direction"),
                     spec.get("threshold"), spec.get("tolerance")])
    lines += _table(["metric", "value", "baseline", "direction", "threshold", "tolerance"], rows)
    lines += ["", "## Gates", ""]
    lines += _table(["gate", "metric", "result", "value", "limit"],
                    [[r["gate"], r["metric"], bool(r["passed"]), r["value"], r["limit"]]
                     for r in record["gates"]["results"]])
    lines += ["", "## Artifacts", ""]
    lines += _table(["file", "sha256"], sorted(record["artifacts"].items()))
    return "\n".join(lines) + "\n"


# ---- the registry ------------------------------------------------------------------------------------------


def load_registry(root: str) -> dict:
    """The registry in ``root`` (see the module docstring).

    When ``root/registry.json`` does not exist, the empty registry
    ``{"releases": [], "promotions": [], "current": None}``; nothing is
    created on disk.
    """
    path = os.path.join(root, REGISTRY)
    if not os.path.exists(path):
        return {"releases": [], "promotions": [], "current": None}
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _save(root: str, registry: dict) -> None:
    os.makedirs(root, exist_ok=True)
    path = os.path.join(root, REGISTRY)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(registry, fh)
    os.replace(tmp, path)


def _find(registry: dict, version: str) -> dict:
    for record in registry["releases"]:
        if record["version"] == version:
            return record
    raise KeyError(f"no release {version!r}")


def _verify(root: str, record: Mapping[str, Any]) -> list[str]:
    bad = []
    for file, digest in sorted(record["artifacts"].items()):
        if sha256_file(os.path.join(root, record["version"], file)) != digest:
            bad.append(file)
    return bad


def verify_release(root: str, version: str) -> list[str]:
    """The artifacts of a release whose files no longer match their checksums.

    Recomputes the SHA-256 of each artifact in ``root/<version>/`` and
    returns the sorted names of those whose digest differs from the one
    recorded in the registry (``[]``: intact). An unknown version raises
    ``KeyError``.
    """
    return _verify(root, _find(load_registry(root), version))


def _baseline(registry: dict) -> dict | None:
    """The release in production, as ``{"version", "metrics"}``, or None."""
    current = registry["current"]
    if current is None:
        return None
    return {"version": current, "metrics": dict(_find(registry, current)["metrics"])}


def run_release(
    root: str,
    version: str,
    artifacts: Mapping[str, str],
    metrics: Mapping[str, float],
    gates: Mapping[str, Mapping[str, Any]],
    tests: Mapping[str, int] | None = None,
    name: str = "model",
) -> dict:
    """Run the pipeline for one candidate: gate it, package it, promote it if it passed.

    1. Checks (each raises before anything is written): ``version`` matches
       ``[A-Za-z0-9][A-Za-z0-9._-]*`` and is not already in the registry
       (``ValueError``); ``artifacts`` maps at least one artifact name to
       the path of its file (``ValueError`` otherwise), every name matching
       the same pattern as a version and being neither ``SHA256SUMS`` nor
       ``MODEL_CARD.md`` (``ValueError``), every path an existing file
       (``FileNotFoundError``); the gate specs are valid (``ValueError``,
       as in ``evaluate_gates``).
    2. The baseline is the **current** release (the one in production,
       after any rollbacks), or none when nothing is current; the gates
       are ``evaluate_gates(metrics, baseline's metrics or None, gates,
       tests)``.
    3. Packaging: each artifact is copied to ``root/<version>/<name>``
       (the folder is created when needed); ``root/<version>/SHA256SUMS`` holds one line per artifact,
       sorted by name, in ``sha256sum``'s format: ``<64 hex digits>``, two
       spaces, the name, ``\\n``; ``root/<version>/MODEL_CARD.md`` is
       ``model_card(record, gates, name)``. Rejected candidates are
       packaged too.
    4. The record is appended to the registry's ``"releases"``; when every
       gate passed, the version is promoted (appended to ``"promotions"``
       and made ``"current"``).

    Returns the record, a dict with exactly the keys ``"version"``,
    ``"metrics"`` (the candidate's metrics, floats), ``"tests"`` (as given,
    or ``None``), ``"artifacts"`` (name -> sha256 hex digest of the copy),
    ``"baseline"`` (``None``, or ``{"version": v, "metrics": {...}}`` of
    the baseline release), ``"gates"`` (the ``evaluate_gates`` result) and
    ``"promoted"`` (bool). The registry stores the same record.
    """
    if not isinstance(version, str) or not _VERSION.match(version):
        raise ValueError(f"invalid version {version!r}")
    registry = load_registry(root)
    if any(r["version"] == version for r in registry["releases"]):
        raise ValueError(f"release {version!r} already exists")
    if not artifacts:
        raise ValueError("a release needs at least one artifact")
    for file, path in artifacts.items():
        if not isinstance(file, str) or not _VERSION.match(file) or file in (CHECKSUMS, MODEL_CARD):
            raise ValueError(f"invalid artifact name {file!r}")
        if not os.path.isfile(path):
            raise FileNotFoundError(path)
    _check_gates(gates)

    baseline = _baseline(registry)
    decision = evaluate_gates(metrics, baseline["metrics"] if baseline else None, gates, tests)

    folder = os.path.join(root, version)
    os.makedirs(folder, exist_ok=True)
    digests = {}
    for file, path in artifacts.items():
        target = os.path.join(folder, file)
        shutil.copyfile(path, target)
        digests[file] = sha256_file(target)
    with open(os.path.join(folder, CHECKSUMS), "w", encoding="utf-8", newline="\n") as fh:
        fh.writelines(f"{digests[file]}  {file}\n" for file in sorted(digests))

    record = {"version": version, "metrics": {k: float(v) for k, v in metrics.items()},
              "tests": dict(tests) if tests is not None else None, "artifacts": digests,
              "baseline": baseline, "gates": decision, "promoted": decision["passed"]}
    with open(os.path.join(folder, MODEL_CARD), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(model_card(record, gates, name))
    registry["releases"].append(record)
    if record["promoted"]:
        registry["promotions"].append(version)
        registry["current"] = version
    _save(root, registry)
    return record


def promote(root: str, version: str) -> dict:
    """Put a release that passed its gates into production; returns the registry.

    Checked in this order: an unknown version raises ``KeyError``; a
    release whose gates failed raises ``ValueError``; a release whose
    artifacts fail ``verify_release`` raises ``ValueError``. Promoting the
    release that is already current changes nothing (it is not appended
    again; not an error). Otherwise the version is appended to
    ``"promotions"`` and becomes ``"current"``: promoting an older release
    again is allowed.
    """
    registry = load_registry(root)
    record = _find(registry, version)
    if not record["gates"]["passed"]:
        raise ValueError(f"release {version!r} failed its gates")
    if _verify(root, record):
        raise ValueError(f"release {version!r}: artifacts do not match their checksums")
    if registry["current"] != version:
        registry["promotions"].append(version)
        registry["current"] = version
        _save(root, registry)
    return registry


def rollback(root: str) -> dict:
    """Take the current release out of production; returns the registry.

    The last entry of ``"promotions"`` is removed and ``"current"`` becomes
    the new last entry: the release **promoted** before it (rejected
    candidates never count). Each call goes back one more promotion.
    With fewer than two promotions there is nothing to roll back to:
    ``ValueError``, nothing changes. When the release rolled back to fails
    ``verify_release``, ``ValueError`` too, nothing changes.
    """
    registry = load_registry(root)
    if len(registry["promotions"]) < 2:
        raise ValueError("no previous release to roll back to")
    target = registry["promotions"][-2]
    if _verify(root, _find(registry, target)):
        raise ValueError(f"release {target!r}: artifacts do not match their checksums")
    registry["promotions"].pop()
    registry["current"] = target
    _save(root, registry)
    return registry


# ---- the CI workflow ---------------------------------------------------------------------------------------


_CHECKOUT = {"uses": "actions/checkout@v4"}
_INSTALL = {"run": "python -m pip install -r requirements.txt"}


def make_workflow(
    python_versions: Sequence[str],
    test_commands: Sequence[str],
    release_commands: Sequence[str],
    *,
    name: str = "model-release",
    branch: str = "main",
    runs_on: str = "ubuntu-latest",
) -> str:
    """A GitHub Actions workflow, as YAML text.

    ``yaml.safe_load`` of the text must give exactly (key order free)::

        {"name": name,
         "on": {"push": {"branches": [branch]},
                "pull_request": {"branches": [branch]}},
         "jobs": {
           "test": {
             "runs-on": runs_on,
             "strategy": {"fail-fast": False,
                          "matrix": {"python-version": [*python_versions]}},
             "steps": [{"uses": "actions/checkout@v4"},
                       {"uses": "actions/setup-python@v5",
                        "with": {"python-version": "${{ matrix.python-version }}"}},
                       {"run": "python -m pip install -r requirements.txt"},
                       *[{"run": c} for c in test_commands]]},
           "release": {
             "needs": "test",
             "if": "github.event_name == 'push'",
             "runs-on": runs_on,
             "steps": [{"uses": "actions/checkout@v4"},
                       {"uses": "actions/setup-python@v5",
                        "with": {"python-version": python_versions[-1]}},
                       {"run": "python -m pip install -r requirements.txt"},
                       *[{"run": c} for c in release_commands]]}}}

    Two YAML traps: the key ``on`` written bare is read back by
    ``yaml.safe_load`` (YAML 1.1) as the boolean ``True``, and a version
    ``3.10`` written bare is the float ``3.1``: the text must give the
    string key ``"on"`` and the versions as the strings given. Commands are
    arbitrary text (quotes, ``:``, ``#``, newlines) and must come back
    unchanged. The result passes ``validate_workflow``.

    Raises ``ValueError`` when ``python_versions`` is empty, has a
    duplicate or an entry not of the form ``<digits>.<digits>``, or when
    ``test_commands`` or ``release_commands`` is empty.
    """
    versions = list(python_versions)
    if not versions or len(set(versions)) != len(versions):
        raise ValueError("python_versions must be a non-empty list without duplicates")
    if not all(isinstance(v, str) and _PYTHON.match(v) for v in versions):
        raise ValueError("python versions must be strings like '3.12'")
    if not test_commands or not release_commands:
        raise ValueError("test_commands and release_commands must not be empty")

    def setup(version: str) -> dict:
        return {"uses": "actions/setup-python@v5", "with": {"python-version": version}}

    workflow = {
        "name": name,
        "on": {"push": {"branches": [branch]}, "pull_request": {"branches": [branch]}},
        "jobs": {
            "test": {
                "runs-on": runs_on,
                "strategy": {"fail-fast": False, "matrix": {"python-version": versions}},
                "steps": [dict(_CHECKOUT), setup("${{ matrix.python-version }}"), dict(_INSTALL),
                          *({"run": str(c)} for c in test_commands)],
            },
            "release": {
                "needs": "test",
                "if": "github.event_name == 'push'",
                "runs-on": runs_on,
                "steps": [dict(_CHECKOUT), setup(versions[-1]), dict(_INSTALL),
                          *({"run": str(c)} for c in release_commands)],
            },
        },
    }
    return yaml.safe_dump(workflow, sort_keys=False)


_SCALAR = {"type": ["string", "number", "boolean"]}
_ENV = {"type": "object", "additionalProperties": _SCALAR}
_STRINGS = {"type": "array", "items": {"type": "string"}, "minItems": 1}
_USES = r"^([A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[A-Za-z0-9_./-]+|\./\S*|docker://\S+)$"
_JOB_ID = r"^[A-Za-z_][A-Za-z0-9_-]*$"


def workflow_schema() -> dict:
    """A JSON Schema (draft 2020-12) for the subset of GitHub Actions workflows used here.

    The schema is plain JSON data (``json.dumps`` works on it) and
    ``jsonschema.Draft202012Validator.check_schema`` accepts it. A document
    is valid exactly when all of these hold:

    * it is a mapping with the required keys ``"on"`` and ``"jobs"`` and
      optionally ``"name"`` (string) and ``"env"``, nothing else;
    * ``"on"``: a string, a non-empty list of strings, or a mapping (any
      content);
    * ``"env"`` (top level, job or step): a mapping whose values are
      strings, numbers or booleans;
    * ``"jobs"``: a mapping with at least one job, every job id matching
      ``^[A-Za-z_][A-Za-z0-9_-]*$``;
    * a job: a mapping with the required ``"runs-on"`` (a string or a
      non-empty list of strings) and ``"steps"`` (a non-empty list of
      steps), and optionally ``"name"`` and ``"if"`` (strings), ``"needs"``
      (a string or a non-empty list of strings), ``"env"``,
      ``"timeout-minutes"`` (a number > 0) and ``"strategy"``, nothing else;
    * a strategy: a mapping with the required ``"matrix"`` (a mapping with
      at least one key, every value a non-empty list) and optionally
      ``"fail-fast"`` (boolean) and ``"max-parallel"`` (integer >= 1),
      nothing else;
    * a step: a mapping with exactly one of ``"uses"`` and ``"run"``, and
      optionally ``"name"``, ``"id"`` and ``"if"`` (strings), ``"with"`` (a
      mapping whose values are strings, numbers or booleans) and
      ``"env"``, nothing else; ``"run"`` is a string; ``"uses"`` is a
      string matching ``^([A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[A-Za-z0-9_./-]+|\\./\\S*|docker://\\S+)$``
      (``owner/repo@ref``, a local ``./path`` or a ``docker://`` image).

    Where an error is reported (the ``absolute_path`` of jsonschema's
    error) matters: it must be the offending value's path or lie under the
    innermost job, step, strategy, ``with`` or ``env`` mapping that
    contains the problem (a missing or extra key: that mapping's path; a
    bad step: under ``/jobs/<id>/steps/<i>``; a bad ``runs-on``: under
    ``/jobs/<id>/runs-on`` or ``/jobs/<id>``); problems with the top-level
    keys or ``"on"`` at the root or under it; a bad job id or no job:
    under ``/jobs``.
    """
    step = {
        "type": "object",
        "properties": {
            "name": {"type": "string"}, "id": {"type": "string"}, "if": {"type": "string"},
            "uses": {"type": "string", "pattern": _USES}, "run": {"type": "string"},
            "with": {"type": "object", "additionalProperties": _SCALAR}, "env": _ENV,
        },
        "additionalProperties": False,
        "oneOf": [{"required": ["uses"]}, {"required": ["run"]}],
    }
    strategy = {
        "type": "object",
        "properties": {
            "matrix": {"type": "object", "minProperties": 1,
                       "additionalProperties": {"type": "array", "minItems": 1}},
            "fail-fast": {"type": "boolean"},
            "max-parallel": {"type": "integer", "minimum": 1},
        },
        "required": ["matrix"],
        "additionalProperties": False,
    }
    job = {
        "type": "object",
        "properties": {
            "name": {"type": "string"}, "if": {"type": "string"},
            "runs-on": {"anyOf": [{"type": "string"}, _STRINGS]},
            "needs": {"anyOf": [{"type": "string"}, _STRINGS]},
            "env": _ENV,
            "timeout-minutes": {"type": "number", "exclusiveMinimum": 0},
            "strategy": strategy,
            "steps": {"type": "array", "minItems": 1, "items": step},
        },
        "required": ["runs-on", "steps"],
        "additionalProperties": False,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "on": {"anyOf": [{"type": "string"}, _STRINGS, {"type": "object"}]},
            "env": _ENV,
            "jobs": {"type": "object", "minProperties": 1, "propertyNames": {"pattern": _JOB_ID},
                     "additionalProperties": job},
        },
        "required": ["on", "jobs"],
        "additionalProperties": False,
    }


def _pointer(path: Sequence[Any]) -> str:
    return "".join(f"/{part}" for part in path)


def validate_workflow(text: str) -> list[tuple[str, str]]:
    """Check a workflow's YAML text against ``workflow_schema()``.

    The text is parsed with ``yaml.safe_load``; a text it rejects gives
    ``[("", "invalid YAML: <the parser's message>")]``. A top-level key
    that YAML 1.1 read as the boolean ``True`` (a bare ``on:``) is renamed
    ``"on"`` first, as GitHub (YAML 1.2) reads it. The document is then
    checked with ``jsonschema.Draft202012Validator(workflow_schema())``.

    Returns one ``(path, message)`` pair per error that the validator's
    ``iter_errors`` yields (top-level errors only: not the ``context`` of
    ``oneOf``/``anyOf``), sorted: ``path`` is the error's
    ``absolute_path`` written as a JSON pointer (``"/jobs/test/steps/0"``;
    the root is ``""``), ``message`` is the error's ``message``.
    ``[]`` means valid.
    """
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return [("", f"invalid YAML: {exc}")]
    if isinstance(document, dict):
        document = {("on" if key is True else key): value for key, value in document.items()}
    validator = jsonschema.Draft202012Validator(workflow_schema())
    return sorted((_pointer(error.absolute_path), error.message) for error in validator.iter_errors(document))
