"""Reading a submission: a folder or a .zip holding labNN_slug/ folders.

Archives are untrusted input: only regular files are extracted, names are
checked before anything is written (no absolute paths, no ``..``, no links),
and sizes and counts are capped against zip bombs. Every problem is
reported in plain words; none raises past :func:`open_submission`.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autograder import sandbox
from autograder.errors import SubmissionError  # defined with the engine's other errors; importable from here

LAB_DIR = re.compile(r"^lab\d\d_[a-z0-9_]+$")
MAX_MEMBERS = 2000
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 100 * 1024 * 1024


@dataclass
class Submission:
    student: str
    source: Path  # what the user pointed at (folder or zip)
    root: Path  # a folder with labNN_slug/ folders (or the lab's files themselves)
    problems: list[str] = field(default_factory=list)
    owned: Path | None = None  # a private copy we extracted, removed by cleanup()

    def lab_folders(self) -> dict[str, Path]:
        return {p.name: p for p in sorted(self.root.iterdir()) if p.is_dir() and not p.is_symlink() and LAB_DIR.match(p.name)}

    def cleanup(self) -> None:
        if self.owned is not None:
            shutil.rmtree(self.owned, ignore_errors=True)


def open_submission(path: Path, student: str | None = None) -> Submission:
    path = Path(path)
    name = student or re.sub(r"\.zip$", "", path.name, flags=re.IGNORECASE)
    if not path.exists():
        raise SubmissionError(f"{path}: no such file or folder")
    if path.is_dir():
        return Submission(name, path, _descend(path))
    if not zipfile.is_zipfile(path):
        raise SubmissionError(f"{path}: not a folder and not a zip archive")
    owned = sandbox.private_dir("submission-")
    sub = Submission(name, path, owned, owned=owned)
    try:
        _extract(path, owned, sub.problems)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        sub.cleanup()
        raise SubmissionError(f"{path}: the zip archive is damaged: {exc}") from None
    except BaseException:  # a refused archive (zip bomb...), Ctrl-C: nothing of it stays behind
        sub.cleanup()
        raise
    sub.root = _descend(owned)
    return sub


def _descend(folder: Path) -> Path:
    """Accept one wrapping folder (``alice/lab02_x/``) around the lab folders."""
    entries = [p for p in folder.iterdir() if not p.name.startswith(".") and p.name != "__MACOSX"]
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink() and not LAB_DIR.match(entries[0].name):
        return entries[0]
    return folder


def check_member_name(name: str) -> str | None:
    """Why an archive member name is unsafe, or None."""
    if "\x00" in name:
        return "a name with a NUL byte"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or name.startswith("\\"):
        return "an absolute path"
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if any(p == ".." for p in parts):
        return "a path that climbs out of the archive (..)"
    return None


def _extract(archive: Path, dest: Path, problems: list[str]) -> None:
    with zipfile.ZipFile(archive) as zf:
        members = zf.infolist()
        if len(members) > MAX_MEMBERS:
            raise SubmissionError(f"{archive}: {len(members)} entries is over the limit of {MAX_MEMBERS}")
        total = 0
        for info in members:
            why = check_member_name(info.filename)
            if why:
                problems.append(f"{archive.name}: skipped {info.filename!r}: {why}")
                continue
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                problems.append(f"{archive.name}: skipped {info.filename!r}: symbolic links are not allowed")
                continue
            if info.is_dir():
                continue
            if info.file_size > MAX_FILE_BYTES:
                problems.append(f"{archive.name}: skipped {info.filename!r}: larger than {MAX_FILE_BYTES >> 20} MB")
                continue
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise SubmissionError(f"{archive}: unpacks to more than {MAX_TOTAL_BYTES >> 20} MB")
            target = dest.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
            if not target.resolve().is_relative_to(dest.resolve()):
                problems.append(f"{archive.name}: skipped {info.filename!r}: it would land outside the submission")
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists() and target.is_dir():
                problems.append(f"{archive.name}: skipped {info.filename!r}: a folder of that name exists")
                continue
            with zf.open(info) as src, target.open("wb") as out:
                copied = 0
                while chunk := src.read(1 << 20):
                    copied += len(chunk)
                    if copied > MAX_FILE_BYTES:  # the header lied about the size
                        raise SubmissionError(f"{archive}: {info.filename!r} unpacks larger than it claims (zip bomb?)")
                    out.write(chunk)


def fingerprint_files(files: list[tuple[str, Path]]) -> str:
    """sha256 over (name, bytes) pairs in name order: what a submission of a lab *is*."""
    digest = hashlib.sha256()
    for name, path in sorted(files):
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def fingerprint(folder: Path, wanted: list[str]) -> str:
    """The fingerprint of the files ``collect_lab_files`` would take from ``folder``."""
    files = []
    for name in wanted:
        src = folder / name
        if sandbox.check_submitted_name(name) is None and src.is_file() and not src.is_symlink():
            files.append((name, src))
    return fingerprint_files(files)


def collect_lab_files(folder: Path, wanted: list[str], dest: Path) -> tuple[list[str], list[str]]:
    """Copy the manifest's files from a student's lab folder into ``dest``.

    Returns (copied names, problems). Only regular files named in the
    manifest are copied; links, folders and forbidden names are refused.
    """
    copied, problems = [], []
    dest.mkdir(parents=True, exist_ok=True)
    for name in wanted:
        src = folder / name
        why = sandbox.check_submitted_name(name)
        if why:
            problems.append(why)
            continue
        if src.is_symlink():
            problems.append(f"{name} is a symbolic link; submit the file itself")
            continue
        if src.is_dir():
            problems.append(f"{name} is a folder, not a file")
            continue
        if not src.is_file():
            problems.append(f"{name} is missing from the submission")
            continue
        if src.stat().st_size > MAX_FILE_BYTES:
            problems.append(f"{name} is larger than {MAX_FILE_BYTES >> 20} MB")
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest / name)
        copied.append(name)
    for extra in ("conftest.py", "pytest.ini", "sitecustomize.py"):
        if (folder / extra).exists():
            problems.append(f"{extra} in the submission was ignored (it is never run)")
    return copied, problems
