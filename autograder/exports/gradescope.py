"""The Gradescope export: the autograder zip, and our report as Gradescope's results.json.

The zip holds ``setup.sh`` and ``run_autograder`` at its root and, in
``course/``, a minimal course: this package's source (pyproject.toml,
README.md, autograder/) and only the one lab's ``reference/LAB`` and
``assignments/LAB`` folders. Gradescope unpacks it into /autograder/source;
setup.sh installs Python, the CPU build of torch and the package into a
virtualenv outside /autograder; run_autograder grades /autograder/submission
with the same engine and sandbox as ``autograder grade`` (see
:mod:`autograder.exports.gradescope_run`).

:func:`to_results` turns a report into Gradescope's results.json and
:func:`write_results` checks it against
``schemas/gradescope-results.schema.json`` before anything is written.
Only what our own reports show students goes in: the feedback built from
exception messages, never the runner's staff log or hidden test source.
"""

from __future__ import annotations

import json
import os
import stat
import zipfile
from functools import lru_cache
from pathlib import Path

import jsonschema

from autograder.course import Course, CourseError, Lab, load_schema
from autograder.shipping import package_root, source_files

SCHEMA = "gradescope-results.schema.json"
COURSE_DIR = "course"  # inside the zip, so /autograder/source/course on Gradescope
VENV = "/opt/llm-course-autograder/venv"  # outside /autograder, which the sandbox hides from workers
TORCH = "torch==2.13.0"
PRINTED_CHARS = 2000  # how much of what the student's code printed goes into the summary
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same course gives the same zip

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu).
# It installs Python >= 3.11, the CPU build of torch and the grader into a virtualenv
# outside /autograder: grading hides /autograder from student code, never the grader's Python.
set -euo pipefail
here="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)"
course="$here/{course_dir}"
venv="{venv}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
# util-linux: setpriv and unshare, which the sandbox uses to run student code as another user
apt-get install -y --no-install-recommends python3 python3-venv python3-pip util-linux ca-certificates
python=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    # Ubuntu 22.04's python3 is 3.10; its universe has 3.11 (older images: use a newer base image)
    apt-get install -y --no-install-recommends python3.11 python3.11-venv
    python=python3.11
fi
mkdir -p "$(dirname "$venv")"
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
# torch first, from PyTorch's CPU index: the default wheel pulls gigabytes of CUDA libraries
# Gradescope cannot use. {torch} is the version the course is tested with (the Makefile's pin).
"$venv/bin/pip" install --quiet --index-url https://download.pytorch.org/whl/cpu "{torch}"
# a regular (not editable) install: the package lands in the virtualenv, so the workers never
# need anything under /autograder
"$venv/bin/pip" install --quiet "$course"
# the hidden tests and solution: for the grader (root) only
chmod -R go-rwx "$course/reference"
"$venv/bin/python" -c "import autograder.exports.gradescope_run, torch; print('grader ready, torch', torch.__version__)"
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this as root, once per submission: it grades /autograder/submission
# for {lab_id} and writes /autograder/results/results.json.
# AUTOGRADER_ROOT (default /autograder), AUTOGRADER_PYTHON and AUTOGRADER_COURSE let a test
# run it in another folder with an already installed grader; extra arguments (e.g. --no-timing)
# go to the grader.
set -u
root="${{AUTOGRADER_ROOT:-/autograder}}"
python="${{AUTOGRADER_PYTHON:-{venv}/bin/python}}"
export AUTOGRADER_COURSE="${{AUTOGRADER_COURSE:-$root/source/{course_dir}}}"
results="$root/results/results.json"
mkdir -p "$root/results"
rm -f "$results"
"$python" -m autograder.exports.gradescope_run --root "$root" --lab {lab_id} "$@"
code=$?
if [ ! -s "$results" ]; then
    # the grader could not even start: Gradescope still needs a valid results.json
    printf '%s\\n' '{{"score": 0, "output": "The autograder failed before it could grade your submission (exit code '"$code"'). This is a problem with the grader, not your work: tell the course staff.", "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden", "tests": []}}' > "$results"
fi
exit 0
"""


def setup_script() -> str:
    return SETUP_SH.format(course_dir=COURSE_DIR, venv=VENV, torch=TORCH)


def run_script(lab_id: str) -> str:
    return RUN_AUTOGRADER.format(lab_id=lab_id, venv=VENV, course_dir=COURSE_DIR)


# ---- the zip --------------------------------------------------------------------------------------


def _tree(folder: Path, arc_prefix: str) -> list[tuple[str, Path]]:
    return [(f"{arc_prefix}/{rel}", path) for rel, path in source_files(folder)]


def shipped_files(course: Course, lab: Lab) -> list[tuple[str, Path]]:
    """(name in the zip, file on disk) for the minimal course: the package and this one lab."""
    pkg = package_root()
    missing = [pkg / name for name in ("pyproject.toml", "README.md") if not (pkg / name).is_file()]
    if missing:
        raise CourseError(
            f"{missing[0]} not found: the Gradescope export ships the grader's source, so run it from a "
            "checkout of the course (pip install -e .)"
        )
    if not lab.assignment_dir.is_dir():
        raise CourseError(f"{lab.assignment_dir}: the lab's assignment folder is missing")
    files = [(f"{COURSE_DIR}/pyproject.toml", pkg / "pyproject.toml"), (f"{COURSE_DIR}/README.md", pkg / "README.md")]
    files += _tree(pkg / "autograder", f"{COURSE_DIR}/autograder")
    files += _tree(lab.reference_dir, f"{COURSE_DIR}/reference/{lab.id}")
    files += _tree(lab.assignment_dir, f"{COURSE_DIR}/assignments/{lab.id}")
    return files


def build_autograder_zip(course: Course, lab: Lab, out_path: Path) -> Path:
    """Write the Gradescope autograder zip for ``lab`` to ``out_path`` (atomically) and return its path."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(f".{out_path.name}.tmp{os.getpid()}")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            _add(zf, "setup.sh", setup_script().encode(), executable=True)
            _add(zf, "run_autograder", run_script(lab.id).encode(), executable=True)
            for name, path in shipped_files(course, lab):
                _add(zf, name, path.read_bytes(), executable=False)
        os.replace(tmp, out_path)
    finally:
        tmp.unlink(missing_ok=True)
    return out_path


def _add(zf: zipfile.ZipFile, name: str, data: bytes, executable: bool) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


# ---- results.json ---------------------------------------------------------------------------------


def to_results(report: dict) -> dict:
    """Gradescope's results.json for one of our reports (``report.build``'s output).

    One entry per manifest test and one per kernel ("kernel: NAME"); the
    top-level score is ours (kernels included), so Gradescope shows exactly
    the score our own report gives.
    """
    names = _short_names([t["name"] for t in report["tests"]])
    tests = []
    for test, name in zip(report["tests"], names):
        text = "\n\n".join(part for part in (test.get("description", ""), test.get("feedback", "")) if part)
        tests.append(_test(name, test["points"], test["max_points"], test["status"] == "passed", text))
    leaderboard = []
    for kernel in report.get("kernels", []):
        ratio = kernel.get("ratio")
        lines = [kernel.get("message", "")]
        if isinstance(ratio, (int, float)):
            lines.append(f"time ratio (yours / reference, lower is faster): {ratio:.3g}")
            leaderboard.append({"name": f"{kernel['name']} time ratio", "value": round(float(ratio), 4), "order": "asc"})
        earned = kernel["points"] >= kernel["max_points"] and kernel.get("status") == "timed"
        tests.append(_test(f"kernel: {kernel['name']}", kernel["points"], kernel["max_points"], earned, "\n".join(l for l in lines if l)))
    for number, test in enumerate(tests, 1):
        test["number"] = str(number)
    results = {
        "score": float(report["score"]),
        "execution_time": round(float(report.get("duration_s", 0.0)), 1),
        "output": summary(report),
        "output_format": "text",
        "test_output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",  # stdout carries the staff log: hidden test tracebacks
        "extra_data": {
            "lab": report["lab"]["id"],
            "max_score": report["max_score"],
            "status": report["status"],
            "grader_version": report.get("grader_version", ""),
            "submission_sha256": report.get("submission", {}).get("sha256", ""),
        },
        "tests": tests,
    }
    if leaderboard:
        results["leaderboard"] = leaderboard
    return results


def _test(name: str, score: float, max_score: float, passed: bool, output: str) -> dict:
    return {
        "name": name,
        "score": float(score),
        "max_score": float(max_score),
        "status": "passed" if passed else "failed",
        "output": output,
        "visibility": "visible",
    }


def _short_names(ids: list[str]) -> list[str]:
    """``test_hidden.py::test_x[case]`` -> ``test_x[case]`` where that stays unique."""
    short = [i.split("::", 1)[-1] for i in ids]
    return short if len(set(short)) == len(short) else ids


def summary(report: dict) -> str:
    """The top-level text: score, problems, warnings, what the student's code printed."""
    lines = [f"{report['lab']['id']} ({report['lab']['title']}): {report['score']:g} / {report['max_score']:g}"]
    for title, items in (
        ("Problems", report.get("errors", [])),
        ("Warnings", report.get("warnings", [])),
        ("Your code misbehaved", [f"{i.get('summary') or i['kind']}: {i['message']}" for i in report.get("incidents", [])]),
    ):
        if items:
            lines += ["", f"{title}:"] + [f"- {item}" for item in items]
    printed = report.get("output", "")
    if printed:
        cut = f" (last {PRINTED_CHARS} characters)" if len(printed) > PRINTED_CHARS else ""
        lines += ["", f"Your code printed{cut}:", printed[-PRINTED_CHARS:]]
    return "\n".join(lines)


def error_results(reason: str, execution_time: float = 0.0) -> dict:
    """results.json for a submission the grader could not grade: score 0 and why."""
    return {
        "score": 0.0,
        "execution_time": round(max(0.0, execution_time), 1),
        "output": f"The autograder could not grade this submission: {reason}\n"
        "This is a problem with the grader, not your work: tell the course staff.",
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [],
    }


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    return jsonschema.Draft202012Validator(load_schema(SCHEMA))


def validate_results(results: dict) -> None:
    """Raise ``jsonschema.ValidationError`` if ``results`` breaks Gradescope's results.json spec."""
    _validator().validate(results)


def write_results(results: dict, path: Path) -> Path:
    """Check ``results`` against the schema and write it atomically to ``path``.

    Results that break the schema (a grader bug) are replaced by
    :func:`error_results` saying so: Gradescope always gets a valid file.
    """
    try:
        validate_results(results)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top level)"
        seconds = results.get("execution_time") if isinstance(results, dict) else None
        seconds = float(seconds) if isinstance(seconds, (int, float)) else 0.0
        results = error_results(f"the grader produced an invalid results.json ({where}: {exc.message})", seconds)
        validate_results(results)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_text(json.dumps(results, indent=2), encoding="utf-8")
    os.replace(tmp, path)
    return path
