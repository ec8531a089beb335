"""Batch wall time on a local Ray cluster against the local pool.

    python benchmarks/ray_vs_local.py [--students N] [--lab LAB] [--workers W]

Builds a class of N students (default 100) by repeating the example class's
students (alice: the reference, bob: the stubs, carol: some mistakes) on one
lab (default lab02_text_statistics), grades it twice with timing off, once
with ``--workers W`` local threads and once with ``--backend ray --address
local`` (a cluster started on this machine with as many CPUs), and prints
both wall times and their ratio. Both runs produce the same scores; the
script checks that too.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "class"


def make_class(root: Path, students: int) -> Path:
    sources = [EXAMPLES / "alice.zip", EXAMPLES / "bob", EXAMPLES / "carol"]
    root.mkdir(parents=True)
    for i in range(students):
        src = sources[i % 3]
        dest = root / f"s{i:03d}{src.suffix}"
        if src.is_dir():
            shutil.copytree(src, dest)
        else:
            shutil.copyfile(src, dest)
    return root


def grade(klass: Path, out: Path, lab: str, extra: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "autograder.cli", "batch", str(klass), "--out", str(out), "--labs", lab, "--no-timing", *extra],
                          cwd=REPO, capture_output=True, text=True, env={**os.environ, "RAY_DISABLE_USAGE_STATS": "1"})
    if proc.returncode != 0:
        raise SystemExit(proc.stdout[-2000:] + proc.stderr[-2000:])
    return time.perf_counter() - start


def scores(out: Path, lab: str) -> dict[str, float]:
    return {p.parent.name: json.loads(p.read_text())["score"] for p in out.glob(f"*/{lab}.json")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--lab", default="lab02_text_statistics")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        klass = make_class(Path(tmp) / "class", args.students)
        local = grade(klass, Path(tmp) / "local", args.lab, ["--workers", str(args.workers)])
        ray = grade(klass, Path(tmp) / "ray", args.lab, ["--backend", "ray", "--address", "local"])
        same = scores(Path(tmp) / "local", args.lab) == scores(Path(tmp) / "ray", args.lab)
    print(f"{args.students} students, {args.lab}, {args.workers} CPUs: local pool {local:.1f} s, local Ray cluster {ray:.1f} s "
          f"(cluster start included), ratio ray/local {ray / local:.2f}; same scores: {same}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
