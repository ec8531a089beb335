"""examples/class is exactly what scripts/make_examples.py writes from the course:
a lab's solution, stub or variant changed without regenerating the class fails here."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import REPO

EXAMPLES = REPO / "examples" / "class"


def files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def zip_members(path: Path) -> dict[str, bytes]:
    """Members by name and content; timestamps and compression are not compared."""
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist() if not info.is_dir()}


def test_examples_class_is_what_the_script_generates(tmp_path):
    out = tmp_path / "class"
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "make_examples.py"), "--out", str(out)], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    generated, committed = files(out), files(EXAMPLES)
    hint = "regenerate it: python scripts/make_examples.py"
    assert sorted(generated) == sorted(committed), f"examples/class has other files than the script writes; {hint}"
    differ = []
    for name, path in generated.items():
        if name.endswith(".zip"):
            if zip_members(path) != zip_members(committed[name]):
                differ.append(name)
        elif path.read_bytes() != committed[name].read_bytes():
            differ.append(name)
    assert not differ, f"examples/class differs from what the script writes in {differ}; {hint}"


def test_zip_comparison_ignores_timestamps_only(tmp_path):
    a, b, c = tmp_path / "a.zip", tmp_path / "b.zip", tmp_path / "c.zip"
    for path, when, data in ((a, (2026, 9, 1, 12, 0, 0), b"x"), (b, (2020, 1, 1, 0, 0, 0), b"x"), (c, (2026, 9, 1, 12, 0, 0), b"y")):
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr(zipfile.ZipInfo("alice/lab/f.py", date_time=when), data)
    assert zip_members(a) == zip_members(b) != zip_members(c)
