"""``autograder mutate LAB``: how much of the reference do the hidden tests pin down?

1. Mutants: cosmic-ray's operators applied to ``reference/LAB/solution/*.py``
   (:mod:`autograder.mutation.mutants`), one change each.
2. A clean run of the hidden suite on the reference, with a tracer, records
   which lab functions each test calls and how long each test takes.
3. Each mutant runs (:mod:`autograder.mutation.server`: one process that
   imports the heavy modules once and forks a child per mutant, ``jobs`` at a
   time) against only the tests that call the function it changed (every test
   for a change to module-level code, or to a function called at import time),
   cheapest first, stopping at the first failure, with a time limit of
   ``timeout_base + timeout_factor x`` those tests' clean time.
4. Score = killed / (mutants - equivalent). A mutant is equivalent only if the
   manifest says so (``[[mutation.equivalent]]`` with its id and a reason).

Results are cached by mutant (``reference/LAB/.mutants-cache.json``; the key
hashes the mutated files, the hidden tests and the tests chosen; a timeout
verdict is reused only under a limit no longer than the one it ran under), and a full
run writes ``reference/LAB/mutation.json`` (committed): the score, the counts,
the survivors, and digests of what it was computed from, which
:func:`stored_score` compares with the files now on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from autograder.course import Lab
from autograder.mutation.mutants import Generated, Mutant, generate, library_version, operator_names

CACHE_NAME = ".mutants-cache.json"
STORED_NAME = "mutation.json"
RUNNER_VERSION = "2"  # bump when a change here could change a cached verdict

KILLED = ("killed", "timeout")
NOT_KILLED = ("survived", "uncovered", "error")


class MutationError(Exception):
    """The run could not be done (the reference fails its own tests, the runner died, ...)."""


# ---- digests ------------------------------------------------------------------------------------------


def _sha(parts: list[tuple[str, bytes]]) -> str:
    h = hashlib.sha256()
    for name, data in parts:
        h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return h.hexdigest()[:16]


def _tree(folder: Path) -> list[tuple[str, bytes]]:
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not any(p.startswith(".") or p == "__pycache__" for p in rel.split("/")):
            out.append((rel, path.read_bytes()))
    return out


def solution_files(lab: Lab) -> dict[str, str]:
    """The reference's submitted files (the manifest's ``files`` that exist), name -> text."""
    return {name: (lab.solution_dir / name).read_text(encoding="utf-8") for name in lab.files if (lab.solution_dir / name).is_file()}


def equivalents(lab: Lab) -> dict[str, str]:
    """Mutant id -> reason, from the manifest's ``[[mutation.equivalent]]``."""
    return {e["id"]: e.get("reason", "") for e in lab.data.get("mutation", {}).get("equivalent", [])}


def _content_digests(lab: Lab) -> dict[str, str]:
    """Digests of the reference's solution files and of its hidden tests with their data."""
    return {
        "solution": _sha([(n, t.encode()) for n, t in sorted(solution_files(lab).items())]),
        "tests": _sha([("tests/" + n, d) for n, d in _tree(lab.hidden_tests_dir)] + [("data/" + n, d) for n, d in _tree(lab.data_dir)]),
    }


def current_digests(lab: Lab, operators: list[str] | None = None) -> dict[str, str]:
    """What a stored score depends on: the solution, the hidden tests and their
    data, the manifest's equivalent mutants and the operator set (when
    cosmic-ray is installed)."""
    digests = {**_content_digests(lab), "equivalent": _sha([(i, b"") for i in sorted(equivalents(lab))])}
    if operators is None:
        try:
            operators = operator_names()
        except ImportError:
            operators = None
    if operators is not None:
        digests["operators"] = _sha([(n, b"") for n in operators])
    return digests


def stored_score(lab: Lab) -> tuple[float | None, bool] | None:
    """The score in ``reference/LAB/mutation.json`` and whether it is stale (the
    solution, the hidden tests, the manifest's equivalent mutants or the
    operator set changed since); None when the lab has no stored score. The
    score is None when the lab has no mutants."""
    try:
        data = json.loads((lab.reference_dir / STORED_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or "score" not in data:
        return None
    stored = data.get("digest", {})
    stale = any(stored.get(k) != v for k, v in current_digests(lab).items())
    return data["score"], stale


# ---- the runner process -------------------------------------------------------------------------------


class Runner:
    """The ``autograder.mutation.server`` process and its JSON-lines protocol."""

    def __init__(self, lab: Lab, jobs: int) -> None:
        package_root = Path(__file__).resolve().parents[2]
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(package_root), *filter(None, [os.environ.get("PYTHONPATH")])]),
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "TOKENIZERS_PARALLELISM": "false",
            # parallelism is across mutants: one thread each
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "PYTHONWARNINGS": "ignore",
        }
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "autograder.mutation.server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            env=env,
            cwd=lab.root,
        )
        self.send(
            {
                "op": "init",
                "tests_dir": str(lab.hidden_tests_dir),
                "entry": lab.entry,
                "preload": lab.preload,
                "jobs": jobs,
                "memory_mb": None if lab.gpu else lab.limits.memory_mb,
            }
        )

    def send(self, message: dict) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(message) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise MutationError(f"the mutant runner died:\n{self._stderr()}") from None

    def receive(self) -> dict:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise MutationError(f"the mutant runner died:\n{self._stderr()}")
        message = json.loads(line)
        if "error" in message:
            raise MutationError(f"the mutant runner failed: {message['error']}\n{self._stderr()}")
        return message

    def ready(self) -> dict:
        """Wait for the end of start-up (imports and one collection of the hidden tests)."""
        init = self.receive()
        if init.get("exit_code") != 0 or not init.get("collected"):
            raise MutationError(f"collecting the hidden tests failed (pytest exit code {init.get('exit_code')}, {len(init.get('collected') or [])} tests)")
        return init

    def _stderr(self) -> str:
        self.log.seek(0)
        return self.log.read()[-3000:]

    def close(self, interrupted: bool = False) -> None:
        """Stop the runner: politely when it is idle; interrupted, at once (it
        kills its children on SIGTERM, and they die with it anyway)."""
        try:
            if interrupted:
                self.proc.terminate()
            else:
                self.send({"op": "quit"})
            self.proc.wait(timeout=30)
        except (MutationError, subprocess.TimeoutExpired, OSError):
            self.proc.kill()
            self.proc.wait()
        self.log.close()


# ---- the run ------------------------------------------------------------------------------------------


@dataclass
class Trace:
    collected: list[str]
    calls: dict[str, list[str]]  # test id -> the lab functions it called ("file:first_line:name")
    import_time: list[str]  # lab functions called while a lab module was being imported
    durations: dict[str, float]
    seconds: float

    @classmethod
    def from_json(cls, data: dict) -> "Trace":
        return cls(
            collected=data["collected"] or [],
            calls=data["calls"] or {},
            import_time=data["import_time"] or [],
            durations=data["durations"] or {},
            seconds=data["seconds"],
        )

    def tests_for(self, scope: str | None) -> list[str]:
        """The tests that can notice a change in ``scope``, cheapest first."""
        if scope is None or scope in self.import_time:
            chosen = list(self.collected)
        else:
            chosen = [t for t in self.collected if scope in self.calls.get(t, ())]
        return sorted(chosen, key=lambda t: self.durations.get(t, 0.0))


def _run_trace(lab: Lab, runner: Runner, files: dict[str, str]) -> dict:
    """One clean, traced run of the hidden suite on the reference (it must pass)."""
    runner.ready()
    runner.send({"op": "trace", "files": files, "timeout": max(600.0, 10 * lab.limits.total_s)})
    t = runner.receive()["trace"]
    if t.get("status") != "survived":
        failed = t.get("failed") or [t.get("test")]
        raise MutationError(
            f"{lab.id}: the hidden tests do not pass on the reference ({t.get('status')}; {', '.join(filter(None, failed))[:500]})"
            + (f"\n{t.get('detail', '')}" if t.get("detail") else "")
        )
    data = {k: t.get(k) for k in ("collected", "calls", "import_time", "durations")}
    data["seconds"] = t["seconds"]
    return data


def _trace_key(digests: dict[str, str]) -> str:
    """The trace's cache key, from the solution and tests digests (:func:`_content_digests`)."""
    return _sha([("solution", digests["solution"].encode()), ("tests", digests["tests"].encode()), ("runner", RUNNER_VERSION.encode())])


def reference_trace(lab: Lab) -> Trace:
    """Which lab functions each hidden test calls on the reference, and how long
    each test takes: from ``mutate``'s cache when the solution and tests are
    unchanged, else from a fresh traced run (one process, then cached)."""
    cache_path = lab.reference_dir / CACHE_NAME
    cache = _load_cache(cache_path)
    key = _trace_key(_content_digests(lab))
    data = cache.get("trace", {}).get(key) or _committed_trace(lab, key)
    if data is None:
        runner = Runner(lab, 1)
        finished = False
        try:
            data = _run_trace(lab, runner, solution_files(lab))
            finished = True
        finally:
            runner.close(interrupted=not finished)
        cache = _load_cache(cache_path)  # a mutate run may have written it meanwhile
        cache["trace"] = {key: data}
        try:
            _save_json(cache_path, cache)
        except OSError:
            pass
    return Trace.from_json(data)


def stored_trace(key: str, data: dict) -> dict:
    """The trace as ``mutation.json`` keeps it (committed, so that a fresh clone's
    ``validate`` and ``mutate`` need no traced run): its key, and durations rounded."""
    return {"key": key, **data, "durations": {t: round(d, 4) for t, d in data.get("durations", {}).items()}}


def _committed_trace(lab: Lab, key: str) -> dict | None:
    """The trace in ``mutation.json`` when it was made from the files now on disk."""
    try:
        stored = json.loads((lab.reference_dir / STORED_NAME).read_text(encoding="utf-8")).get("trace")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None
    data = {k: v for k, v in stored.items() if k != "key"}
    try:
        Trace.from_json(data)
    except Exception:  # noqa: BLE001 - a damaged entry: trace again
        return None
    return data


def _load_cache(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") == RUNNER_VERSION:
            return data
    except (OSError, ValueError, AttributeError):
        pass
    return {"version": RUNNER_VERSION, "trace": {}, "results": {}}


def _save_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _mutant_key(files: dict[str, str], mutant: Mutant, tests_digest: str, select: list[str]) -> str:
    parts = [(n, (mutant.source if n == mutant.file else t).encode()) for n, t in sorted(files.items())]
    parts += [("tests", tests_digest.encode()), ("select", "\n".join(select).encode()), ("runner", RUNNER_VERSION.encode())]
    return _sha(parts)


def run_mutation(
    lab: Lab,
    *,
    jobs: int | None = None,
    use_cache: bool = True,
    store: bool = True,
    timeout_factor: float = 10.0,
    timeout_base: float = 10.0,
    operators: list[str] | None = None,
    progress: Callable[[int, int, dict], None] | None = None,
) -> dict:
    """Mutate LAB's reference, run each mutant against the hidden tests that
    reach it, and return the report (see the module docstring). ``store``
    writes ``mutation.json`` (only for a run with every operator)."""
    started = time.monotonic()
    jobs = jobs or len(os.sched_getaffinity(0)) or 1
    files = solution_files(lab)
    if not files:
        raise MutationError(f"{lab.solution_dir}: none of the lab's files {lab.files}")
    digests = current_digests(lab, operators if operators is not None else None)
    cache_path = lab.reference_dir / CACHE_NAME
    # without use_cache no verdict is taken from the cache, but the fresh ones are written to it
    cache = _load_cache(cache_path)
    trace_key = _trace_key(digests)

    runner: Runner | None = None
    trace_data = (cache.get("trace", {}).get(trace_key) or _committed_trace(lab, trace_key)) if use_cache else None
    finished = False
    keys: dict[str, str] = {}
    try:
        if trace_data is None:
            runner = Runner(lab, jobs)  # starts importing while we generate the mutants
        generated = generate(lab.solution_dir, list(files), operators)
        if trace_data is None:
            assert runner is not None
            trace_data = _run_trace(lab, runner, files)
        trace = Trace.from_json(trace_data)
        cache["trace"] = {trace_key: trace_data}

        known = equivalents(lab)
        outcomes: dict[str, dict] = {}
        limits: dict[str, float] = {}
        todo: list[dict] = []
        for m in generated.mutants:
            if not m.compiles:
                outcomes[m.id] = {"status": "incompetent", "detail": "does not compile"}
                continue
            select = trace.tests_for(m.scope)
            if not select:
                outcomes[m.id] = {"status": "uncovered", "detail": "no hidden test calls this function"}
                continue
            key = keys[m.id] = _mutant_key(files, m, digests["tests"], select)
            clean = sum(trace.durations.get(t, 0.0) for t in select)
            timeout = round(timeout_base + timeout_factor * clean, 2)
            hit = cache["results"].get(key) if use_cache else None
            # a timeout verdict holds only for a limit at least as long as the one it ran under
            if hit is not None and not (hit["status"] == "timeout" and hit.get("timeout", 0.0) < timeout):
                outcomes[m.id] = {**hit, "cached": True}
                continue
            limits[m.id] = timeout
            todo.append({"id": m.id, "files": {**files, m.file: m.source}, "select": select, "timeout": timeout})

        done = len(outcomes)
        total = len(generated.mutants)
        if progress:
            progress(done, total, {})
        if todo:
            if runner is None:
                runner = Runner(lab, jobs)
                runner.ready()
            runner.send({"op": "run", "jobs": todo})
            while True:
                message = runner.receive()
                if message.get("done"):
                    break
                r = message["result"]
                outcome = {k: r[k] for k in ("status", "test", "seconds", "detail") if r.get(k) is not None}
                if outcome["status"] == "timeout":
                    outcome["timeout"] = limits[r["id"]]
                outcomes[r["id"]] = outcome
                if outcome["status"] != "error":
                    cache["results"][keys[r["id"]]] = outcome
                done += 1
                if progress:
                    progress(done, total, {"id": r["id"], **outcome})
        finished = True
    finally:
        if runner is not None:
            runner.close(interrupted=not finished)
        if trace_data is not None:  # also after an interruption: what did run is valid
            current = set(keys.values())
            if finished and operators is None:  # a full run: forget the verdicts on mutants that no longer exist
                cache["results"] = {k: v for k, v in cache["results"].items() if k in current}
            try:
                _save_json(cache_path, cache)
            except OSError:
                pass

    report = _report(lab, generated, outcomes, known, digests, trace, time.monotonic() - started)
    if store and operators is None:
        _save_json(lab.reference_dir / STORED_NAME, {**stored_view(report), "trace": stored_trace(trace_key, trace_data)})
    return report


def _report(lab: Lab, generated: Generated, outcomes: dict[str, dict], known: dict[str, str], digests: dict, trace: Trace, seconds: float) -> dict:
    mutants = []
    warnings = list(f"cosmic-ray's operator failed at {e}" for e in generated.operator_errors)
    for m in generated.mutants:
        o = outcomes[m.id]
        status = o["status"]
        equivalent = m.id in known and status in NOT_KILLED
        if m.id in known and status in KILLED:
            warnings.append(f"{m.id} is listed as equivalent but {o.get('test') or 'a test'} kills it: remove it from [[mutation.equivalent]]")
        mutants.append(
            {
                "id": m.id,
                "file": m.file,
                "line": m.line,
                "col": m.col,
                "operator": m.operator,
                "occurrence": m.occurrence,
                "function": m.scope.split(":", 2)[2] if m.scope else None,
                "status": "equivalent" if equivalent else status,
                "test": o.get("test"),
                "detail": o.get("detail"),
                "seconds": o.get("seconds"),
                "cached": bool(o.get("cached")),
                **({"reason": known[m.id]} if m.id in known else {}),
                "diff": m.diff,
            }
        )
        if status == "error":
            warnings.append(f"{m.id}: the runner failed on this mutant ({(o.get('detail') or '')[:300]})")
    ids = {m.id for m in generated.mutants}
    warnings += [f"[[mutation.equivalent]] {i} matches no mutant (the code changed?): remove it" for i in known if i not in ids]
    count = {s: sum(1 for m in mutants if m["status"] == s) for s in ("killed", "timeout", "survived", "uncovered", "error", "equivalent", "incompetent")}
    total = len(mutants) - count["incompetent"]
    killed = count["killed"] + count["timeout"]
    scored = total - count["equivalent"]
    return {
        "lab": lab.id,
        "library": library_version(),
        "score": round(killed / scored, 4) if scored else None,
        "total": total,
        "killed": killed,
        "timeouts": count["timeout"],
        "survived": count["survived"] + count["uncovered"] + count["error"],
        "uncovered": count["uncovered"],
        "errors": count["error"],
        "equivalent": count["equivalent"],
        "incompetent": count["incompetent"],
        "skipped_annotations": generated.skipped_annotations,
        "duplicates": generated.duplicates,
        "cached": sum(1 for m in mutants if m["cached"]),
        "seconds": round(seconds, 1),  # this invocation, cached verdicts included
        "mutant_seconds": round(sum(o.get("seconds") or 0.0 for o in outcomes.values()), 1),  # the mutants' own runs, cached or not
        "clean_run_seconds": round(trace.seconds, 2),
        "tests": len(trace.collected),
        "digest": digests,
        "warnings": warnings,
        "survivors": [
            {k: m[k] for k in ("id", "file", "line", "operator", "function", "status", "detail", "diff") if m.get(k) is not None}
            for m in mutants
            if m["status"] in NOT_KILLED
        ],
        "equivalent_mutants": [{"id": m["id"], "file": m["file"], "line": m["line"], "reason": m["reason"]} for m in mutants if m["status"] == "equivalent"],
        "mutants": mutants,
    }


def stored_view(report: dict) -> dict:
    """What ``mutation.json`` keeps: the report without the per-mutant list."""
    return {k: v for k, v in report.items() if k not in ("mutants", "cached", "seconds")}
