"""`autograder export gradescope`: the autograder zip, the results.json it writes, and a run as Gradescope would do it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import jsonschema
import pytest

from autograder import records, report
from autograder.course import Course
from autograder.exports import gradescope, gradescope_run
from autograder.submission import open_submission
from conftest import REPO, make_zip

LAB = "lab02_text_statistics"


@pytest.fixture(scope="module")
def lab02():
    return Course(REPO).lab(LAB)


@pytest.fixture(scope="module")
def autograder_zip(lab02, tmp_path_factory) -> Path:
    return gradescope.build_autograder_zip(Course(REPO), lab02, tmp_path_factory.mktemp("zip") / "gs.zip")


def unpack(zip_path: Path, root: Path) -> Path:
    """Lay the zip out as Gradescope does: contents in ROOT/source, run_autograder copied to ROOT."""
    (root / "submission").mkdir(parents=True)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "run_autograder").chmod(0o755)
    return root


def run_autograder(root: Path) -> dict:
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
    env.pop("AUTOGRADER_COURSE", None)  # the run must use the course shipped in the zip
    proc = subprocess.run([str(root / "run_autograder"), "--no-timing"], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = (root / "results" / "results.json").read_text()
    assert "runner log" not in text and "passed in" not in text and "def test_" not in text  # no staff log, no test source
    results = json.loads(text)
    gradescope.validate_results(results)
    return results


def reference_report(lab) -> dict:
    verdicts = [records.TestVerdict(id=t, outcome="passed", description="checks it") for t in lab.tests]
    return report.build(lab, "student", [*verdicts, records.Done(0.0)], time.time())


# ---- the zip ---------------------------------------------------------------------------------------


def test_zip_has_executable_scripts_at_its_root_and_only_this_lab(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        scripts = {name: zf.read(name).decode() for name in ("setup.sh", "run_autograder")}
    for name in scripts:
        assert infos[name].external_attr >> 16 & 0o111 == 0o111, f"{name} is not executable"
    names = set(infos)
    for wanted in ("course/pyproject.toml", "course/autograder/grading.py", "course/autograder/schemas/gradescope-results.schema.json",
                   f"course/reference/{LAB}/manifest.toml", f"course/reference/{LAB}/solution/text_stats.py",
                   f"course/reference/{LAB}/tests/test_hidden.py", f"course/assignments/{LAB}/text_stats.py"):
        assert wanted in names
    other_labs = {p.name for p in (REPO / "reference").glob("lab*")} - {LAB}
    for name in names:
        assert not any(lab in name for lab in other_labs), name
        assert not name.startswith(("course/examples/", "course/tests/", "course/.git", "examples/", "tests/")), name
        assert "__pycache__" not in name and ".git/" not in name, name
        if name.startswith("course/") and name.count("/") > 1:
            assert name.split("/")[1] in {"autograder", "reference", "assignments"}, name
    assert "download.pytorch.org/whl/cpu" in scripts["setup.sh"] and "torch==2.13.0" in scripts["setup.sh"]
    assert f"--lab {LAB}" in scripts["run_autograder"]
    for text in scripts.values():  # both are valid bash
        subprocess.run(["bash", "-n"], input=text, text=True, check=True)


def test_export_cli_writes_the_zip(tmp_path):
    from click.testing import CliRunner

    from autograder.cli import main

    out = tmp_path / "gs.zip"
    result = CliRunner().invoke(main, ["export", "gradescope", LAB, "--out", str(out)], env={"AUTOGRADER_COURSE": str(REPO)})
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(out) and "wrote" in result.output


# ---- results.json --------------------------------------------------------------------------------


def test_reference_report_converts_to_valid_results(lab02):
    results = gradescope.to_results(reference_report(lab02))
    gradescope.validate_results(results)
    assert results["score"] == 100 and len(results["tests"]) == len(lab02.tests)
    assert all(t["status"] == "passed" and t["score"] == t["max_score"] for t in results["tests"])
    assert results["stdout_visibility"] == "hidden"


def test_error_report_converts_to_valid_results(lab02):
    broken = report.build(lab02, "student", [], time.time(), errors=["nothing to grade: text_stats.py was not submitted"])
    results = gradescope.to_results(broken)
    gradescope.validate_results(results)
    assert results["score"] == 0 and "text_stats.py was not submitted" in results["output"]
    assert all(t["status"] == "failed" for t in results["tests"])
    gradescope.validate_results(gradescope.error_results("the course could not be loaded"))


def test_kernels_become_tests_and_a_leaderboard(toy_course):
    lab = toy_course.lab("lab98_toy")
    kernel = lab.kernels[0]
    timed = {"name": kernel.name, "points": kernel.points, "max_points": kernel.points, "status": "timed", "message": "as fast as the reference", "ratio": 1.04}
    results = gradescope.to_results(report.build(lab, "s", [records.KernelVerdict(timed), records.Done(0.0)], time.time()))
    gradescope.validate_results(results)
    entry = next(t for t in results["tests"] if t["name"] == f"kernel: {kernel.name}")
    assert entry["score"] == kernel.points and entry["status"] == "passed" and "1.04" in entry["output"]
    assert results["leaderboard"] == [{"name": f"{kernel.name} time ratio", "value": 1.04, "order": "asc"}]


@pytest.mark.parametrize(
    "bad",
    [
        {"score": 1, "tests": [{"name": "t", "score": 1, "status": "ok"}]},
        {"tests": [{"name": "t", "max_score": 1}]},  # no score anywhere
        {"score": 1, "visibility": "students"},
        {"score": 1, "output_format": "rtf"},
        {"score": "full"},
        {"score": 1, "max_score": 2},  # not a key of the spec
    ],
)
def test_results_breaking_the_spec_fail_the_schema(bad):
    with pytest.raises(jsonschema.ValidationError):
        gradescope.validate_results(bad)


def test_invalid_results_are_replaced_by_a_valid_error(tmp_path):
    path = gradescope.write_results({"score": 1, "tests": [{"name": "t", "status": "ok"}]}, tmp_path / "results" / "results.json")
    written = json.loads(path.read_text())
    gradescope.validate_results(written)
    assert written["score"] == 0 and "invalid results.json" in written["output"]


# ---- inside Gradescope -----------------------------------------------------------------------------


def test_reference_at_the_top_scores_100_and_stub_in_a_lab_folder_scores_0(autograder_zip, tmp_path):
    ref_root = unpack(autograder_zip, tmp_path / "ref" / "autograder")
    shutil.copy(REPO / "reference" / LAB / "solution" / "text_stats.py", ref_root / "submission" / "text_stats.py")
    results = run_autograder(ref_root)
    assert results["score"] == 100 and all(t["status"] == "passed" for t in results["tests"])

    stub_root = unpack(autograder_zip, tmp_path / "stub" / "autograder")
    (stub_root / "submission" / LAB).mkdir()
    shutil.copy(REPO / "assignments" / LAB / "text_stats.py", stub_root / "submission" / LAB / "text_stats.py")
    results = run_autograder(stub_root)
    assert results["score"] == 0 and "NotImplementedError" in json.dumps(results["tests"])


@pytest.mark.parametrize("layout", ["top", "lab_folder", "wrapping_folder", "zip"])
def test_submission_layouts_are_found(lab02, tmp_path, layout):
    submission = tmp_path / "submission"
    submission.mkdir()
    code = b"# mine\n"
    if layout == "top":
        (submission / "text_stats.py").write_bytes(code)
    elif layout in ("lab_folder", "wrapping_folder"):
        folder = submission / (LAB if layout == "lab_folder" else "my_work")
        folder.mkdir()
        (folder / "text_stats.py").write_bytes(code)
    else:
        make_zip(submission / "upload.zip", {f"{LAB}/text_stats.py": code})
    sub = gradescope_run.open_gradescope_submission(submission)
    try:
        assert (gradescope_run.lab_folder(sub, lab02) / "text_stats.py").read_bytes() == code
    finally:
        sub.cleanup()


def test_missing_file_is_named_in_the_output(lab02, tmp_path):
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "stats.py").write_text("x = 1\n")
    sub = open_submission(tmp_path / "submission")
    assert gradescope_run.lab_folder(sub, lab02) == sub.root  # collect_lab_files then says text_stats.py is missing


def test_worker_never_sees_the_autograder_folder(autograder_zip, tmp_path):
    root = unpack(autograder_zip, tmp_path / "autograder")
    course = Course(root / "source" / "course")
    hide = gradescope_run.hidden_for(course, root)
    assert root.resolve() in hide
    for needed in (Path(sys.prefix).resolve(), Path(gradescope.__file__).resolve()):
        assert not any(needed.is_relative_to(p) for p in hide), needed


def test_a_broken_grader_still_writes_valid_results(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("AUTOGRADER_COURSE", raising=False)
    (tmp_path / "submission").mkdir()  # no source/: the course cannot be loaded
    assert gradescope_run.main(["--root", str(tmp_path), "--lab", LAB]) == 0
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    gradescope.validate_results(results)
    assert results["score"] == 0 and "unknown lab" in results["output"]


def test_run_autograder_writes_valid_results_when_python_cannot_start(autograder_zip, tmp_path):
    root = unpack(autograder_zip, tmp_path / "autograder")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": "/bin/false"}
    subprocess.run([str(root / "run_autograder")], env=env, check=True, capture_output=True)
    results = json.loads((root / "results" / "results.json").read_text())
    gradescope.validate_results(results)
    assert results["score"] == 0 and "exit code 1" in results["output"]
