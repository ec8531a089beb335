"""Which files of a source tree go into what we ship: the Gradescope zip,
the Otter export and the student bundle all take the same ones."""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

import autograder

SKIP_PARTS = {"__pycache__", ".pytest_cache", ".ipynb_checkpoints", ".mypy_cache", ".ruff_cache"}
SKIP_SUFFIXES = (".pyc", ".pyo", ".egg-info")


def package_root() -> Path:
    """The folder holding this package's pyproject.toml and autograder/ (in a course checkout)."""
    return Path(autograder.__file__).resolve().parent.parent


def wanted(rel: PurePosixPath) -> bool:
    """False for caches, compiled files and anything hidden (a part starting with ".")."""
    return not any(p in SKIP_PARTS or p.startswith(".") or p.endswith(SKIP_SUFFIXES) for p in rel.parts)


def source_files(folder: Path) -> list[tuple[PurePosixPath, Path]]:
    """(path relative to ``folder``, file) for every wanted regular file under it,
    sorted; links are never followed out of the tree. Nothing if it is not a folder."""
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.rglob("*")):
        rel = PurePosixPath(path.relative_to(folder).as_posix())
        if path.is_file() and not path.is_symlink() and wanted(rel):
            out.append((rel, path))
    return out


def copy_tree(src: Path, dst: Path) -> None:
    """Copy ``src``'s wanted files to ``dst`` (which may not exist yet)."""
    dst.mkdir(parents=True, exist_ok=True)
    for rel, path in source_files(src):
        target = dst / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
