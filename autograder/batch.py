"""Grading a whole class: discovery, parallel grading, resumption, class outputs.

A class is a folder (or a zip of one) in one of three layouts:
- plain: one folder or .zip per student, named after the student;
- Gradescope "Export Submissions": ``submission_metadata.yml`` beside
  ``submission_<id>/`` folders;
- Canvas "Download Submissions": flat files named
  ``<name>[_LATE]_<userid>_<submissionid>_<filename>``.

Every (student, lab) is graded in parallel, each on its own CPU slot, and
each report is written atomically as soon as it is done. A report whose
recorded submission fingerprint matches the files on disk is kept, so a
killed batch resumes where it stopped and a re-run grades only what changed.
A broken submission gets a report saying why and never stops the batch.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import queue
import re
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from autograder import grading, report, sandbox
from autograder import policy as late_policy
from autograder import similarity
from autograder.course import Course, Lab
from autograder.policy import LatePolicy
from autograder.submission import Submission, SubmissionError, _extract, fingerprint, open_submission

CANVAS_NAME = re.compile(r"^(?P<name>[A-Za-z0-9-]+?)(?P<late>_LATE)?_(?P<uid>\d+)_(?P<sid>\d+)_(?P<file>.+)$")


@dataclass
class Entry:
    """One student's submission in a class export."""

    student: str
    path: Path
    student_id: str = ""
    submitted_at: dt.datetime | None = None
    late_flag: bool = False


@dataclass
class Regrade:
    """What to grade again although the submission did not change."""

    students: tuple[str, ...] = ()  # empty: every student
    tests: tuple[str, ...] = ()  # empty: the whole lab; else only these test ids (merged into the old report)


@dataclass
class BatchResult:
    graded: list[dict] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (student, lab) kept from an earlier run
    problems: list[str] = field(default_factory=list)


def _mtime(path: Path) -> dt.datetime:
    """When a file, or the newest file in a folder, was last written."""
    stamp = path.stat().st_mtime
    if path.is_dir():
        for i, p in enumerate(path.rglob("*")):
            if i > 10_000:
                break
            if p.is_file() and not p.is_symlink():
                stamp = max(stamp, p.stat().st_mtime)
    return dt.datetime.fromtimestamp(stamp, dt.timezone.utc)


def discover(class_path: Path, workdir: Path) -> tuple[list[Entry], list[str]]:
    """The students of a class export, and problems found while reading it."""
    problems: list[str] = []
    root = class_path
    if class_path.is_file():
        root = workdir / "export"
        root.mkdir(parents=True, exist_ok=True)
        try:
            _extract(class_path, root, problems)
        except (SubmissionError, OSError, ValueError) as exc:
            raise SubmissionError(f"{class_path}: cannot read the class archive: {exc}") from None
        inner = [p for p in root.iterdir() if not p.name.startswith(".")]
        if len(inner) == 1 and inner[0].is_dir():
            root = inner[0]
    if not root.is_dir():
        raise SubmissionError(f"{class_path}: not a folder or zip of submissions")
    if (root / "submission_metadata.yml").is_file():
        return _gradescope(root, problems), problems
    files = [p for p in root.iterdir() if p.is_file() and not p.name.startswith(".")]
    if files and all(CANVAS_NAME.match(p.name) for p in files):
        return _canvas(root, files, workdir, problems), problems
    entries = []
    for p in sorted(root.iterdir()):
        if p.name.startswith(".") or p.is_symlink():
            continue
        if p.is_dir() or p.suffix.lower() == ".zip":
            entries.append(Entry(re.sub(r"\.zip$", "", p.name, flags=re.I), p, submitted_at=_mtime(p)))
        else:
            problems.append(f"{p.name}: not a student folder or zip; ignored")
    return entries, problems


def _gradescope(root: Path, problems: list[str]) -> list[Entry]:
    import yaml

    try:
        meta = yaml.safe_load((root / "submission_metadata.yml").read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SubmissionError(f"{root / 'submission_metadata.yml'}: not valid YAML: {exc}") from None
    entries = []
    for folder, info in sorted(meta.items()):
        path = root / str(folder)
        if not path.is_dir():
            problems.append(f"{folder}: listed in submission_metadata.yml but missing")
            continue
        submitters = (info or {}).get(":submitters") or []
        first = submitters[0] if submitters else {}
        name = str(first.get(":name") or folder)
        created = (info or {}).get(":created_at")
        when = created if isinstance(created, dt.datetime) else _parse_time(created)
        entries.append(Entry(name, path, str(first.get(":sid") or ""), when))
    return entries


def _canvas(root: Path, files: list[Path], workdir: Path, problems: list[str]) -> list[Entry]:
    groups: dict[str, list[tuple[Path, re.Match]]] = {}
    for p in files:
        m = CANVAS_NAME.match(p.name)
        assert m is not None
        groups.setdefault(m["name"], []).append((p, m))
    entries = []
    for name, items in sorted(groups.items()):
        m = items[0][1]
        if len(items) == 1 and items[0][0].suffix.lower() == ".zip":
            path = items[0][0]
        else:  # loose files: gather them in a folder named after the student
            path = workdir / "canvas" / name
            path.mkdir(parents=True, exist_ok=True)
            for p, mm in items:
                shutil.copyfile(p, path / mm["file"])
        when = max(_mtime(p) for p, _ in items)
        entries.append(Entry(name, path, m["uid"], when, late_flag=bool(m["late"])))
    return entries


def _parse_time(value: object) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace(" +", "+").replace(" UTC", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _existing(out_dir: Path, student: str, lab: Lab) -> dict | None:
    path = out_dir / report.safe_name(student) / f"{lab.id}.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def grade_class(
    course: Course,
    class_path: Path,
    out_dir: Path,
    lab_ids: list[str] | None = None,
    workers: int = 1,
    timing: bool = True,
    progress=None,
    policy: LatePolicy | None = None,
    regrade: Regrade | None = None,
) -> BatchResult:
    """Grade every (student, lab) of a class; see the module docstring.

    ``policy`` sets each report's late penalty (reports kept from an earlier
    run are re-assessed too). ``regrade`` grades the chosen students again
    even if unchanged; with ``regrade.tests`` only those tests run and their
    verdicts replace the old ones in the existing reports."""
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    workdir = sandbox.private_dir("batch-")
    result = BatchResult()
    lock = threading.Lock()
    subs: list[tuple[Entry, Submission]] = []
    try:
        entries, result.problems = discover(class_path, workdir)
        missing = sorted(set(regrade.students if regrade else ()) - {e.student for e in entries})
        if missing:
            known = ", ".join(e.student for e in entries[:20]) or "none"
            raise SubmissionError(f"{class_path}: no submission from {', '.join(missing)} (students: {known})")
        labs = course.labs(lab_ids) if lab_ids else None
        jobs: list[tuple[Entry, Submission, Lab, Path | None, dict | None]] = []  # last: the report a regrade replaces
        for entry in entries:
            try:
                sub = open_submission(entry.path, entry.student)
            except SubmissionError as exc:
                result.problems.append(f"{entry.student}: {exc}")
                for lab in labs or []:
                    r = report.build(lab, entry.student, [], 0.0, errors=[str(exc)])
                    grading.write_report(r, out_dir)
                    result.graded.append(r)
                continue
            subs.append((entry, sub))
            folders = sub.lab_folders()
            wanted = labs or [course.lab(f) for f in folders if f in course.lab_ids()]
            chosen = regrade is not None and (not regrade.students or entry.student in regrade.students)
            if regrade is not None and not chosen:
                continue
            for lab in wanted:
                folder = folders.get(lab.id)
                print_hash = fingerprint(folder, lab.files) if folder else None
                old = _existing(out_dir, entry.student, lab)
                if not chosen and old is not None and print_hash is not None and old.get("submission", {}).get("sha256") == print_hash:
                    result.skipped.append((entry.student, lab.id))
                    if policy is not None or old.get("late"):
                        _reassess(old, entry, policy, out_dir)
                    continue
                jobs.append((entry, sub, lab, folder, old if chosen else None))
        similarity.write(course, [(e.student, s) for e, s in subs], labs, out_dir)
        hide = grading.hidden_paths(course, out_dir, class_path.resolve(), (workdir,))
        cpus: queue.Queue[int] = queue.Queue()
        available = sorted(os.sched_getaffinity(0))
        for i in range(max(1, workers)):
            cpus.put(available[i % len(available)])
        if progress is not None:
            progress.start(len(jobs))

        def run(job: tuple[Entry, Submission, Lab, Path | None, dict | None]) -> dict:
            entry, sub, lab, folder, old = job
            cpu = cpus.get()
            tests = tuple(t for t in (regrade.tests if regrade else ()) if t in lab.tests)
            try:
                options = grading.GradeOptions(timing=timing and not tests, cpu=cpu, select=tests if old else ())
                r = grading.run_lab(course, lab, folder, entry.student, options, hide, problems=sub.problems)
            except Exception as exc:  # noqa: BLE001 - one broken grading never stops the batch
                r = report.build(lab, entry.student, [], 0.0, errors=[f"the grader failed on this submission: {type(exc).__name__}: {exc}"])
            finally:
                cpus.put(cpu)
            if old is not None:
                r = _merge_regrade(lab, old, r, tests)
            r["submitted_at"] = entry.submitted_at.isoformat() if entry.submitted_at else None
            r["student_id"] = entry.student_id
            late_policy.apply(r, policy)
            with lock:
                grading.write_report(r, out_dir)
            return r

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = [pool.submit(run, job) for job in jobs]
            for future in as_completed(futures):
                r = future.result()
                result.graded.append(r)
                if progress is not None:
                    progress.advance(r)
    finally:
        for _, sub in subs:
            sub.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def _reassess(old: dict, entry: Entry, policy: LatePolicy | None, out_dir: Path) -> None:
    """Apply the current late policy to a kept report; rewrite it if that changed anything."""
    before = (old.get("score"), old.get("late"))
    old["submitted_at"] = entry.submitted_at.isoformat() if entry.submitted_at else old.get("submitted_at")
    late_policy.apply(old, policy)
    if (old.get("score"), old.get("late")) != before:
        grading.write_report(old, out_dir)


def _merge_regrade(lab: Lab, old: dict, new: dict, tests: tuple[str, ...]) -> dict:
    """The report after a regrade: the whole new report, or (for single tests)
    the old report with those tests' new verdicts; the manifest's current
    points apply to every test either way."""
    at = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    history = [*old.get("regrades", []), {"at": at, "what": ("tests " + ", ".join(tests)) if tests else "whole lab", "previous_score": old["score"]}]
    if not tests or new["status"] == "error" or not old.get("tests"):
        new["regrades"] = history
        return new
    fresh = {t["name"]: t for t in new["tests"]}
    kept = {t["name"]: t for t in old["tests"]}
    merged = []
    for name, max_points in lab.tests.items():
        entry = dict(fresh[name] if name in tests or name not in kept else kept[name])
        entry["max_points"] = max_points
        entry["points"] = max_points if entry["status"] == "passed" else 0.0
        merged.append(entry)
    out = dict(old)
    out.update(tests=merged, regrades=history, graded_at=new["graded_at"], max_score=lab.points, lab=lab.summary())
    out.pop("late", None)
    report.rescore(out)
    return out
