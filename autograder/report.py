"""Turning the runner's verdicts into a student's report (JSON and HTML).

Points come from the trusted manifest: a test earns its points only if the
runner saw it pass. Tests the manifest lists but the runner never reported
earn nothing; tests the runner reported that the manifest does not list
earn nothing and are flagged.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from autograder import __version__
from autograder.course import Lab, load_schema
from autograder.records import Collected, DeviceRecord, Done, IsolationRecord, KernelVerdict, Record, TestVerdict, WorkerSummary

SCHEMA_VERSION = 1

KIND_WORDS = {
    "timeout": "timed out",
    "crash": "crashed",
    "memory": "ran out of memory",
    "exit": "tried to exit",
    "import": "could not be imported",
    "output": "printed too much",
}


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.@-]+", "_", text).strip("._") or "student"


def build(
    lab: Lab,
    student: str,
    records: list[Record],
    started: float | None,
    errors: list[str] | None = None,
    warnings: list[str] | None = None,
    files_dir: Path | None = None,
    static: list | None = None,
) -> dict:
    """Assemble the report from the runner's JSON-lines records.

    ``started`` is the ``time.time()`` at which grading began (None: nothing
    ran, the duration is 0).

    ``static`` holds the lab's static-check results (``static_checks.CheckResult``);
    their penalties come off the score, never below 0."""
    errors = list(errors or [])
    warnings = list(warnings or [])
    seen: dict[str, TestVerdict] = {}
    kernels: list[dict] = []
    incidents: list[dict] = []
    output = ""
    isolation: list[str] = []
    collected: set[str] | None = None
    device = "none: nothing ran"
    done = False
    for rec in records:
        if isinstance(rec, TestVerdict):
            seen[rec.id] = rec
        elif isinstance(rec, KernelVerdict):
            kernels.append(dict(rec.result))
        elif isinstance(rec, WorkerSummary):
            incidents = [dict(i) for i in rec.incidents]
            output = rec.output
        elif isinstance(rec, Collected):
            collected = set(rec.ids)
        elif isinstance(rec, IsolationRecord):
            isolation = list(rec.warnings)
        elif isinstance(rec, DeviceRecord):
            device = rec.description
        elif isinstance(rec, Done):
            done = True
    if records and not done and not errors:
        errors.append("grading stopped before the end; tests not reached earned nothing")

    tests = []
    for test_id, max_points in lab.tests.items():
        rec = seen.get(test_id)
        if rec is None:
            tests.append(_test_entry(test_id, "", max_points, False, "not run", "not run: grading stopped before this test" if records else "not run", 0.0))
            continue
        passed = rec.outcome == "passed"
        entry = _test_entry(test_id, rec.description, max_points, passed, rec.kind, _test_feedback(rec, incidents), rec.time_s)
        entry["calls"] = rec.calls
        tests.append(entry)
    if collected is not None:
        for test_id in sorted(set(lab.tests) - collected):
            warnings.append(f"test {test_id} is in the manifest but was not collected: it earned nothing (tell the course staff)")
    for test_id in sorted(set(seen) - set(lab.tests)):
        warnings.append(f"test {test_id} ran but is not in the manifest: it earned nothing (tell the course staff)")

    kernel_entries = []
    for kernel in lab.kernels:
        got = next((k for k in kernels if k.get("name") == kernel.name), None)
        if got is None:
            got = {"name": kernel.name, "points": 0.0, "max_points": kernel.points, "status": "skipped", "message": "not timed"}
        got["points"] = min(float(got.get("points", 0.0)), kernel.points)
        got["max_points"] = kernel.points
        kernel_entries.append(got)

    checks = [c.to_json() for c in static or []]
    incidents = _incident_entries(incidents)
    result = {
        "schema_version": SCHEMA_VERSION,
        "student": student,
        "lab": lab.summary(),
        "score": 0.0,  # set by rescore below
        "max_score": lab.points,
        "status": "error" if errors and not seen else "graded",
        "graded_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "duration_s": 0.0 if started is None else round(max(0.0, dt.datetime.now().timestamp() - started), 3),
        "device": device,
        "grader_version": __version__,
        "errors": errors,
        "warnings": warnings + [f"isolation: {w}" for w in isolation],
        "tests": tests,
        "kernels": kernel_entries,
        "incidents": incidents,
        "output": output,
        "submission": _fingerprint(files_dir),
    }
    if checks:
        result["static_checks"] = checks
    rescore(result)
    validate(result)
    return result


def refused(lab: Lab, student: str, errors: list[str], warnings: list[str] | None = None, files_dir: Path | None = None) -> dict:
    """The report of a submission that could not be graded at all (nothing ran):
    every test failed with the reason, score 0, duration 0."""
    return build(lab, student, [], None, errors=errors, warnings=warnings, files_dir=files_dir)


IMPORT_FEEDBACK = "not run: your code could not be imported; the reason is listed once, above the tests"


def _test_feedback(rec: TestVerdict, incidents: list[dict]) -> str:
    """A test's feedback, without repeating a problem the report lists once:
    when the submission could not be imported, every test failed with the same
    reason, which the incidents hold (with its traceback)."""
    feedback = rec.feedback
    if rec.kind == "import" and feedback and any(str(i.get("message", ""))[: len(feedback)] == feedback for i in incidents):
        return IMPORT_FEEDBACK
    return feedback


def _incident_entries(incidents: list[dict]) -> list[dict]:
    """Each incident once (the same one again is counted: "(3 times)"), with a
    ``summary`` heading that does not repeat its message (the HTML shows
    "summary: message"): the kind in words, or "Problem" where the message
    says it already ("your code could not be imported: ...")."""
    merged: dict[tuple[str, str], dict] = {}
    counts: dict[tuple[str, str], int] = {}
    for inc in incidents:
        kind, message = str(inc.get("kind", "")), str(inc.get("message", ""))
        key = (kind, message)
        counts[key] = counts.get(key, 0) + 1
        if key not in merged:
            words = KIND_WORDS.get(kind, kind)
            merged[key] = {**inc, "summary": "Problem" if words.lower() in message.lower() else words}
    out = []
    for key, inc in merged.items():
        if counts[key] > 1:
            inc["message"] = f"{key[1]} ({counts[key]} times)"
        out.append(inc)
    return out


def _test_entry(test_id: str, description: str, max_points: float, passed: bool, kind: str, feedback: str, time_s: float) -> dict:
    return {
        "name": test_id,
        "description": description,
        "points": max_points if passed else 0.0,
        "max_points": max_points,
        "status": "passed" if passed else "failed",
        "kind": kind or ("passed" if passed else "failed"),
        "feedback": feedback,
        "time_s": round(float(time_s), 4),
    }


def _fingerprint(files_dir: Path | None) -> dict:
    from autograder.submission import fingerprint_files

    files = sorted(p for p in files_dir.rglob("*") if p.is_file()) if files_dir and files_dir.exists() else []
    pairs = [(str(p.relative_to(files_dir)), p) for p in files]
    return {"files": [name for name, _ in pairs], "sha256": fingerprint_files(pairs)}


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    return jsonschema.Draft202012Validator(load_schema("report.schema.json"))


def validate(result: dict) -> None:
    """Raise ``jsonschema.ValidationError`` if ``result`` breaks the report schema."""
    clean = {k: v for k, v in result.items() if not k.startswith("_")}
    _validator().validate(clean)


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("autograder", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(result: dict) -> str:
    return _environment().get_template("report.html.j2").render(r=result)


def rescore(result: dict) -> dict:
    """Recompute ``score`` from the tests, kernels, static checks and late
    penalty a report holds (after a regrade or a new late policy)."""
    raw = sum(t["points"] for t in result["tests"]) + sum(k["points"] for k in result.get("kernels", []))
    raw = max(0.0, raw - sum(c.get("penalty", 0.0) for c in result.get("static_checks", [])))
    late = result.get("late")
    if late:
        late["raw_score"] = round(raw, 6)
        raw = max(0.0, raw - late["penalty"])
    result["score"] = round(raw, 6)
    return result
