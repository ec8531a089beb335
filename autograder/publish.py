"""The student bundle: one zip with what students need, checked for leaks before it is written.

The bundle unpacks into a single folder, :data:`BUNDLE_ROOT`, holding

- ``assignments/`` (stubs and public tests),
- ``site/`` (the handouts, rendered by :func:`autograder.handouts.build_site`),
- ``autograder/`` and ``pyproject.toml`` (so ``pip install -e .`` gives
  students ``autograder test LAB``),
- ``README.md`` for students (``templates/bundle_README.md.j2``).

Nothing from ``reference/`` or ``examples/``; no caches or hidden files.

Every build runs :func:`scan_members` on the members before the zip is
written, and refuses (:class:`BundleLeak`) if any member

1. lies under ``reference/`` or ``examples/``;
2. has the same bytes as a file under ``reference/`` (a solution, hidden
   test, data file, variant, manifest);
3. is text and contains a *distinctive* line of the reference's Python
   code: a stripped line of at least :data:`MIN_LINE` characters from
   ``reference/**/*.py`` that appears in no file under ``assignments/``.
   Lines the stub shares with the solution (signatures, docstrings,
   constants) are public by construction and so never count. HTML members
   are compared after removing tags and entities.

The scan compares sets of lines and hashes, so it takes well under a second.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import click

from autograder.course import PUBLIC_INDEX, Course, CourseError
from autograder.shipping import package_root, source_files
from autograder.handouts import build_site

#: The folder the bundle unpacks into; member names start with it.
BUNDLE_ROOT = "llm-course"

#: Shorter lines (``return result``, ``x = x + 1``) are too common to tell anything.
MIN_LINE = 30

#: Top-level folders of the course that must never reach students.
FORBIDDEN_TOP = ("reference", "examples")

_ZIP_TIME = (2020, 1, 1, 0, 0, 0)  # fixed, so the same course gives the same zip
_TAG = re.compile(r"<[^>]*>")


class BundleLeak(Exception):
    """The bundle would publish reference material; the message names each leaking member and why."""


class BundleError(click.ClickException):
    """The bundle cannot be built (a missing or unreadable file); the message names the file."""


@dataclass
class BundleScan:
    """What the leak scan looked at; ``files`` is the number of members in the bundle."""

    files: int
    text_files: int
    reference_files: int
    distinctive_lines: int
    seconds: float
    leaks: list[str] = field(default_factory=list)


# ---- what goes in --------------------------------------------------------------------------------


def _tree(root: Path, folder: str) -> dict[str, bytes]:
    """Every shipped file under ``root/folder``, by its path relative to ``root``."""
    base = root / folder
    if not base.is_dir():
        raise BundleError(f"{base}: missing")
    return {f"{folder}/{rel}": path.read_bytes() for rel, path in source_files(base)}


def _readme(course: Course) -> bytes:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("autograder", "templates"), autoescape=False, trim_blocks=True, lstrip_blocks=True
    )
    labs = sorted(course.labs(), key=lambda l: (l.week, l.id))
    return env.get_template("bundle_README.md.j2").render(labs=labs).encode()


def collect_members(course: Course, site_dir: Path) -> dict[str, bytes]:
    """The bundle's members (names relative to :data:`BUNDLE_ROOT`) and their bytes.

    ``site_dir`` holds the rendered handouts (``build_site``'s output).
    """
    members = _tree(course.root, "assignments")
    members.update(_tree(package_root(), "autograder"))
    members.update({f"site/{rel}": path.read_bytes() for rel, path in source_files(site_dir)})
    pyproject = course.root / "pyproject.toml"
    if not pyproject.is_file():
        pyproject = package_root() / "pyproject.toml"
    if not pyproject.is_file():
        raise BundleError(f"{course.root / 'pyproject.toml'}: missing (students need it to install the grader)")
    members["pyproject.toml"] = pyproject.read_bytes()
    members["README.md"] = _readme(course)
    members[PUBLIC_INDEX] = public_index(course)
    return dict(sorted(members.items()))


def public_index(course: Course) -> bytes:
    """What students' tools need from the manifests (``autograder labs``, the
    module ``autograder test`` imports): ids, titles, points, entry and file
    names; nothing about the hidden tests."""
    labs = [{**lab.summary(), "entry": lab.entry, "files": lab.files} for lab in course.labs()]
    return (json.dumps(labs, indent=2) + "\n").encode()


# ---- the leak scan -------------------------------------------------------------------------------


def _lines(data: bytes) -> list[str] | None:
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None


@dataclass
class Fingerprint:
    """The reference's files by hash and its distinctive lines, each mapped to where it comes from."""

    hashes: dict[str, str]
    lines: dict[str, str]
    files: int


#: The reference's code whose lines the scan looks for (data files are checked by hash only).
CODE_FOLDERS = ("solution", "tests", "variants")


def _public_lines(folder: Path) -> set[str]:
    out: set[str] = set()
    for _, path in source_files(folder):
        out.update(line.strip() for line in _lines(path.read_bytes()) or [])
    return out


def reference_fingerprint(root: Path) -> Fingerprint:
    """Hashes of every file under ``root/reference`` and the distinctive lines of its code.

    Distinctive: a stripped line of at least :data:`MIN_LINE` characters in a
    ``.py`` file under ``reference/LAB/{solution,tests,variants}/`` that appears
    in no file the bundle publishes on purpose: ``assignments/`` (the stubs
    share signatures and docstrings with the solution, public and hidden tests
    share imports and helpers) and the grader's own package (which ships in
    the bundle, and shares idioms like ``from functools import lru_cache``).
    """
    ref = root / "reference"
    hashes: dict[str, str] = {}
    lines: dict[str, str] = {}
    files = 0
    for path in sorted(ref.rglob("*")) if ref.is_dir() else []:
        if not path.is_file():
            continue
        files += 1
        data = path.read_bytes()
        rel = path.relative_to(root)
        if data.strip():
            hashes.setdefault(hashlib.sha256(data).hexdigest(), rel.as_posix())
        if path.suffix == ".py" and len(rel.parts) > 3 and rel.parts[2] in CODE_FOLDERS:
            for n, line in enumerate(_lines(data) or [], 1):
                line = line.strip()
                if len(line) >= MIN_LINE:
                    lines.setdefault(line, f"{rel.as_posix()}:{n}")
    assignments = root / "assignments"
    for path in assignments.rglob("*") if assignments.is_dir() else []:
        if path.is_file() and path.suffix != ".py":  # a data file published on purpose
            hashes.pop(hashlib.sha256(path.read_bytes()).hexdigest(), None)
    public = _public_lines(assignments) | _public_lines(Path(__file__).resolve().parent)
    for line in public:
        lines.pop(line, None)
    return Fingerprint(hashes, lines, files)


def _short(line: str, width: int = 70) -> str:
    return line if len(line) <= width else line[: width - 3] + "..."


def scan_members(course: Course, members: dict[str, bytes], fingerprint: Fingerprint | None = None) -> BundleScan:
    """Check bundle members (names relative to :data:`BUNDLE_ROOT`) for reference material.

    Returns what was scanned; raises :class:`BundleLeak` naming every
    leaking member and why.
    """
    start = time.perf_counter()
    fp = fingerprint or reference_fingerprint(course.root)
    leaks: list[str] = []
    text_files = 0
    for name, data in members.items():
        parts = PurePosixPath(name).parts
        if parts and parts[0] in FORBIDDEN_TOP:
            leaks.append(f"{name}: under {parts[0]}/")
            continue
        same = fp.hashes.get(hashlib.sha256(data).hexdigest())
        if same:
            leaks.append(f"{name}: same bytes as {same}")
            continue
        lines = _lines(data)
        if lines is None:
            continue
        text_files += 1
        is_html = name.endswith((".html", ".htm"))
        for n, line in enumerate(lines, 1):
            if is_html:
                line = html.unescape(_TAG.sub("", line))
            line = line.strip()
            if len(line) >= MIN_LINE and line in fp.lines:
                leaks.append(f"{name}:{n}: repeats {fp.lines[line]} ({_short(line)!r})")
                break  # one line per member is enough to name it
    scan = BundleScan(len(members), text_files, fp.files, len(fp.lines), time.perf_counter() - start, leaks)
    if leaks:
        shown = "\n  ".join(leaks[:20])
        more = f"\n  ... and {len(leaks) - 20} more" if len(leaks) > 20 else ""
        raise BundleLeak(f"the student bundle would leak reference material ({len(leaks)} members):\n  {shown}{more}")
    return scan


def read_zip(path: Path) -> dict[str, bytes]:
    """A bundle's members, by name relative to :data:`BUNDLE_ROOT`."""
    prefix = BUNDLE_ROOT + "/"
    with zipfile.ZipFile(path) as zf:
        return {
            (info.filename[len(prefix) :] if info.filename.startswith(prefix) else info.filename): zf.read(info)
            for info in zf.infolist()
            if not info.is_dir()
        }


def scan_zip(course: Course, path: Path) -> BundleScan:
    """Run the leak scan on a bundle already written."""
    return scan_members(course, read_zip(path))


# ---- writing -------------------------------------------------------------------------------------


def _write_zip(members: dict[str, bytes], out_path: Path) -> None:
    tmp = out_path.with_name(out_path.name + ".part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(f"{BUNDLE_ROOT}/{name}", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    os.replace(tmp, out_path)


def build_bundle(course: Course, out_path: Path) -> tuple[Path, BundleScan]:
    """Build the student bundle at ``out_path`` (a .zip); return its path and the leak scan.

    Raises :class:`BundleLeak` (and writes nothing) when the scan finds
    reference material among the members.
    """
    out_path = Path(out_path).resolve()
    try:
        with tempfile.TemporaryDirectory(prefix="bundle-site-") as tmp:
            site = Path(tmp) / "site"
            build_site(course, site)
            members = collect_members(course, site)
    except (CourseError, OSError) as exc:
        raise BundleError(f"cannot build the bundle: {exc}") from None
    scan = scan_members(course, members)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    _write_zip(members, out_path)
    return out_path, scan
