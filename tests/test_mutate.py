"""autograder mutate: cosmic-ray mutants of a small lab's reference, run against
a weak and a strong hidden suite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("cosmic_ray")  # the dev extra

from autograder.course import Course
from autograder.mutation import run_mutation, stored_score
from autograder.mutation.core import CACHE_NAME, STORED_NAME
from autograder.mutation.mutants import generate

SOLUTION = '''"""Clipping, for the mutation tests."""


def _default_limit():
    return 100


LIMIT = _default_limit()


def clip(x, lo, hi):
    """``x`` limited to ``[lo, hi]`` (integers, ``lo <= hi``)."""
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


def clip_to_limit(x):
    """``clip(x, -LIMIT, LIMIT)``."""
    return clip(x, -LIMIT, LIMIT)
'''

WEAK = '''import pytest


@pytest.mark.points(1)
def test_clip_inside(lab):
    """a value inside the range is kept"""
    assert lab.clip(5, 0, 10) == 5
'''

STRONG = WEAK + '''

@pytest.mark.points(1)
def test_clip_outside(lab):
    """values outside the range are clipped"""
    assert lab.clip(-5, 0, 10) == 0
    assert lab.clip(15, 0, 10) == 10
    assert lab.clip(0, 0, 10) == 0 and lab.clip(10, 0, 10) == 10


@pytest.mark.points(1)
def test_clip_to_limit(lab):
    """clip_to_limit() clips at +-100"""
    assert lab.clip_to_limit(150) == 100
    assert lab.clip_to_limit(-150) == -100
    assert lab.clip_to_limit(7) == 7
'''

MANIFEST = '''id = "lab97_mutants"
title = "Mutation testing fixture"
week = 1
module = "I"
entry = "clipping"
files = ["clipping.py"]
points = 1

[tests]
"test_hidden.py::test_clip_inside" = 1
'''


@pytest.fixture
def course(toy_course: Course) -> Course:
    folder = toy_course.root / "reference" / "lab97_mutants"
    (folder / "solution").mkdir(parents=True)
    (folder / "tests").mkdir()
    (folder / "manifest.toml").write_text(MANIFEST)
    (folder / "solution" / "clipping.py").write_text(SOLUTION)
    (folder / "tests" / "test_hidden.py").write_text(WEAK)
    return toy_course


def _equivalent_ids(report: dict) -> list[str]:
    # `x < lo` -> `x <= lo` and `x > hi` -> `x >= hi` return the same value at the boundary
    return [m["id"] for m in report["mutants"] if m["operator"].endswith(("_Lt_LtE", "_Gt_GtE"))]


def test_weak_suite_leaves_survivors_and_strong_suite_kills_them(course: Course, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from autograder.cli import main

    monkeypatch.setenv("AUTOGRADER_COURSE", str(course.root))
    out = tmp_path / "mutants.json"
    result = CliRunner().invoke(main, ["mutate", "lab97_mutants", "-j", "2", "--json", str(out), "--fail-under", "0.9"])
    assert result.exit_code == 1, result.output  # the weak suite scores far below 90 %
    assert "surviving mutants" in result.output and "mutation score" in result.output
    weak = json.loads(out.read_text())
    assert weak["lab"] == "lab97_mutants" and len(weak["mutants"]) == weak["total"] + weak["incompetent"]
    assert weak["total"] >= 20 and weak["killed"] > 0
    assert weak["survived"] > 5 and weak["score"] < 0.8
    statuses = {m["status"] for m in weak["mutants"]}
    assert "uncovered" in statuses  # clip_to_limit: no weak test calls it, so its mutants are not even run
    assert all(s["diff"].startswith("--- a/clipping.py") for s in weak["survivors"])
    # a change to a function that runs at import (and in no test) runs every test; the strong suite kills it
    limit = [m for m in weak["mutants"] if m["function"] == "_default_limit"]
    assert len(limit) == 2 and all(m["status"] == "survived" for m in limit)

    lab = course.lab("lab97_mutants")
    (lab.hidden_tests_dir / "test_hidden.py").write_text(STRONG)
    strong = run_mutation(lab, jobs=2)
    assert strong["cached"] == 0  # other tests: other cache keys
    survivors = {s["id"] for s in strong["survivors"]}
    assert survivors == set(_equivalent_ids(strong)) and len(survivors) == 2
    assert strong["killed"] == strong["total"] - 2


def test_equivalent_mutants_are_excluded_and_the_cache_is_reused(course: Course, monkeypatch: pytest.MonkeyPatch) -> None:
    lab = course.lab("lab97_mutants")
    (lab.hidden_tests_dir / "test_hidden.py").write_text(STRONG)
    first = run_mutation(lab, jobs=2)
    assert first["cached"] == 0 and first["score"] < 1
    assert (lab.reference_dir / CACHE_NAME).is_file()
    stored = json.loads((lab.reference_dir / STORED_NAME).read_text())
    assert stored["score"] == first["score"] and "mutants" not in stored
    assert stored_score(lab) == (first["score"], False)

    entries = "".join(f'\n[[mutation.equivalent]]\nid = "{i}"\nreason = "the same value at the boundary"\n' for i in _equivalent_ids(first))
    manifest = lab.manifest_path.read_text() + entries
    lab.manifest_path.write_text(manifest)
    assert stored_score(course.lab("lab97_mutants")) == (first["score"], True)  # the equivalents changed

    # the second run needs no runner at all: every verdict comes from the cache
    import autograder.mutation.core as core

    def no_runner(*args, **kwargs):
        raise AssertionError("the runner started although every mutant is cached")

    monkeypatch.setattr(core, "Runner", no_runner)
    lab = course.lab("lab97_mutants")
    second = run_mutation(lab, jobs=2)
    assert second["cached"] == second["total"] == first["total"]
    assert second["equivalent"] == 2 and second["survived"] == 0 and second["score"] == 1.0
    assert {e["id"] for e in second["equivalent_mutants"]} == set(_equivalent_ids(first))
    assert stored_score(lab) == (1.0, False)

    # a timeout verdict reached under a shorter limit than today's is not reused: the mutant runs again
    monkeypatch.undo()
    cache = json.loads((lab.reference_dir / CACHE_NAME).read_text())
    key = next(iter(cache["results"]))
    cache["results"][key] = {"status": "timeout", "timeout": 0.01, "seconds": 0.01}
    (lab.reference_dir / CACHE_NAME).write_text(json.dumps(cache))
    third = run_mutation(course.lab("lab97_mutants"), jobs=2, store=False)
    assert third["cached"] == third["total"] - 1 and third["timeouts"] == 0

    # a fresh clone has no cache: the trace committed in mutation.json spares the traced run
    from autograder.mutation.core import reference_trace

    (lab.reference_dir / CACHE_NAME).unlink()
    monkeypatch.setattr(core, "Runner", no_runner)
    assert stored["trace"]["key"] and reference_trace(lab).collected == json.loads((lab.reference_dir / STORED_NAME).read_text())["trace"]["collected"]
    monkeypatch.undo()

    (lab.solution_dir / "clipping.py").write_text(SOLUTION.replace("return x\n", "return x  # unchanged\n"))
    assert stored_score(lab) == (1.0, True)  # the solution changed since
    assert core._committed_trace(lab, core._trace_key(core._content_digests(lab))) is None  # and its trace is stale


def test_mutants_are_cosmic_rays_own(course: Course) -> None:
    """Each mutant is exactly what cosmic-ray's mutate_code makes; ids are stable
    when unrelated code moves."""
    from cosmic_ray.mutating import mutate_code
    from cosmic_ray.plugins import get_operator

    lab = course.lab("lab97_mutants")
    generated = generate(lab.solution_dir, lab.files)
    assert generated.mutants
    for m in generated.mutants:
        assert m.source == mutate_code(SOLUTION, get_operator(m.operator)(), m.occurrence)
    (lab.solution_dir / "clipping.py").write_text("import math\n\n" + SOLUTION)
    moved = generate(lab.solution_dir, lab.files)
    assert [m.id for m in moved.mutants] == [m.id for m in generated.mutants]
    assert [m.line for m in moved.mutants] == [m.line + 2 for m in generated.mutants]


LOOP_SOLUTION = '''def steps(n):
    """How many times ``n`` (an int) can be decremented before it reaches 0."""
    count = 0
    while n > 0:
        n -= 1
        count += 1
    return count
'''

LOOP_TESTS = '''import pytest


@pytest.mark.points(1)
def test_steps(lab):
    """steps() counts down"""
    assert lab.steps(3) == 3 and lab.steps(0) == 0
'''


def test_a_mutant_that_loops_forever_is_stopped_and_counts_as_killed(course: Course) -> None:
    folder = course.root / "reference" / "lab96_loops"
    (folder / "solution").mkdir(parents=True)
    (folder / "tests").mkdir()
    (folder / "manifest.toml").write_text(MANIFEST.replace("lab97_mutants", "lab96_loops").replace("clipping", "loops").replace("test_clip_inside", "test_steps"))
    (folder / "solution" / "loops.py").write_text(LOOP_SOLUTION)
    (folder / "tests" / "test_hidden.py").write_text(LOOP_TESTS)
    lab = course.lab("lab96_loops")
    report = run_mutation(lab, jobs=2, operators=["core/NumberReplacer"], timeout_base=1.0)
    looping = [m for m in report["mutants"] if "+        n -= 0\n" in m["diff"]]
    assert len(looping) == 1 and looping[0]["status"] == "timeout"
    assert report["timeouts"] == 1 and report["killed"] == report["total"] == 8 and report["score"] == 1.0
    assert not (lab.reference_dir / STORED_NAME).exists()  # a run with some operators only stores nothing


def test_what_a_shared_fixture_calls_is_credited_to_every_test_that_uses_it(course: Course) -> None:
    """A module-scoped fixture runs once, inside the first test that uses it; the trace (which
    picks the tests for a mutant, and for a variant in validate) credits its calls to all of them."""
    from autograder.mutation.core import reference_trace

    lab = course.lab("lab97_mutants")
    (lab.hidden_tests_dir / "test_hidden.py").write_text(
        WEAK
        + '''

@pytest.fixture(scope="module")
def limited(lab):
    return lab.clip_to_limit(150)


@pytest.mark.points(1)
def test_first_user(limited):
    """the fixture's value, first use"""
    assert limited == 100


@pytest.mark.points(1)
def test_second_user(limited):
    """the fixture's value, second use"""
    assert limited >= 0
'''
    )
    trace = reference_trace(lab)
    scope = next(s for s in trace.calls["test_hidden.py::test_first_user"] if s.endswith(":clip_to_limit"))
    assert trace.tests_for(scope) == sorted(["test_hidden.py::test_first_user", "test_hidden.py::test_second_user"], key=lambda t: trace.durations.get(t, 0.0))
    assert not any(s.endswith(":clip_to_limit") for s in trace.calls.get("test_hidden.py::test_clip_inside", []))
