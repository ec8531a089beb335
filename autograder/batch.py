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

from autograder import grading, quizzes, report, sandbox
from autograder import policy as late_policy
from autograder import similarity
from autograder.course import Course, Lab
from autograder.policy import LatePolicy
from autograder.submission import Submission, SubmissionError, _extract, fingerprint, open_submission

CANVAS_NAME = re.compile(r"^(?P<name>[A-Za-z0-9-]+?)(?P<late>_LATE)?_(?P<uid>\d+)_(?P<sid>\d+)_(?P<file>.+)$")
CANVAS_RESUBMITTED = re.compile(r"^(?P<stem>.+)-(?P<n>\d+)(?P<ext>\.[^.]+)$")  # text_stats-2.py: the 2nd resubmission
CANVAS_TIMES = "submissions.json"  # optional: the Canvas API's submission list, for submission times
MTIME = "file modification time"


@dataclass
class Entry:
    """One student's submission in a class export.

    ``key`` is unique within the class (it names the report folder and the
    gradebook row): the folder or zip name in a plain class, the student's
    name and platform id (Canvas user id, Gradescope SID) in an export, so two
    students who share a name never share a key."""

    key: str
    name: str
    path: Path
    student_id: str = ""
    submitted_at: dt.datetime | None = None
    time_source: str = "export"  # where submitted_at came from: "export" or MTIME
    late_flag: bool = False
    problems: list[str] = field(default_factory=list)  # found while gathering the files: shown in the reports


@dataclass
class Regrade:
    """What to grade again although the submission did not change."""

    students: tuple[str, ...] = ()  # empty: every student; else keys, names or ids that name one student each
    tests: tuple[str, ...] = ()  # empty: the whole lab; else only these test ids (merged into the old report)

    def tests_of(self, lab: Lab) -> tuple[str, ...]:
        """The regraded tests that ``lab`` has (empty: the whole lab)."""
        return tuple(t for t in self.tests if t in lab.tests)


@dataclass
class BatchResult:
    graded: list[dict] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (student key, lab) kept from an earlier run
    quizzes: list[dict] = field(default_factory=list)  # quiz reports (graded again on every run: cheap, no student code)
    problems: list[str] = field(default_factory=list)


class BatchCancelled(Exception):
    """Ctrl-C or SIGTERM stopped the batch: queued gradings were dropped, running
    ones stopped; every report already written stays, and a re-run resumes."""

    def __init__(self, graded: int, left: int) -> None:
        super().__init__(f"stopped after grading {graded}; {left} not graded")
        self.graded, self.left = graded, left


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


def discover(class_path: Path, workdir: Path, lab_files: dict[str, list[str]] | None = None) -> tuple[list[Entry], list[str]]:
    """The students of a class export, and problems found while reading it.

    ``lab_files`` (lab id -> the files its manifest takes) places a Canvas
    export's loose files in their lab folders. Raises ``SubmissionError`` when
    two submissions would share one key."""
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
        entries = _gradescope(root, problems)
    else:
        files = [p for p in root.iterdir() if p.is_file() and not p.name.startswith(".") and p.name != CANVAS_TIMES]
        if files and all(CANVAS_NAME.match(p.name) for p in files):
            entries = _canvas(root, files, workdir, lab_files, problems)
        else:
            entries = _plain(root, problems)
    _check_unique(entries, class_path)
    return entries, problems


def _plain(root: Path, problems: list[str]) -> list[Entry]:
    entries = []
    for p in sorted(root.iterdir()):
        if p.name.startswith(".") or p.is_symlink():
            continue
        if p.is_dir() or p.suffix.lower() == ".zip":
            name = re.sub(r"\.zip$", "", p.name, flags=re.I)
            entries.append(Entry(name, name, p, submitted_at=_mtime(p), time_source=MTIME))
        else:
            problems.append(f"{p.name}: not a student folder or zip; ignored")
    return entries


def _check_unique(entries: list[Entry], where: Path) -> None:
    """Refuse a class in which two submissions would land in one report folder."""
    seen: dict[str, Entry] = {}
    for entry in entries:
        folder = report.safe_name(entry.key)
        other = seen.get(folder)
        if other is not None:
            raise SubmissionError(
                f"{where}: two submissions would be graded as one student {folder!r}: {other.path.name} and {entry.path.name}; "
                "rename one (or export again) so that each student has one submission"
            )
        seen[folder] = entry


def _gradescope(root: Path, problems: list[str]) -> list[Entry]:
    import yaml

    try:
        meta = yaml.safe_load((root / "submission_metadata.yml").read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SubmissionError(f"{root / 'submission_metadata.yml'}: not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise SubmissionError(f"{root / 'submission_metadata.yml'}: expected a mapping of submission folders")
    entries = []
    for folder, info in sorted(meta.items(), key=lambda kv: str(kv[0])):
        path = root / str(folder)
        if not path.is_dir():
            problems.append(f"{folder}: listed in submission_metadata.yml but missing")
            continue
        info = info if isinstance(info, dict) else {}
        submitters = [s for s in info.get(":submitters") or [] if isinstance(s, dict)]
        first = submitters[0] if submitters else {}
        name = ", ".join(str(s.get(":name") or "") for s in submitters if s.get(":name")) or str(folder)
        ident = str(first.get(":sid") or first.get(":email") or "")
        if not ident:
            ident = str(folder).removeprefix("submission_")
            problems.append(f"{folder}: no SID or e-mail in submission_metadata.yml; keyed by the submission id {ident}")
        created = info.get(":created_at")
        when = created if isinstance(created, dt.datetime) else _parse_time(created)
        source = "export"
        if when is None:
            when, source = _mtime(path), MTIME
        entries.append(Entry(f"{name}_{ident}", name, path, ident, when, source))
    return entries


def _canvas(root: Path, files: list[Path], workdir: Path, lab_files: dict[str, list[str]] | None, problems: list[str]) -> list[Entry]:
    """Canvas names each file ``<name>[_LATE]_<userid>_<attachmentid>_<file>``;
    a resubmitted file gets ``-N`` before its extension. Students are told
    apart by user id; of several versions of one file the newest wins."""
    groups: dict[str, list[tuple[Path, re.Match]]] = {}
    for p in files:
        m = CANVAS_NAME.match(p.name)
        assert m is not None
        groups.setdefault(m["uid"], []).append((p, m))
    times, times_note = _canvas_times(root)
    if times_note:
        problems.append(times_note)
    expected = {name for names in (lab_files or {}).values() for name in names}
    entries = []
    for uid, items in sorted(groups.items()):
        name = items[0][1]["name"]
        key = f"{name}_{uid}"
        entry = Entry(key, name, root, uid, late_flag=any(m["late"] for _, m in items))
        zips = [(p, m) for p, m in items if p.suffix.lower() == ".zip"]
        if zips:
            newest = max(zips, key=lambda pm: _version(pm[0], pm[1], expected))
            entry.path = newest[0]
            chosen = [newest]
            entry.problems += [f"{m['file']}: an older or extra file beside the submitted zip {newest[1]['file']}; ignored" for p, m in items if p != newest[0]]
        else:
            entry.path = workdir / "canvas" / report.safe_name(key)
            chosen = _place_canvas_files(items, entry.path, lab_files, expected, entry.problems)
        when = times.get(uid)
        if when is None:
            entry.submitted_at, entry.time_source = max(_mtime(p) for p, _ in chosen or items), MTIME
        else:
            entry.submitted_at = when
        entries.append(entry)
    return entries


def _version(path: Path, match: re.Match, expected: set[str]) -> tuple[int, int, float]:
    """How new one file of a Canvas export is: resubmission number, attachment id, mtime."""
    resubmitted = CANVAS_RESUBMITTED.match(match["file"])
    n = int(resubmitted["n"]) if resubmitted and match["file"] not in expected else 0
    return (n, int(match["sid"]), path.stat().st_mtime)


def _base_name(file: str, expected: set[str]) -> str:
    """The file name a student submitted, without Canvas's ``-N`` resubmission suffix."""
    resubmitted = CANVAS_RESUBMITTED.match(file)
    if file not in expected and resubmitted and resubmitted["stem"] + resubmitted["ext"] in expected:
        return resubmitted["stem"] + resubmitted["ext"]
    return file


def _place_canvas_files(
    items: list[tuple[Path, re.Match]], dest: Path, lab_files: dict[str, list[str]] | None, expected: set[str], problems: list[str]
) -> list[tuple[Path, re.Match]]:
    """Copy the newest version of each loose file into ``dest/<lab>/`` for every lab
    whose manifest takes it (into ``dest`` itself without ``lab_files``)."""
    newest: dict[str, tuple[Path, re.Match]] = {}
    for p, m in items:
        base = _base_name(m["file"], expected)
        if base not in newest or _version(p, m, expected) > _version(*newest[base], expected):
            newest[base] = (p, m)
    dest.mkdir(parents=True, exist_ok=True)
    for base, (p, m) in sorted(newest.items()):
        labs = [lab for lab, names in (lab_files or {}).items() if base in names]
        if lab_files is not None and not labs:
            problems.append(f"{m['file']}: no lab takes a file of that name; ignored")
            continue
        for folder in [dest / lab for lab in labs] or [dest]:
            folder.mkdir(exist_ok=True)
            shutil.copyfile(p, folder / base)
    return list(newest.values())


def _canvas_times(root: Path) -> tuple[dict[str, dt.datetime], str]:
    """Submission times from ``submissions.json`` (the list the Canvas API's
    ``GET .../assignments/:id/submissions`` returns: ``user_id``, ``submitted_at``)."""
    path = root / CANVAS_TIMES
    if not path.is_file():
        return {}, (
            f"submission times are file modification times: a Canvas download holds none; put the Canvas API's "
            f"submission list in {CANVAS_TIMES} beside the files for real ones"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SubmissionError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(data, list):
        raise SubmissionError(f"{path}: expected a JSON list of submissions with user_id and submitted_at")
    times = {}
    for i, item in enumerate(data):
        if not isinstance(item, dict) or "user_id" not in item:
            raise SubmissionError(f"{path}: item {i} has no user_id")
        when = _parse_time(item.get("submitted_at"))
        if when is not None:
            times[str(item["user_id"])] = when
    return times, ""


def _parse_time(value: object) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace(" +", "+").replace(" UTC", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def select_students(entries: list[Entry], wanted: tuple[str, ...], where: Path) -> set[str]:
    """The keys of the students named in ``wanted`` (each a key, a name or an id
    that names exactly one submission)."""
    keys: set[str] = set()
    for w in wanted:
        match = [e for e in entries if e.key == w] or [e for e in entries if w in (e.name, e.student_id)]
        if not match:
            known = ", ".join(e.key for e in entries[:20]) or "none"
            raise SubmissionError(f"{where}: no submission from {w} (students: {known})")
        if len(match) > 1:
            raise SubmissionError(f"{where}: {w!r} names {len(match)} students ({', '.join(e.key for e in match)}); give one of these keys")
        keys.add(match[0].key)
    return keys


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
    ray_address: str | None = None,
) -> BatchResult:
    """Grade every (student, lab) of a class; see the module docstring.

    ``policy`` sets each report's late penalty (reports kept from an earlier
    run are re-assessed too). ``regrade`` grades the chosen students again
    even if unchanged; with ``regrade.tests`` only those tests run and their
    verdicts replace the old ones in the existing reports.

    Ctrl-C (``KeyboardInterrupt``, SIGTERM included once
    ``scratch.install_signal_handlers`` ran) drops the queued gradings, stops
    the running ones within ``grading.STOP_GRACE_S`` seconds, writes no report
    for them, and raises :class:`BatchCancelled`.

    ``ray_address``: run the gradings as tasks on that Ray cluster
    (``"local"``: one started on this machine) instead of ``workers`` local
    threads; see :mod:`autograder.raybatch`. Discovery, regrade decisions and
    every report write stay here."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    out_dir = out_dir.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    grading.allow_runners()
    workdir = sandbox.private_dir("batch-")
    result = BatchResult()
    lock = threading.Lock()
    subs: list[tuple[Entry, Submission]] = []
    quiz_cache: dict = {}
    try:
        lab_files = {lab.id: lab.files for lab in course.labs(lab_ids)}
        entries, result.problems = discover(class_path, workdir, lab_files)
        chosen_keys = select_students(entries, regrade.students, class_path) if regrade and regrade.students else None
        labs = course.labs(lab_ids) if lab_ids else None
        jobs: list[tuple[Entry, Submission, Lab, Path | None, dict | None]] = []  # last: the report a regrade replaces
        for entry in entries:
            try:
                sub = open_submission(entry.path, entry.key)
            except SubmissionError as exc:
                result.problems.append(f"{entry.key}: {exc}")
                for lab in labs or []:
                    r = _stamp(report.refused(lab, entry.key, [str(exc)], warnings=entry.problems), entry, policy)
                    grading.write_report(r, out_dir)
                    result.graded.append(r)
                continue
            sub.problems[:0] = entry.problems
            subs.append((entry, sub))
            graded_quizzes, quiz_problems = quizzes.grade_submission_quizzes(course.root, entry.key, sub.root, out_dir, quiz_cache)
            result.quizzes.extend(graded_quizzes)
            result.problems.extend(quiz_problems)
            folders = sub.lab_folders()
            wanted = labs or [course.lab(f) for f in folders if f in course.lab_ids()]
            chosen = regrade is not None and (chosen_keys is None or entry.key in chosen_keys)
            if regrade is not None and not chosen:
                continue
            for lab in wanted:
                folder = folders.get(lab.id)
                print_hash = fingerprint(folder, lab.files) if folder else None
                old = _existing(out_dir, entry.key, lab)
                if not chosen and old is not None and print_hash is not None and old.get("submission", {}).get("sha256") == print_hash:
                    result.skipped.append((entry.key, lab.id))
                    _reassess(old, entry, policy, out_dir)
                    continue
                jobs.append((entry, sub, lab, folder, old if chosen else None))
        similarity.write(course, [(e.key, s) for e, s in subs], labs, out_dir)
        hide = grading.hidden_paths(course, out_dir, class_path.resolve(), (workdir,))
        cpus: queue.Queue[int] = queue.Queue()
        available = sorted(os.sched_getaffinity(0))
        for i in range(workers):
            cpus.put(available[i % len(available)])
        if progress is not None:
            progress.start(len(jobs))

        def run(job: tuple[Entry, Submission, Lab, Path | None, dict | None]) -> dict | None:
            entry, sub, lab, folder, old = job
            cpu = cpus.get()
            tests = regrade.tests_of(lab) if regrade else ()
            try:
                options = grading.GradeOptions(timing=timing and not tests, cpu=cpu, select=tests if old else ())
                r = grading.run_lab(course, lab, folder, entry.key, options, hide, problems=sub.problems)
            except grading.Cancelled:
                return None
            except Exception as exc:  # noqa: BLE001 - one broken grading never stops the batch
                r = report.refused(lab, entry.key, [f"the grader failed on this submission: {type(exc).__name__}: {exc}"])
            finally:
                cpus.put(cpu)
            if old is not None:
                r = _merge_regrade(lab, old, r, tests)
            _stamp(r, entry, policy)
            with lock:
                grading.write_report(r, out_dir)
            return r

        if ray_address is not None:
            _run_on_ray(course, jobs, ray_address, timing, regrade, policy, out_dir, result, progress)
            return result
        pool = ThreadPoolExecutor(max_workers=workers)
        try:
            futures = [pool.submit(run, job) for job in jobs]
            for future in as_completed(futures):
                r = future.result()
                if r is not None:
                    result.graded.append(r)
                    if progress is not None:
                        progress.advance(r)
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            grading.stop_runners()
            pool.shutdown(wait=True)
            graded = [f.result() for f in futures if f.done() and not f.cancelled() and f.exception() is None]
            done = sum(1 for r in graded if r is not None)
            raise BatchCancelled(done, len(jobs) - done) from None
        finally:
            pool.shutdown(wait=True)
    finally:
        for _, sub in subs:
            sub.cleanup()
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def _run_on_ray(course: Course, jobs: list, address: str, timing: bool, regrade: Regrade | None, policy: LatePolicy | None, out_dir: Path, result: BatchResult, progress) -> None:
    """The gradings of ``jobs`` as Ray tasks; reports written here, one per job, as results arrive."""
    from autograder import raybatch

    raybatch.connect(address)
    tasks = []
    for job in jobs:
        entry, sub, lab, folder, old = job
        tests = regrade.tests_of(lab) if regrade else ()
        files, problems = raybatch.read_lab_files(folder, lab.files)
        tasks.append((job, raybatch.RayJob(str(course.root), lab.id, entry.key, files, (*sub.problems, *problems), timing and not tests, tests if old else ())))
    labs = {lab.id: lab for _, _, lab, _, _ in jobs}

    def needs_gpu(task: raybatch.RayJob) -> bool:
        lab = labs[task.lab_id]
        return task.timing and lab.gpu and bool(lab.kernels)

    def on_result(job, r: dict) -> None:
        entry, _, lab, _, old = job
        if old is not None:
            r = _merge_regrade(lab, old, r, regrade.tests_of(lab) if regrade else ())
        _stamp(r, entry, policy)
        grading.write_report(r, out_dir)
        result.graded.append(r)
        if progress is not None:
            progress.advance(r)

    def on_failure(job, why: str) -> dict:
        entry, _, lab, _, _ = job
        return report.refused(lab, entry.key, [f"the grading failed on every try on the Ray cluster: {why}"])

    try:
        raybatch.run(tasks, needs_gpu, on_result, on_failure)
    except KeyboardInterrupt:
        raise BatchCancelled(len(result.graded), len(jobs) - len(result.graded)) from None


def _stamp(r: dict, entry: Entry, policy: LatePolicy | None) -> dict:
    """Who and when, from the export, and the late penalty under ``policy``."""
    r["student_name"] = entry.name
    r["student_id"] = entry.student_id
    r["submitted_at"] = entry.submitted_at.isoformat() if entry.submitted_at else None
    r["submitted_at_source"] = entry.time_source
    late_policy.apply(r, policy)
    return r


def _reassess(old: dict, entry: Entry, policy: LatePolicy | None, out_dir: Path) -> None:
    """Apply the current late policy and export data to a kept report; rewrite it if that changed anything."""
    before = json.dumps(old, sort_keys=True)
    _stamp(old, entry, policy)
    if json.dumps(old, sort_keys=True) != before:
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
