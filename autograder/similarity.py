"""Similar submissions within a lab, for a human to look at.

Each submission's Python source is reduced to a token stream that survives
cosmetic edits: comments, docstrings and layout are dropped, identifiers
become ``N`` (keywords, builtins and attribute names stay: ``torch.matmul``
still reads ``N.matmul``), numbers ``0`` and strings ``''``. Shingles are
the hashed runs of ``K`` tokens. The starter code's shingles are removed
first (every student shares the stub), and so are shingles that more than
half the class has (the natural way to write a line), so only what a
student wrote themselves can match.

MinHash signatures and an LSH index (datasketch) find candidate pairs
without comparing every pair; each candidate's exact Jaccard similarity of
shingle sets decides. Flagged pairs are listed in the class summary with
their similarity; this never changes a grade.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import json
import keyword
import tokenize
from dataclasses import dataclass
from pathlib import Path

K = 7
THRESHOLD = 0.8
MIN_SHINGLES = 20  # too little own code to say anything
NUM_PERM = 128
KEEP_NAMES = set(keyword.kwlist) | set(dir(builtins)) | {"self", "cls"}


def normalized_tokens(source: str) -> list[str]:
    """The token stream of ``source`` with names, literals, comments and docstrings abstracted away."""
    out: list[str] = []
    previous = tokenize.NEWLINE
    skipped = False
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source.split()  # not Python we can read: compare words
    for i, tok in enumerate(tokens):
        kind, text = tok.type, tok.string
        if kind in (tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER):
            continue
        statement_start = previous in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)
        if kind == tokenize.NEWLINE and previous == tokenize.STRING and skipped:
            skipped = False
            continue
        previous = kind
        if kind == tokenize.STRING and statement_start and i + 1 < len(tokens) and tokens[i + 1].type == tokenize.NEWLINE:
            skipped = True  # a docstring or a bare string statement, and its line end
            continue
        if kind == tokenize.NAME:
            after_dot = bool(out) and out[-1] == "."
            out.append(text if text in KEEP_NAMES or after_dot else "N")
        elif kind == tokenize.NUMBER:
            out.append("0")
        elif kind == tokenize.STRING or kind == getattr(tokenize, "FSTRING_START", -1):
            out.append("''")
        elif kind in (getattr(tokenize, "FSTRING_MIDDLE", -1), getattr(tokenize, "FSTRING_END", -1)):
            continue
        elif kind in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            out.append({tokenize.NEWLINE: ";", tokenize.INDENT: "{", tokenize.DEDENT: "}"}[kind])
        else:
            out.append(text)
    return out


def shingles(source: str, k: int = K) -> set[int]:
    tokens = normalized_tokens(source)
    grams = (" ".join(tokens[i : i + k]) for i in range(max(0, len(tokens) - k + 1)))
    return {int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") for g in grams}


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    similarity: float
    shared: int

    def to_json(self) -> dict:
        return {"a": self.a, "b": self.b, "similarity": round(self.similarity, 3), "shared": self.shared}


def similar_pairs(sources: dict[str, str], starter: str = "", threshold: float = THRESHOLD) -> list[Pair]:
    """Pairs of students (name -> their lab's source) whose own code is at
    least ``threshold`` similar (Jaccard of shingles), most similar first."""
    from datasketch import MinHash, MinHashLSH

    base = shingles(starter) if starter else set()
    sets = {name: shingles(src) - base for name, src in sources.items()}
    counts: dict[int, int] = {}
    for s in sets.values():
        for h in s:
            counts[h] = counts.get(h, 0) + 1
    if len(sets) >= 4:  # with a handful of students "most of the class" means little
        common = {h for h, c in counts.items() if c > len(sets) / 2}
        sets = {name: s - common for name, s in sets.items()}
    sets = {name: s for name, s in sets.items() if len(s) >= MIN_SHINGLES}
    lsh = MinHashLSH(threshold=max(0.05, threshold * 0.8), num_perm=NUM_PERM)  # lower band: LSH only proposes
    signatures = {}
    for name, s in sorted(sets.items()):
        m = MinHash(num_perm=NUM_PERM, seed=1)
        m.update_batch(h.to_bytes(8, "little") for h in s)
        signatures[name] = m
        lsh.insert(name, m)
    pairs: dict[tuple[str, str], Pair] = {}
    for name, m in signatures.items():
        for other in lsh.query(m):
            if other == name:
                continue
            a, b = sorted((name, other))
            if (a, b) in pairs:
                continue
            shared = len(sets[a] & sets[b])
            jaccard = shared / len(sets[a] | sets[b])
            if jaccard >= threshold:
                pairs[(a, b)] = Pair(a, b, jaccard, shared)
    return sorted(pairs.values(), key=lambda p: (-p.similarity, p.a, p.b))


MAX_SOURCE_BYTES = 1_000_000


def _lab_source(folder: Path, files: list[str]) -> str:
    parts = []
    for name in files:
        path = folder / name
        if name.endswith(".py") and path.is_file() and not path.is_symlink() and path.stat().st_size <= MAX_SOURCE_BYTES:
            parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


def write(course, submissions: list, labs: list | None, out_dir: Path) -> Path:
    """Compare the class's submissions lab by lab and write ``similarity.json``
    (lab id -> flagged pairs) into the grades folder for the class summary.

    ``submissions`` are (student, ``Submission``) pairs; the students' files
    are only read, never run."""
    compared = {lab.id: lab for lab in labs or course.labs()}
    sources: dict[str, dict[str, str]] = {}
    for student, sub in submissions:
        for lab_id, folder in sub.lab_folders().items():
            if lab_id in compared:
                sources.setdefault(lab_id, {})[student] = _lab_source(folder, compared[lab_id].files)
    path = out_dir / "similarity.json"
    flagged = load(out_dir)  # labs not compared this time keep their pairs
    for lab_id, by_student in sources.items():
        lab = compared[lab_id]
        starter = _lab_source(lab.assignment_dir, lab.files)
        flagged[lab_id] = [p.to_json() for p in similar_pairs(by_student, starter)]
    tmp = path.with_name(".similarity.json.tmp")
    tmp.write_text(json.dumps(flagged, indent=2))
    tmp.replace(path)
    return path


def load(out_dir: Path) -> dict[str, list[dict]]:
    try:
        data = json.loads((out_dir / "similarity.json").read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
