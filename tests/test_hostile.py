"""The hostile corpus: every attack in tests/hostile/ and every bad archive,
graded as one class with `autograder batch` and again one by one with
`autograder grade`. For each: the attack ran, no more points than the code
earns honestly, the report says what happened, nothing hidden leaks into
what students see, the other students are unaffected, and nothing outside
the scratch changes.

Each attack prints ``ATTACK-RAN:<its name>`` (flushed) where it strikes,
before it can close or flood its output; the marker is assembled at run time
(``print("ATTACK-RAN", "<name>", sep=":")``), so only running the code can
produce it, not an echo of its source. The worker's stdout and stderr go
through a pipe to the runner, which keeps the first 64 KB in the report's
``output`` field: that is where the marker must arrive. (The staff log,
``<lab>.staff.log``, is the runner's own pytest log; the worker's output
does not reach it.) An attack that cannot run code (a syntax error) says
``marker: none (why)`` in its header.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from autograder import sandbox
from conftest import FIXTURE_COURSE, make_zip

HOSTILE = Path(__file__).parent / "hostile"
CANARIES = ["CANARY-HIDDEN-TESTS-7f3a", "CANARY-REFERENCE-5b1f", "CANARY-EXPECTED-DATA-c2d9"]
HONEST_REFERENCE_MAX = 12  # every test and the kernel
TAG = f"{os.getpid()}"
MARKER = "ATTACK-RAN:"  # + the attack's name: printed by the attack when it strikes


def parse_case(path: Path) -> dict:
    text = path.read_text()
    doc = re.match(r'"""(.*?)"""\n', text, re.S)
    assert doc, f"{path} needs a docstring header"
    fields = dict(re.findall(r"^(\w+): (.*)$", doc.group(1), re.M))
    marker = None if fields.get("marker", "").startswith("none") else f"{MARKER}{path.stem}"
    return {
        "name": path.stem, "base": fields["base"], "expect": fields["expect"], "code": text[doc.end():],
        "what": doc.group(1).splitlines()[0], "marker": marker,
    }


CASES = [parse_case(p) for p in sorted(HOSTILE.glob("*.py"))]


class Listener:
    """A TCP listener on loopback that records whether anything connected."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                pass

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


def tree_hash(root: Path, skip: tuple[Path, ...] = ()) -> str:
    digest = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if any(p.is_relative_to(s) for s in skip) or "__pycache__" in p.parts:
            continue
        digest.update(str(p.relative_to(root)).encode())
        if p.is_file() and not p.is_symlink():
            digest.update(p.read_bytes())
    return digest.hexdigest()


def orphaned_workers() -> list[int]:
    """Processes under a worker uid whose grading is over: their working
    folder (the worker's private folder) has been removed. Workers of other
    gradings running on this machine at the same time still have theirs."""
    left = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uid_line = next(line for line in status.read_text().splitlines() if line.startswith("Uid:"))
            if int(uid_line.split()[1]) < sandbox.UID_BASE:
                continue
            cwd = os.readlink(status.parent / "cwd")
        except (OSError, StopIteration):
            continue
        if cwd.endswith("(deleted)") or not Path(cwd).parent.exists():
            left.append(int(status.parent.name))
    return left


@pytest.fixture(scope="module")
def arena(tmp_path_factory):
    """The course (with canaries planted in its hidden material), a class of
    attackers and honest students, and a listener; graded once with batch."""
    base = tmp_path_factory.mktemp("hostile")
    course = base / "course"
    shutil.copytree(FIXTURE_COURSE, course)
    lab = course / "reference" / "lab98_toy"
    reference_code = (lab / "solution" / "toy.py").read_text()
    stub_code = (course / "assignments" / "lab98_toy" / "toy.py").read_text()
    (lab / "tests" / "test_hidden.py").write_text((lab / "tests" / "test_hidden.py").read_text() + f"\n# {CANARIES[0]}\n")
    (lab / "solution" / "toy.py").write_text(reference_code + f"\n# {CANARIES[1]}\n")
    (lab / "data").mkdir()
    (lab / "data" / "expected.txt").write_text(CANARIES[2])

    klass, out = base / "class", base / "grades"
    listener = Listener()
    fill = {"{COURSE}": str(course), "{CLASS}": str(klass), "{OUT}": str(out), "{PORT}": str(listener.port), "{TAG}": TAG}

    def student(name: str, code: str | bytes, extra: dict | None = None) -> None:
        folder = klass / name / "lab98_toy"
        folder.mkdir(parents=True)
        (folder / "toy.py").write_bytes(code if isinstance(code, bytes) else code.encode())
        for rel, content in (extra or {}).items():
            (folder / rel).write_text(content)

    student("honest_reference", reference_code)
    student("honest_stub", stub_code)
    for case in CASES:
        code = case["code"]
        for key, value in fill.items():
            code = code.replace(key, value)
        student(case["name"], {"stub": stub_code, "reference": reference_code, "none": ""}[case["base"]] + "\n" + code)
    bad_archives(klass, stub_code, course)

    before = tree_hash(course)
    scratch = base / "scratch"  # the grader's scratch root for this corpus alone: it must end as empty as it starts
    scratch.mkdir()
    env = {**os.environ, "AUTOGRADER_COURSE": str(course), "AUTOGRADER_WORKDIR": str(scratch)}
    proc = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "batch", str(klass), "--out", str(out), "--labs", "lab98_toy", "--workers", "2"],
        capture_output=True, text=True, env=env,
    )
    listener.close()
    yield {"course": course, "class": klass, "out": out, "proc": proc, "before": before, "env": env, "listener": listener, "scratch": scratch}


def bad_archives(klass: Path, stub_code: str, course: Path) -> None:
    """Broken and malicious archives and folder layouts, as students of the class."""
    def zipped(name: str, members: dict[str, bytes], links: dict[str, str] | None = None) -> None:
        make_zip(klass / f"{name}.zip", members, links)

    zipped("zip_slip", {"lab98_toy/toy.py": stub_code.encode(), f"../../escaped_{TAG}.py": b"x", f"/tmp/absolute_{TAG}.py": b"x"})
    zipped("zip_symlink", {}, links={"lab98_toy/toy.py": str(course / "reference/lab98_toy/solution/toy.py")})
    zipped("zip_empty", {})
    zipped("zip_non_utf8_names", {"lab98_toy/toy.py": stub_code.encode(), "lab98_toy/QQ.py": b"x"})
    raw = (klass / "zip_non_utf8_names.zip").read_bytes()
    (klass / "zip_non_utf8_names.zip").write_bytes(raw.replace(b"QQ.py", b"\xff\xfe.py"))  # not valid UTF-8
    with zipfile.ZipFile(klass / "zip_bomb.zip", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for i in range(8):
            zf.writestr(f"lab98_toy/pad{i}.bin", b"\0" * (19 << 20))
    (klass / "zip_junk.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    wrong = klass / "wrong_layout"
    wrong.mkdir()
    (wrong / "toy.py").write_text(stub_code)
    (wrong / "notes.txt").write_text("no lab folder here")
    missing = klass / "missing_files" / "lab98_toy"
    missing.mkdir(parents=True)
    (missing / "other.py").write_text("x = 1\n")
    (klass / "dir_instead_of_file" / "lab98_toy" / "toy.py").mkdir(parents=True)
    link = klass / "symlink_out" / "lab98_toy"
    link.mkdir(parents=True)
    (link / "toy.py").symlink_to(course / "reference/lab98_toy/solution/toy.py")
    extra = klass / "extra_files" / "lab98_toy"
    extra.mkdir(parents=True)
    (extra / "toy.py").write_text(stub_code)
    (extra / "conftest.py").write_text("import pytest\n")
    (extra / "sitecustomize.py").write_text("import os; os._exit(0)\n")
    (extra / "numpy.py").write_text("raise SystemExit\n")
    junk = klass / "binary_junk" / "lab98_toy"
    junk.mkdir(parents=True)
    (junk / "toy.py").write_bytes(bytes(range(256)) * 64)
    latin = klass / "non_utf8_source" / "lab98_toy"
    latin.mkdir(parents=True)
    (latin / "toy.py").write_bytes(stub_code.encode() + '\nNAME = "caf\xe9"\n'.encode("latin-1"))  # invalid UTF-8 in code


BAD = {
    # student: (phrase the report must contain, honest max)
    "zip_slip": ("climbs out", 0),
    "zip_symlink": ("symbolic links are not allowed", 0),
    "zip_empty": ("no lab98_toy", 0),
    "zip_non_utf8_names": ("NotImplementedError", 0),
    "zip_bomb": ("more than", 0),
    "zip_junk": ("not a folder and not a zip", 0),
    "wrong_layout": ("no lab98_toy", 0),
    "missing_files": ("toy.py is missing", 0),
    "dir_instead_of_file": ("is a folder, not a file", 0),
    "symlink_out": ("symbolic link", 0),
    "extra_files": ("conftest.py", 0),
    "binary_junk": ("could not be imported", 0),
    "non_utf8_source": ("could not be imported", 0),
}


def report_of(arena, student: str) -> dict:
    path = arena["out"] / student / "lab98_toy.json"
    assert path.is_file(), f"no report for {student}; batch said:\n{arena['proc'].stdout[-3000:]}\n{arena['proc'].stderr[-3000:]}"
    return json.loads(path.read_text())


def student_visible(arena, student: str) -> str:
    folder = arena["out"] / student
    return (folder / "lab98_toy.json").read_text() + (folder / "lab98_toy.html").read_text()


def honest_max(base: str) -> float:
    return HONEST_REFERENCE_MAX if base == "reference" else 0


def test_batch_survives_the_corpus(arena):
    assert arena["proc"].returncode == 0, arena["proc"].stderr[-3000:]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_attack_ran(arena, case):
    """The attack's own marker reached the report's output: the graded code really was the attack,
    and it got as far as the point where it strikes."""
    if case["marker"] is None:
        pytest.skip(f"{case['name']} runs no code; the report's {case['expect']!r} is the proof")
    assert case["marker"] not in case["code"], "build the marker at run time, so that only running the code prints it"
    report = report_of(arena, case["name"])
    assert case["marker"] in report["output"], f"{case['name']}: its marker is not in the report's output; did the attack run?\n{report['output'][:2000]}"
    others = set(re.findall(rf"{MARKER}(\w+)", report["output"])) - {case["name"]}
    assert not others, f"{case['name']}'s report shows other attacks' markers: {others}"


def test_every_attack_prints_a_marker():
    """A new attack without a marker (or a marker-less one without a reason) fails here, not silently."""
    for case in CASES:
        if case["marker"] is None:
            assert re.search(r"^marker: none \(.+\)$", (HOSTILE / f"{case['name']}.py").read_text(), re.M), case["name"]
        else:
            assert f'"ATTACK-RAN", "{case["name"]}"' in case["code"], case["name"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_attack_earns_nothing_extra_and_is_explained(arena, case):
    report = report_of(arena, case["name"])
    assert report["score"] <= honest_max(case["base"]), report["score"]
    text = json.dumps(report)
    assert re.search(case["expect"], text, re.I), f"{case['name']}: the report does not mention {case['expect']!r}"


@pytest.mark.parametrize("student", sorted(BAD))
def test_bad_input_is_explained(arena, student):
    phrase, maximum = BAD[student]
    report = report_of(arena, student)
    assert report["score"] <= maximum
    assert phrase.lower() in json.dumps(report).lower(), f"{student}: the report does not say {phrase!r}"


def test_nothing_hidden_reaches_any_student(arena):
    for folder in arena["out"].iterdir():
        if folder.is_dir():
            visible = "".join(p.read_text(errors="replace") for p in folder.glob("*.json")) + "".join(
                p.read_text(errors="replace") for p in folder.glob("*.html")
            )
            for canary in CANARIES:
                assert canary not in visible, f"{canary} leaked into {folder.name}'s report"


def test_honest_students_are_unaffected(arena):
    assert report_of(arena, "honest_stub")["score"] == 0
    honest = report_of(arena, "honest_reference")
    for student in ("honest_stub", "honest_reference"):
        assert MARKER not in report_of(arena, student)["output"], f"an attack's output reached {student}'s report"
    assert all(t["status"] == "passed" for t in honest["tests"]), [t for t in honest["tests"] if t["status"] != "passed"]


def test_nothing_outside_the_scratch_changed(arena):
    assert tree_hash(arena["course"]) == arena["before"], "the course files changed"
    for folder in ("/tmp", "/var/tmp", "/dev/shm", "/"):
        assert not list(Path(folder).glob(f"pwned_{TAG}")), f"a file was written to {folder}"
    assert not list(arena["course"].rglob(f"pwned_{TAG}"))
    assert not (Path("/tmp") / f"absolute_{TAG}.py").exists()
    assert not list(arena["class"].parent.rglob(f"escaped_{TAG}.py"))
    assert arena["listener"].connections == 0, "a worker reached the network"
    assert not orphaned_workers(), "worker processes outlived their grading"


def test_installed_grader_is_untouched(arena):
    import autograder

    package = Path(autograder.__file__).parent
    assert all("# tampered" not in p.read_text() for p in package.glob("*.py"))


@pytest.mark.parametrize("case", [c for c in CASES if c["base"] != "reference"] + [c for c in CASES if c["name"] == "daemons_left_running"], ids=lambda c: c["name"])
def test_grade_gives_the_same_score_as_batch(arena, case, tmp_path):
    """`autograder grade` on its own, a second time: the same tests pass."""
    proc = subprocess.run(
        [sys.executable, "-m", "autograder.cli", "grade", str(arena["class"] / case["name"]), "--out", str(tmp_path), "--no-timing"],
        capture_output=True, text=True, env=arena["env"],
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    again = json.loads((tmp_path / case["name"] / "lab98_toy.json").read_text())
    first = report_of(arena, case["name"])
    if case["marker"]:
        assert case["marker"] in again["output"], f"{case['name']}: the attack did not run the second time"
    passed = lambda r: sorted(t["name"] for t in r["tests"] if t["status"] == "passed")  # noqa: E731
    assert passed(again) == passed(first)


def test_the_scratch_root_is_left_as_it_was(arena):
    """Runs last: after the batch and every single grading (zip bombs and
    refused archives included), nothing is left in the grader's scratch root."""
    left = sorted(p.name for p in arena["scratch"].iterdir())
    assert left == [], f"left in the scratch root: {left}"
