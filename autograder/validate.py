"""``autograder validate``: prove that each lab grades what it claims to.

Per lab: the manifest validates and agrees with the tests' points markers
(``autograder manifest-sync LAB --write`` makes it agree); the stub's public
API (names, signatures, docstrings, read with :mod:`ast`) is the solution's;
the public tests pass on the reference; through the real grading pipeline
(workers and all), the reference earns full marks, the stub earns zero, and
every known-wrong variant loses points. A variant is graded on the hidden
tests that, on the reference, call a function it rebinds (the reference's
trace, :mod:`autograder.variants`): the other tests would give the
reference's verdicts; they run cheapest first and the grading stops at the
first that fails (``--full``: every point the variant loses). The test
that caught each variant last time (``reference/LAB/caught_by.json``, kept
current by validate and committed with the lab) runs first: an ordering
hint only, so a stale entry costs time, never a verdict. The two
collections of tests outside grading (points markers, public tests) run in
children forked from the thread's zygote. Gradings run in parallel; the
timing sessions (the reference's kernels, and the variants that lose only on
timing, ``timed_variants``) are graded last, one at a time, so that timing
is not disturbed by the other jobs, and run only the tests their kernels
require: the reference's other tests run untimed, in parallel.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import threading
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autograder import grading, zygote
from autograder.variants import changed_scopes, variant_folder
from autograder.course import Course, CourseError, Lab, load_manifest


@dataclass
class Check:
    lab: str
    name: str
    ok: bool
    detail: str
    seconds: float = 0.0


def collect_points(lab: Lab) -> dict[str, float]:
    """The hidden tests' ids and ``points`` markers, collected in a child
    process (forked from a zygote that has the tests' libraries imported)."""
    code, output = zygote.run_trusted(
        "autograder.collect", [str(lab.hidden_tests_dir)], timeout=300,
        preload=lab.runner_preload, env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    lines = output.strip().splitlines()
    if code != 0 or not lines:
        raise CourseError(f"{lab.hidden_tests_dir}: collecting the hidden tests failed:\n{output[-4000:]}")
    for line in reversed(lines):  # the last JSON line: warnings may follow it
        if line.startswith("{"):
            return json.loads(line)
    raise CourseError(f"{lab.hidden_tests_dir}: collecting the hidden tests printed no points:\n{output[-4000:]}")


# ---- points: the markers are the source of truth ---------------------------------------------------


def marker_problems(manifest: dict[str, float], collected: dict[str, float]) -> list[str]:
    """How the manifest's ``[tests]`` differs from the collected ``points`` markers
    (tests only in one of them, different points); [] when they agree."""
    missing = [t for t in manifest if t not in collected]
    extra = [t for t in collected if t not in manifest]
    differ = [t for t in manifest if t in collected and abs(manifest[t] - collected[t]) > 1e-9]

    def names(ids: list[str]) -> str:
        return ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")

    problems = [f"{len(missing)} in the manifest but not collected: {names(missing)}"] if missing else []
    problems += [f"{len(extra)} collected but not in the manifest: {names(extra)}"] if extra else []
    if differ:
        shown = [f"{t} (manifest {manifest[t]:g}, marker {collected[t]:g})" for t in differ[:3]]
        problems.append(f"points differ for {len(differ)}: {', '.join(shown)}" + (f" and {len(differ) - 3} more" if len(differ) > 3 else ""))
    return problems


def _toml_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


#: a one-line ``key = number  # comment`` (the key may hold ``=``: the first ``=`` after which a number ends the line)
_VALUE = re.compile(r"^(?P<head>.*?=[ \t]*)[+-]?(?:inf|nan|[0-9][0-9_]*(?:\.[0-9_]+)?(?:[eE][+-]?[0-9_]+)?)(?P<tail>[ \t]*(?:#.*)?\r?\n?)$", re.S)


def _key_of(line: str) -> str | None:
    """The key of a one-line ``"key" = value`` TOML line, else None (a comment, a blank line)."""
    try:
        data = tomllib.loads(line)
    except tomllib.TOMLDecodeError:
        return None
    return next(iter(data)) if len(data) == 1 else None


def sync_tests_table(text: str, points: dict[str, float], path: Path | str = "manifest.toml") -> str:
    """``text`` (a manifest) with its ``[tests]`` table made equal to ``points``
    (test id -> points, in collection order); every other byte is kept.

    Inside the table, comments and blank lines stay where they are; a test
    still collected keeps its line (its key as written, an inline comment),
    only its number changing if its points did; a test no longer collected
    loses its line; a new test goes right after the test collected before it
    (else before the first test line)."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip().split("#", 1)[0].strip() == "[tests]"), None)
    if start is None:
        raise CourseError(f"{path}: no [tests] table to rewrite (write a line [tests], then run this again)")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
    newline = "\r\n" if lines[start].endswith("\r\n") else "\n"
    body: list[tuple[str | None, str]] = []  # (test id or None, line)
    for line in lines[start + 1 : end]:
        key = _key_of(line)
        if key is None:
            body.append((None, line))
        elif key in points:
            value = float(points[key])
            old = tomllib.loads(line)[key]
            if not isinstance(old, (int, float)) or abs(float(old) - value) > 1e-9:
                match = _VALUE.match(line)
                if match is None:  # not a plain number (a string, a table): write the line anew
                    line = f"{json.dumps(key, ensure_ascii=False)} = {_toml_number(value)}{newline}"
                else:
                    line = f"{match['head']}{_toml_number(value)}{match['tail']}"
            body.append((key, line))
    present = {key for key, _ in body if key is not None}
    order = list(points)
    for i, test_id in enumerate(order):
        if test_id in present:
            continue
        line = f"{json.dumps(test_id, ensure_ascii=False)} = {_toml_number(float(points[test_id]))}{newline}"
        before = next((order[j] for j in range(i - 1, -1, -1) if order[j] in present), None)
        if before is not None:
            at = max(k for k, (key, _) in enumerate(body) if key == before) + 1
        else:
            at = next((k for k, (key, _) in enumerate(body) if key is not None), None)
            if at is None:  # no test line yet: after the header's comment lines, before trailing blank ones
                at = len(body)
                while at > 0 and not body[at - 1][1].strip():
                    at -= 1
        body.insert(at, (test_id, line))
        present.add(test_id)
    kept = [line for _, line in body]
    for k in range(len(kept) - 1):  # the file's last line may lack its newline: not once another follows it
        if not kept[k].endswith(("\n", "\r")):
            kept[k] += newline
    return "".join(lines[: start + 1]) + "".join(kept) + "".join(lines[end:])


def write_tests_table(lab: Lab, points: dict[str, float]) -> tuple[bool, str | None]:
    """Rewrite ``lab``'s manifest so that its ``[tests]`` table is ``points``.

    Returns (whether the file changed, a problem the manifest still has
    afterwards, e.g. a ``points`` total that no longer adds up, or None)."""
    path = lab.manifest_path
    if not path.is_file():
        raise CourseError(f"{path}: no manifest to rewrite (write one first: see docs/lab-contract.md)")
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseError(f"{path}: cannot read: {exc}") from None
    new = sync_tests_table(text, points, path)
    changed = new != text
    if changed:
        tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
        tmp.write_bytes(new.encode("utf-8"))
        os.replace(tmp, path)
    try:
        load_manifest(path)
    except CourseError as exc:
        return changed, str(exc)
    return changed, None


# ---- the stub's API is the solution's ---------------------------------------------------------------


@dataclass(frozen=True)
class ApiEntry:
    """One public name of a module: ``name`` is dotted for methods (``Cls.method``)."""

    name: str
    kind: str  # function | class | method | constant
    signature: str  # decorators, parameters with defaults and annotations, return annotation: as source text
    doc: str
    bases: tuple[str, ...] = ()  # a class's base classes (and keywords), as source text


def _public_method(name: str) -> bool:
    return not name.startswith("_") or (name.startswith("__") and name.endswith("__"))


#: decorators that change how a name is called (the rest, e.g. ``torch.no_grad`` or a cache, are the solution's business)
_API_DECORATORS = {"staticmethod", "classmethod", "property", "setter", "getter", "deleter", "cached_property", "abstractmethod", "dataclass"}


def _decorators(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> str:
    kept = []
    for d in node.decorator_list:
        name = ast.unparse(d.func if isinstance(d, ast.Call) else d)
        if name.rsplit(".", 1)[-1] in _API_DECORATORS:
            kept.append(f"@{ast.unparse(d)} ")
    return "".join(kept)


def _def_signature(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    prefix = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    return f"{_decorators(node)}{prefix} {node.name}({ast.unparse(node.args)}){returns}"


def _class_signature(node: ast.ClassDef) -> str:
    """The class with its API decorators; its bases are compared apart (:func:`compare_api`)."""
    return f"{_decorators(node)}class {node.name}"


def _bases(node: ast.ClassDef) -> tuple[str, ...]:
    return tuple(ast.unparse(b) for b in node.bases) + tuple(ast.unparse(k) for k in node.keywords)


def _private_base(base: str) -> bool:
    return base.split("(")[0].rsplit(".", 1)[-1].startswith("_")


def _all_names(tree: ast.Module) -> list[str] | None:
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and node.value is not None:
                try:
                    return [str(n) for n in ast.literal_eval(node.value)]
                except ValueError:
                    return None
    return None


def public_api(path: Path) -> dict[str, ApiEntry]:
    """The public API of a module file, read with :mod:`ast` (never imported), in file order.

    Public: module-level functions and classes whose names do not start with
    ``_`` (or, when the module has ``__all__``, the names it lists), the
    classes' methods that do not start with ``_`` and their dunder methods
    (``__init__``, ``__call__``, ``__len__``, ...), a dataclass's fields, and
    module constants listed in ``__all__``, if there is one. A signature is
    the parameters with their defaults and annotations and the return
    annotation, as source text (:func:`ast.unparse`), and the decorators that
    change how a name is called (``staticmethod``, ``property``,
    ``dataclass``, ...)."""
    try:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, filename=str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseError(f"{path}: cannot read: {exc}") from None
    except SyntaxError as exc:
        raise CourseError(f"{path}:{exc.lineno}: not valid Python: {exc.msg}") from None
    exported = _all_names(tree)
    public = (lambda name: name in exported) if exported is not None else (lambda name: not name.startswith("_"))
    api: dict[str, ApiEntry] = {}
    if exported is not None:
        api["__all__"] = ApiEntry("__all__", "constant", f"__all__ = {sorted(exported)}", "")
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and public(node.name):
            api[node.name] = ApiEntry(node.name, "function", _def_signature(node), ast.get_docstring(node) or "")
        elif isinstance(node, ast.ClassDef) and public(node.name):
            api[node.name] = ApiEntry(node.name, "class", _class_signature(node), ast.get_docstring(node) or "", _bases(node))
            dataclass = "@" in _class_signature(node) and "dataclass" in _class_signature(node)
            for m in node.body:
                if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and _public_method(m.name):
                    name = f"{node.name}.{m.name}"
                    if name in api:  # a property's setter: one more decorator on the same name
                        name = f"{name} ({_decorators(m).strip() or 'redefined'})"
                    api[name] = ApiEntry(name, "method", _def_signature(m), ast.get_docstring(m) or "")
                elif dataclass and isinstance(m, ast.AnnAssign) and isinstance(m.target, ast.Name):
                    name = f"{node.name}.{m.target.id}"  # a dataclass field is a parameter of its __init__
                    default = f" = {ast.unparse(m.value)}" if m.value is not None else ""
                    api[name] = ApiEntry(name, "field", f"{m.target.id}: {ast.unparse(m.annotation)}{default}", "")
        elif exported is not None and isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in exported and target.id != "__all__":
                    hint = f": {ast.unparse(node.annotation)}" if isinstance(node, ast.AnnAssign) else ""
                    api[target.id] = ApiEntry(target.id, "constant", f"{target.id}{hint} = {ast.unparse(node.value)}", "")
    return api


def _first_difference(a: str, b: str) -> str:
    """Where two docstrings part: the first line that differs in each."""
    la, lb = a.splitlines() or [""], b.splitlines() or [""]
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else "(nothing)"
        y = lb[i] if i < len(lb) else "(nothing)"
        if x != y:
            return f"line {i + 1}: stub {x.strip()[:60]!r}, solution {y.strip()[:60]!r}"
    return ""


def compare_api(solution: dict[str, ApiEntry], stub: dict[str, ApiEntry]) -> list[str]:
    """How the stub's API differs from the solution's, one line per name, in the solution's order."""
    out: list[str] = []
    for name, want in solution.items():
        got = stub.get(name)
        if got is None:
            out.append(f"{name}: a {want.kind} of the solution that the stub lacks")
        elif got.kind != want.kind:
            out.append(f"{name}: a {want.kind} in the solution but a {got.kind} in the stub")
        else:
            if got.signature != want.signature:
                out.append(f"{name}: signature differs: stub `{got.signature}`, solution `{want.signature}`")
            # bases are API (which exception a test may expect, that a model is an nn.Module), unless the
            # solution shares code through a private base class the stub must not give away
            if got.bases != want.bases and not any(_private_base(b) for b in want.bases):
                out.append(f"{name}: bases differ: stub ({', '.join(got.bases)}), solution ({', '.join(want.bases)})")
            if got.doc != want.doc:
                out.append(f"{name}: docstring differs ({_first_difference(got.doc, want.doc)})")
    out += [f"{name}: a {got.kind} of the stub that the solution lacks" for name, got in stub.items() if name not in solution]
    return out


def api_differences(lab: Lab) -> list[str]:
    """Every difference between the public API of ``lab``'s stub files and its
    solution's (``file: name: what``); [] when they agree."""
    out: list[str] = []
    for name in lab.files:
        if not name.endswith(".py"):
            continue
        stub, solution = lab.assignment_dir / name, lab.solution_dir / name
        if not stub.is_file() or not solution.is_file():
            out.append(f"{name}: no {'stub' if not stub.is_file() else 'solution'} at {stub if not stub.is_file() else solution}")
            continue
        out += [f"{name}: {d}" for d in compare_api(public_api(solution), public_api(stub))]
    return out


def manifest_check(lab: Lab) -> Check:
    """The manifest's ``[tests]`` must be the hidden tests' ``points`` markers: the
    same ids and the same points. The markers decide; the detail says how to sync."""
    start = time.monotonic()
    name = "markers agree with the manifest"
    try:
        collected = collect_points(lab)
    except CourseError as exc:
        return Check(lab.id, name, False, str(exc))
    problems = marker_problems(lab.tests, collected)
    if problems:
        detail = "; ".join(problems) + f". The points markers decide: run `autograder manifest-sync {lab.id} --write`"
        return Check(lab.id, name, False, detail, time.monotonic() - start)
    return Check(lab.id, name, True, f"{len(collected)} tests", time.monotonic() - start)


def api_check(lab: Lab) -> Check:
    """The stub's public API (names, signatures, docstrings) must be the solution's."""
    start = time.monotonic()
    name = "stub API is the solution's"
    try:
        differences = api_differences(lab)
    except CourseError as exc:
        return Check(lab.id, name, False, str(exc))
    if differences:
        shown = "; ".join(differences[:4]) + (f"; and {len(differences) - 4} more" if len(differences) > 4 else "")
        return Check(lab.id, name, False, f"{len(differences)} differences: {shown}", time.monotonic() - start)
    count = sum(len(public_api(lab.solution_dir / f)) for f in lab.files if f.endswith(".py"))
    return Check(lab.id, name, True, f"{count} names", time.monotonic() - start)


def _grade(course: Course, lab: Lab, folder: Path, who: str, timing: bool, select: tuple[str, ...] = (), first_failure: bool = False) -> dict:
    hide = grading.hidden_paths(course, None, None, ())
    options = grading.GradeOptions(timing=timing, select=select, first_failure=first_failure)
    return grading.run_lab(course, lab, folder, who, options, hide)


class _TraceOnce:
    """The reference's trace (which functions each hidden test calls), made by the
    first variant of a lab that needs it; ``None`` where it cannot be made."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        self.lock = threading.Lock()
        self.done = False
        self.trace = None

    def get(self):
        with self.lock:
            if not self.done:
                from autograder.mutation.core import reference_trace

                try:
                    self.trace = reference_trace(self.lab)
                except Exception:  # noqa: BLE001 - no trace: every variant runs every test
                    pass
                self.done = True
            return self.trace


def variant_tests(lab: Lab, variant: Path, trace, caught_by: str | None = None) -> tuple[str, ...] | None:
    """The hidden tests that can notice ``variant`` (those that call, on the
    reference, a function it rebinds), cheapest first, except ``caught_by`` (the
    test that caught it last time), which goes first: ``None`` for every test."""
    scopes = changed_scopes(lab, variant)
    if scopes is None or trace is None:
        return None
    chosen = {t for scope in scopes for t in trace.tests_for(scope)}
    return tuple(sorted((t for t in lab.tests if t in chosen), key=lambda t: (t != caught_by, trace.durations.get(t, 0.0))))


CAUGHT_BY_NAME = "caught_by.json"


class CaughtBy:
    """``reference/LAB/caught_by.json``: for each known-wrong variant, the hidden
    test that first failed on it. validate tries that test first (most variants
    then stop after one test) and rewrites the file when it learns a catch for a
    variant without a usable hint (new, or its test no longer selected)."""

    ABOUT = "autograder validate: the hidden test that first caught each known-wrong variant; tried first next time (an ordering hint, never a verdict)"

    def __init__(self, lab: Lab) -> None:
        self.path = lab.reference_dir / CAUGHT_BY_NAME
        self.lock = threading.Lock()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8")).get("caught_by", {})
            self.known = {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        except (OSError, ValueError, AttributeError):
            self.known = {}
        self.seen = dict(self.known)

    def get(self, variant: str) -> str | None:
        return self.known.get(variant)

    def record(self, variant: str, test: str, selected: tuple[str, ...] | None) -> None:
        """Remember ``test`` as what caught ``variant``, unless its hint is still
        one of the ``selected`` tests: a variant whose mistake shows only after
        state builds up (a shared registry, a file appended to) passes whichever
        test runs first, and rewriting its hint would change the file every run."""
        with self.lock:
            if selected is None or self.known.get(variant) not in selected:
                self.seen[variant] = test

    def save(self, variants: list[str]) -> None:
        """Write the catches of the variants that exist, if they changed; a
        folder that cannot be written keeps its old hints."""
        current = {v: self.seen[v] for v in sorted(variants) if v in self.seen}
        if current == self.known:
            return
        try:
            grading.atomic_write(self.path, json.dumps({"about": self.ABOUT, "caught_by": current}, indent=1) + "\n")
        except OSError:
            pass


def _public_tests(lab: Lab) -> Check:
    start = time.monotonic()
    if not lab.public_tests_dir.is_dir():
        return Check(lab.id, "public tests pass on the reference", False, f"no {lab.public_tests_dir}")
    code, output = zygote.run_trusted(
        # the zygote imported our plugin already: pytest cannot rewrite its asserts, and says so
        "pytest", ["-q", "-p", "no:cacheprovider", "-W", "ignore::pytest.PytestAssertRewriteWarning",
                   str(lab.public_tests_dir), "--lab-dir", str(lab.solution_dir)],
        timeout=600, preload=lab.runner_preload, cwd=lab.root,
    )
    summary = (output.strip().splitlines() or [""])[-1]
    return Check(lab.id, "public tests pass on the reference", code == 0, summary, time.monotonic() - start)


def _jobs_for(course: Course, lab: Lab, timing: bool, reuse_reference: bool = True, full: bool = False) -> tuple[list[Callable[[], Check]], list[Callable[[], Check]]]:
    """(parallel jobs, jobs to run alone at the end) for one lab. ``reuse_reference``:
    a variant runs only the tests that reach what it changes (see :func:`variant_tests`).
    ``full``: a variant runs all of those, to count every point it loses; else
    its grading stops at its first failing test, which proves it loses points."""
    tests_max = sum(lab.tests.values())

    # a timing session runs only the tests its kernels require (a kernel is timed
    # only once they pass); the reference's other tests run untimed, in parallel
    required = tuple(t for t in lab.tests if any(t in k.requires for k in lab.kernels))

    def reference_check() -> Check:
        start = time.monotonic()
        r = _grade(course, lab, lab.solution_dir, "reference", False)
        failed = [t["name"] for t in r["tests"] if t["status"] != "passed"]
        detail = f"{r['score']:g}/{tests_max:g}" + (f"; failed {failed[:3]}" if failed else "") + "".join(f"; {e}" for e in r["errors"])
        return Check(lab.id, "reference scores full marks", abs(r["score"] - tests_max) < 1e-9, detail, time.monotonic() - start)

    def reference_timing_check() -> Check:
        start = time.monotonic()
        name = "reference earns the kernels' points"

        def session() -> tuple[dict, list[dict], bool]:
            r = _grade(course, lab, lab.solution_dir, "reference", True, required)
            tests_ok = all(t["status"] == "passed" for t in r["tests"] if t["name"] in required)
            slow = [k for k in r["kernels"] if k["points"] < k["max_points"]]
            return r, slow, tests_ok

        r, slow, tests_ok = session()
        retried = ""
        if tests_ok and slow:
            # timing is statistical (autograder bench measures how often the reference
            # earns full marks against itself): one more session decides
            r, slow, tests_ok = session()
            retried = " (timing retried once)"
        earned = sum(k["points"] for k in r["kernels"])
        kernels_max = sum(k.points for k in lab.kernels)
        ratios = ", ".join(f"{k['name']} {k['ratio']:.2f}x" for k in r["kernels"] if k.get("ratio"))
        detail = f"{earned:g}/{kernels_max:g}{retried}" + (f" ({ratios})" if ratios else "") + ("" if tests_ok else "; a required test failed")
        detail += "".join(f"; {k['name']}: {k.get('message', '')}" for k in slow) + "".join(f"; {e}" for e in r["errors"])
        return Check(lab.id, name, tests_ok and not slow and abs(earned - kernels_max) < 1e-9, detail, time.monotonic() - start)

    def stub_check() -> Check:
        start = time.monotonic()
        r = _grade(course, lab, lab.assignment_dir, "stub", False)
        passed = [t["name"] for t in r["tests"] if t["status"] == "passed"]
        detail = f"{r['score']:g}/{lab.points:g}" + (f"; passing: {passed[:3]}" if passed else "")
        return Check(lab.id, "stub scores zero", r["score"] == 0, detail, time.monotonic() - start)

    traced = _TraceOnce(lab)
    caught = CaughtBy(lab)

    def grade_variant(variant: Path, with_timing: bool, select: tuple[str, ...] = (), first_failure: bool = False) -> dict:
        folder = variant_folder(lab, variant)
        try:
            return _grade(course, lab, folder, f"variant-{variant.stem}", with_timing, select, first_failure)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def variant_check(variant: Path) -> Callable[[], Check]:
        def run() -> Check:
            start = time.monotonic()
            # only the tests that reach what the variant changes: the others would
            # give the reference's verdicts, which the reference check establishes
            select = variant_tests(lab, variant, traced.get(), caught.get(variant.stem)) if reuse_reference else None
            if select == ():
                return Check(lab.id, f"variant {variant.stem} loses points", False, "no hidden test calls what it changes", time.monotonic() - start)
            r = grade_variant(variant, False, select or (), first_failure=not full)
            chosen = [t for t in r["tests"] if select is None or t["name"] in select]
            ran = [t for t in chosen if t.get("kind") != "not run"]
            if select is not None:  # the report lists tests in collection order; they ran in select's
                ran.sort(key=lambda t: select.index(t["name"]))
            failing = [t["name"] for t in ran if t["status"] != "passed"]
            if failing:
                caught.record(variant.stem, failing[0], select)
            failed = [name.split("::", 1)[-1] for name in failing]
            penalty = sum(c.get("penalty", 0.0) for c in r.get("static_checks", []))
            lost = sum(t["max_points"] - t["points"] for t in ran) + penalty
            if full or not failed:
                scope = f" (ran {len(ran)} of {len(lab.tests)} tests)" if select is not None else ""
                detail = f"-{lost:g}/{tests_max:g}{scope}; fails {len(failed)}: {', '.join(failed[:4])}{' ...' if len(failed) > 4 else ''}"
            else:
                detail = f"at least -{lost:g}/{tests_max:g}; fails {failed[0]} (stopped there: test {len(ran)} of the {len(chosen)} that reach its change)"
            detail += f"; code checks -{penalty:g}" if penalty else ""
            return Check(lab.id, f"variant {variant.stem} loses points", lost > 1e-9, detail, time.monotonic() - start)

        return run

    def timed_variant_check(variant: Path) -> Callable[[], Check]:
        """A right-but-slow variant: graded with timing, alone; it must lose kernel points."""

        def run() -> Check:
            name = f"variant {variant.stem} loses points (timed)"
            if not timing:
                return Check(lab.id, name, True, "not checked: it loses only on timing, and timing is off")
            start = time.monotonic()
            r = grade_variant(variant, True, required)
            kernels = ", ".join(f"{k['name']} {k['points']:g}/{k['max_points']:g}" + (f" ({k['ratio']:.2f}x)" if k.get("ratio") else "") for k in r["kernels"])
            failed = [t["name"] for t in r["tests"] if t["name"] in required and t["status"] != "passed"]
            lost = sum(k["max_points"] - k["points"] for k in r["kernels"]) + sum(lab.tests[t] for t in failed)
            detail = f"-{lost:g}/{lab.points:g}; kernels: {kernels or 'none ran'}" + (f"; fails {failed[:3]}" if failed else "")
            return Check(lab.id, name, lost > 1e-9, detail, time.monotonic() - start)

        return run

    def variant_count() -> Check:
        n = len(lab.variants())
        stems = {v.stem for v in lab.variants()}
        unknown = [t for t in lab.timed_variants if t not in stems]
        problems = [f"timed_variants names no variant file: {unknown}"] if unknown else []
        if lab.timed_variants and not lab.kernels:
            problems.append("timed_variants given, but the lab times no kernels")
        ok = n >= 5 and not problems
        return Check(lab.id, "at least five known-wrong variants", ok, "; ".join([f"{n} variants", *problems]))

    timed = set(lab.timed_variants)
    parallel: list[Callable[[], Check]] = [lambda: manifest_check(lab), lambda: api_check(lab), variant_count, lambda: _public_tests(lab), stub_check, reference_check]
    untimed = [v for v in lab.variants() if v.stem not in timed]
    remaining = [len(untimed)]
    lock = threading.Lock()

    def saving_catches(job: Callable[[], Check]) -> Callable[[], Check]:
        def run() -> Check:
            try:
                return job()
            finally:
                with lock:
                    remaining[0] -= 1
                    if remaining[0] == 0:
                        caught.save([v.stem for v in lab.variants()])

        return run

    parallel += [saving_catches(variant_check(v)) for v in untimed]
    alone: list[Callable[[], Check]] = []
    if lab.kernels and timing:
        alone.append(reference_timing_check)
    # timing needs the machine to itself; without timing the check only says it was skipped
    (alone if timing else parallel).extend(timed_variant_check(v) for v in lab.variants() if v.stem in timed)
    return parallel, alone


def _mutation_note(lab: Lab) -> Check:
    """The lab's stored mutation score (``autograder mutate``), for information:
    it never fails validate, but says when it is missing, stale or below the bar."""
    from autograder.mutation import stored_score

    stored = stored_score(lab)
    name = "mutation score (stored; informational)"
    if stored is None:
        return Check(lab.id, name, True, f"none stored: run `autograder mutate {lab.id}`")
    score, stale = stored
    text = "no mutants" if score is None else f"{score:.1%}" + (" (below the 90 % bar)" if score < 0.9 else "")
    if stale:
        text += f"; stale: the solution or tests changed since; run `autograder mutate {lab.id}`"
    return Check(lab.id, name, True, text)


def validate_labs(course: Course, lab_ids: list[str], jobs: int, timing: bool, console: Console, reuse_reference: bool = True, full: bool = False) -> bool:
    checks: list[Check] = []
    parallel: list[Callable[[], Check]] = []
    alone: list[Callable[[], Check]] = []
    start = time.monotonic()
    for lab_id in lab_ids or course.lab_ids():
        try:
            lab = course.lab(lab_id)
        except CourseError as exc:
            checks.append(Check(lab_id, "manifest is valid", False, str(exc)))
            continue
        checks.append(Check(lab.id, "manifest is valid", True, f"{len(lab.tests)} tests, {len(lab.kernels)} kernels, {lab.points:g} points"))
        checks.append(_mutation_note(lab))
        p, a = _jobs_for(course, lab, timing, reuse_reference, full)
        parallel += p
        alone += a

    def safe(job: Callable[[], Check]) -> Check:
        try:
            return job()
        except Exception as exc:  # noqa: BLE001 - one broken lab must not hide the others' results
            return Check("?", "check ran", False, f"{type(exc).__name__}: {exc}")

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        checks += list(pool.map(safe, parallel))
    checks += [safe(job) for job in alone]
    checks.sort(key=lambda c: c.lab)
    table = Table("lab", "check", "result", "detail", "s", title="autograder validate")
    for c in checks:
        table.add_row(c.lab, escape(c.name), "[green]ok[/]" if c.ok else "[red]FAIL[/]", escape(c.detail), f"{c.seconds:.1f}")
    console.print(table)
    ok = all(c.ok for c in checks)
    failed = sum(not c.ok for c in checks)
    console.print(f"{len(checks)} checks, {failed} failed, {time.monotonic() - start:.1f} s")
    return ok
