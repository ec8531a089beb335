"""Per-lab kernel leaderboards: the timings of correct submissions, ranked.

A submission enters a kernel's board when every hidden test passed and the
kernel was timed (it has a ratio: the student's time over the reference's,
lower is faster). Rows are ranked by ratio (ties by pseudonym). A ratio under
:data:`FAST_FLAG` (more than 5x faster than the reference) is flagged for a
human look: a real speed-up that good is rare, a timing artefact or a
shortcut the tests missed is not.

Pseudonyms are stable for a class: derived from the student's key and a salt
kept in the output folder (``.pseudonym-salt``, made once, never shipped) or
set by ``AUTOGRADER_PSEUDONYM_SALT``, so students cannot recompute who is who
from the public board (``leaderboards.json`` holds pseudonyms only).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path

from autograder import grading, settings

FAST_FLAG = 0.2
SALT_FILE = ".pseudonym-salt"
_ADJECTIVES = (
    "amber", "brisk", "calm", "deft", "eager", "fleet", "gentle", "hardy", "keen", "lucid", "merry", "nimble",
    "placid", "quiet", "rapid", "steady", "tidy", "vivid", "witty", "zesty", "bold", "clever", "daring", "jolly",
)
_ANIMALS = (
    "otter", "heron", "lynx", "marten", "ibis", "koala", "lemur", "newt", "orca", "puffin", "quokka", "raven",
    "stoat", "tapir", "urchin", "vole", "wombat", "yak", "zebu", "badger", "crane", "dingo", "egret", "finch",
)


def salt_for(out_dir: Path) -> str:
    configured = settings.get(settings.PSEUDONYM_SALT_ENV)
    if configured:
        return configured
    path = out_dir / SALT_FILE
    try:
        return path.read_text().strip()
    except OSError:
        salt = secrets.token_hex(16)
        grading.atomic_write(path, salt)
        return salt


def pseudonym(student: str, salt: str) -> str:
    digest = hashlib.sha256(f"{salt}/{student}".encode()).digest()
    return f"{_ADJECTIVES[digest[0] % len(_ADJECTIVES)]}-{_ANIMALS[digest[1] % len(_ANIMALS)]}-{int.from_bytes(digest[2:4], 'big') % 1000:03d}"


def _correct(report: dict) -> bool:
    tests = report.get("tests", [])
    return bool(tests) and all(t.get("status") == "passed" for t in tests)


def build(reports: list[dict], salt: str) -> dict[str, dict[str, list[dict]]]:
    """lab id -> kernel name -> rows ``{rank, pseudonym, student, ratio, flagged}``, fastest first."""
    boards: dict[str, dict[str, list[dict]]] = {}
    for r in reports:
        if not _correct(r):
            continue
        for kernel in r.get("kernels", []):
            ratio = kernel.get("ratio")
            if kernel.get("status") != "timed" or not isinstance(ratio, (int, float)):
                continue
            row = {"pseudonym": pseudonym(r["student"], salt), "student": r["student"], "ratio": float(ratio), "flagged": float(ratio) < FAST_FLAG}
            boards.setdefault(r["lab"]["id"], {}).setdefault(kernel["name"], []).append(row)
    for kernels in boards.values():
        for rows in kernels.values():
            rows.sort(key=lambda row: (row["ratio"], row["pseudonym"]))
            for rank, row in enumerate(rows, 1):
                row["rank"] = rank
    return dict(sorted(boards.items()))


def write_public(boards: dict[str, dict[str, list[dict]]], path: Path) -> Path:
    """The boards with pseudonyms only (no student keys, no flags): safe to publish."""
    public = {lab: {k: [{"rank": r["rank"], "pseudonym": r["pseudonym"], "ratio": round(r["ratio"], 4)} for r in rows] for k, rows in kernels.items()}
              for lab, kernels in boards.items()}
    grading.atomic_write(path, json.dumps(public, indent=2) + "\n")
    return path
