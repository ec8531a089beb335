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

from collections.abc import Mapping, Sequence
from typing import Any

REGISTRY = "registry.json"
CHECKSUMS = "SHA256SUMS"
MODEL_CARD = "MODEL_CARD.md"
DIRECTIONS = ("higher", "lower")


def sha256_file(path: str) -> str:
    """The SHA-256 digest of a file's bytes, as 64 lower-case hex digits.

    Reads the file in chunks (a model file may be larger than memory), so the
    result equals ``hashlib.sha256(open(path, "rb").read()).hexdigest()``
    for any size, the empty file included. A missing file raises
    ``FileNotFoundError``.
    """
    raise NotImplementedError("TODO: sha256_file")


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
    raise NotImplementedError("TODO: evaluate_gates")


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
    raise NotImplementedError("TODO: model_card")


def load_registry(root: str) -> dict:
    """The registry in ``root`` (see the module docstring).

    When ``root/registry.json`` does not exist, the empty registry
    ``{"releases": [], "promotions": [], "current": None}``; nothing is
    created on disk.
    """
    raise NotImplementedError("TODO: load_registry")


def verify_release(root: str, version: str) -> list[str]:
    """The artifacts of a release whose files no longer match their checksums.

    Recomputes the SHA-256 of each artifact in ``root/<version>/`` and
    returns the sorted names of those whose digest differs from the one
    recorded in the registry (``[]``: intact). An unknown version raises
    ``KeyError``.
    """
    raise NotImplementedError("TODO: verify_release")


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
    raise NotImplementedError("TODO: run_release")


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
    raise NotImplementedError("TODO: promote")


def rollback(root: str) -> dict:
    """Take the current release out of production; returns the registry.

    The last entry of ``"promotions"`` is removed and ``"current"`` becomes
    the new last entry: the release **promoted** before it (rejected
    candidates never count). Each call goes back one more promotion.
    With fewer than two promotions there is nothing to roll back to:
    ``ValueError``, nothing changes. When the release rolled back to fails
    ``verify_release``, ``ValueError`` too, nothing changes.
    """
    raise NotImplementedError("TODO: rollback")


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
    raise NotImplementedError("TODO: make_workflow")


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
    raise NotImplementedError("TODO: workflow_schema")


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
    raise NotImplementedError("TODO: validate_workflow")
