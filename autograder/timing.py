"""Timing a student's kernel against the reference, fairly.

Both run in workers (the reference never in the student's), on the same
device, in the same run, interleaved (A B, then B A), after a warm-up
round. Each repeat stages fresh inputs built in the runner from a seed the
student cannot know, then asks each worker to run the kernel once per input
set; the runner measures the wall time of that request from outside (so a
patched timer gains nothing) and compares every output's checksum with the
reference's (so skipped or cached work is caught). The ratio is the median
of the per-repeat ratios; points come from the manifest's bands. A session
ends early once six or more repeats all fall in one band (:func:`settled`):
a clear case needs no more, a close one gets every repeat the manifest gives.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import random
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from autograder.sandboxed import calls
from autograder.course import Kernel, Lab
from autograder.worker_client import WorkerClient, WorkerProblem

FAST_FLAG_RATIO = 0.2  # more than 5x faster than the reference: a human should look
TIMER_DISAGREEMENT = 0.5  # inner time below half the outside wall time
# fingerprinting the outputs is not timed, up to this multiple of the reference's own
# fingerprint time plus a slack; beyond it the excess is added to the candidate's time
FINGERPRINT_TOLERANCE = 1.5
FINGERPRINT_SLACK_S = 0.002
# a session stops early once this many repeats (an even number: as many A B as B A
# orders) all fall in one band: the median of any more repeats could not leave it
# unless later ones fell elsewhere, which on a steady machine they do not
SETTLED_AFTER = 6


@dataclass
class Round:
    """One timed request of one worker: the outside wall time of the calls, the
    fingerprints of their outputs, the worker's own timer, the wall time of the
    fingerprint request."""

    wall: float
    sums: list
    inner: float
    fingerprint_s: float


@dataclass
class KernelResult:
    name: str
    points: float
    max_points: float
    status: str  # timed | skipped | failed
    message: str = ""
    ratio: float | None = None
    student_s: float | None = None
    reference_s: float | None = None
    repeats: int = 0
    ratios: list[float] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


def load_inputs_function(lab: Lab, kernel: Kernel) -> Callable[[int], tuple[tuple, dict]]:
    path = lab.hidden_tests_dir / "kernels.py"
    spec = importlib.util.spec_from_file_location(f"_kernels_{lab.id}", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"{path}: kernel input builders not found")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, kernel.inputs)


def checksums_match(a: Any, b: Any, rtol: float) -> bool:
    """Compare two checksum trees from :func:`autograder.sandboxed.calls.checksum`."""
    if isinstance(b, dict) and "$sum" in b:
        if not (isinstance(a, dict) and "$sum" in a):
            return False
        (sa, aa, qa, shape_a), (sb, ab, qb, shape_b) = a["$sum"], b["$sum"]
        if list(shape_a) != list(shape_b):
            return False
        return (
            _close(sa, sb, rtol * (ab + 1.0))
            and _close(aa, ab, rtol * (ab + 1.0))
            and _close(qa, qb, rtol * (qb + 1.0))
        )
    if isinstance(b, dict) and "$items" in b:
        return isinstance(a, dict) and "$items" in a and checksums_match(a["$items"], b["$items"], rtol)
    if isinstance(b, (list, tuple)):
        return isinstance(a, (list, tuple)) and len(a) == len(b) and all(checksums_match(x, y, rtol) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def _close(x: Any, y: float, tol: float) -> bool:
    return isinstance(x, (int, float)) and math.isfinite(x) and abs(x - y) <= tol


def settled(kernel: Kernel, ratios: list[float]) -> bool:
    """Whether a timing session may stop: at least :data:`SETTLED_AFTER` repeats
    (an even number), all in a band worth the same fraction of the points."""
    if len(ratios) < SETTLED_AFTER or len(ratios) % 2:
        return False
    return kernel.fraction_for(min(ratios)) == kernel.fraction_for(max(ratios))


class KernelTimer:
    """Times one kernel: the candidate's worker against the reference's."""

    def __init__(self, lab: Lab, kernel: Kernel, candidate: WorkerClient, reference: WorkerClient, seed: int) -> None:
        self.lab = lab
        self.kernel = kernel
        self.candidate = candidate
        self.reference = reference
        self.rng = random.Random(seed)
        self.make_inputs = load_inputs_function(lab, kernel)

    def _round(self, client: WorkerClient, staged: Any) -> Round:
        target = {"name": self.kernel.function}
        client.request({"op": "stage", "inputs": staged})
        start = time.perf_counter()
        reply = client.request({"op": "bench", "target": target, "backward": self.kernel.backward}, timeout=max(client.spec.call_s, 30))
        wall = time.perf_counter() - start
        inner = float(client.decode(reply)["inner_s"])
        start = time.perf_counter()
        sums = client.decode(client.request({"op": "fingerprint"}, timeout=max(client.spec.call_s, 30)))
        return Round(wall, sums, inner, time.perf_counter() - start)

    def _stage(self) -> Any:
        sets = [self.make_inputs(self.rng.getrandbits(62)) for _ in range(self.kernel.number + calls.WARMUP)]
        return self.candidate.encode([[list(args), dict(kwargs)] for args, kwargs in sets])

    def run(self, repeats: int | None = None) -> KernelResult:
        k = self.kernel
        repeats = repeats or k.repeats
        result = KernelResult(k.name, 0.0, k.points, "failed", repeats=repeats)
        try:
            staged = self._stage()
            self._round(self.reference, staged)  # warm-up, discarded
            self._round(self.candidate, staged)
            student_times, reference_times, inner = [], [], []
            deferred = 0.0
            for r in range(repeats):
                staged = self._stage()
                order = [self.candidate, self.reference] if r % 2 == 0 else [self.reference, self.candidate]
                rounds = {id(c): self._round(c, staged) for c in order}
                mine, theirs = rounds[id(self.candidate)], rounds[id(self.reference)]
                if not checksums_match(mine.sums, theirs.sums, k.rtol):
                    result.message = "the outputs computed while timing did not match the reference's (work skipped, cached or wrong)"
                    return result
                # fingerprinting is outside the timed request; work a candidate defers into it
                # (lazy outputs) counts as kernel time beyond a tolerance
                excess = max(0.0, mine.fingerprint_s - FINGERPRINT_TOLERANCE * theirs.fingerprint_s - FINGERPRINT_SLACK_S)
                deferred += excess
                student_times.append(mine.wall + excess)
                reference_times.append(theirs.wall)
                inner.append(mine.inner)
                result.ratios.append((mine.wall + excess) / theirs.wall)
                if settled(k, result.ratios):
                    break
            if deferred > 0.05 * sum(student_times):
                result.flags.append(f"reading your outputs took {deferred:.3g} s more than the reference's (deferred work?): counted as kernel time")
        except WorkerProblem as exc:
            result.message = f"timing stopped: {exc}"
            return result
        except Exception as exc:  # noqa: BLE001 - a student error while timing is a normal result
            result.message = f"your kernel failed while being timed: {exc}"[:1000]
            return result
        result.repeats = len(result.ratios)
        result.ratio = statistics.median(result.ratios)
        result.student_s = statistics.median(student_times) / (k.number + calls.WARMUP)
        result.reference_s = statistics.median(reference_times) / (k.number + calls.WARMUP)
        result.points = round(k.points * k.fraction_for(result.ratio), 6)
        result.status = "timed"
        if result.ratio < FAST_FLAG_RATIO:
            result.flags.append("more than 5x faster than the reference: worth a human look")
        if statistics.median(inner) < TIMER_DISAGREEMENT * statistics.median(student_times) * k.number / (k.number + calls.WARMUP):
            result.flags.append("the worker's own timer disagrees with the wall clock (patched timer?)")
        band = f"{k.fraction_for(result.ratio):.0%} of the speed points"
        result.message = f"{result.ratio:.2f}x the reference's time: {band}"
        return result


@functools.lru_cache(maxsize=1)
def describe_device() -> str:
    """The device kernels were timed on, for the report."""
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        return f"cuda: {torch.cuda.get_device_name(0)}"
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return f"cpu: {model or 'unknown'} ({os.cpu_count()} cores)"
