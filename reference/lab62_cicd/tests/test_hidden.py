"""Hidden tests for lab 62 (a model-release pipeline and its CI workflow).

Oracles:

* checksums: ``hashlib.sha256`` of the bytes the test wrote or read back
  with ``lab.get_file``;
* gates, promotions and rollbacks: the docstrings' rules written out here
  (``oracle_gates``, ``Model``) and replayed over scripted and random
  histories of candidates, dyadic metric values so that every way of
  writing a comparison agrees to the last bit;
* the workflow: ``yaml.safe_load`` of the student's text compared with the
  structure the docstring states; the schema checked with
  ``jsonschema.Draft202012Validator`` (``check_schema``, then documents
  that must pass and documents that must fail, with the path of the error);
  ``validate_workflow`` compared with that validator's ``iter_errors`` on
  the student's own schema;
* the model card: parsed back into sections and tables.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import random
import uuid

import jsonschema
import numpy as np
import pytest
import yaml

from autograder.testing import check

NAN = math.nan
RESULT_KEYS = {"metric", "gate", "passed", "value", "limit", "reason"}
RECORD_KEYS = {"version", "metrics", "tests", "artifacts", "baseline", "gates", "promoted"}
GATES = {
    "accuracy": {"direction": "higher", "threshold": 0.5, "tolerance": 0.03125},
    "latency_ms": {"direction": "lower", "threshold": 1.5, "tolerance": 0.125},
    "loss": {"direction": "lower", "tolerance": 0.0625},
}


# ---- the oracle ----------------------------------------------------------------------------------------------


def oracle_gates(candidate, baseline, gates, tests=None):
    """The gate rules of ``evaluate_gates``, written out (reasons reduced to 'non-empty when failed')."""
    results = []

    def add(metric, gate, passed, value, limit):
        results.append({"metric": metric, "gate": gate, "passed": bool(passed), "value": value, "limit": limit})

    if tests is not None:
        add("tests", "tests", tests["failed"] == 0 and tests["passed"] > 0, float(tests["failed"]), 0.0)
    for metric in sorted(gates):
        spec = gates[metric]
        higher = spec["direction"] == "higher"
        if metric not in candidate:
            add(metric, "missing", False, None, None)
            continue
        value = float(candidate[metric])
        if spec.get("threshold") is not None:
            t = float(spec["threshold"])
            add(metric, "threshold", value >= t if higher else value <= t, value, t)
        if spec.get("tolerance") is not None:
            if baseline is None or metric not in baseline:
                add(metric, "regression", not math.isnan(value), value, None)
            else:
                lim = baseline[metric] - spec["tolerance"] if higher else baseline[metric] + spec["tolerance"]
                add(metric, "regression", value >= lim if higher else value <= lim, value, lim)
    return {"passed": all(r["passed"] for r in results), "results": results}


def same_number(a, b):
    if a is None or b is None:
        return a is None and b is None
    return isinstance(a, (int, float)) and not isinstance(a, bool) and (
        (math.isnan(a) and math.isnan(b)) or float(a) == float(b))


def check_gates(got, expected, what):
    check(isinstance(got, dict) and set(got) == {"passed", "results"},
          f"{what}: evaluate_gates should return a dict with the keys 'passed' and 'results'")
    check(got["passed"] is expected["passed"], f"{what}: wrong overall 'passed'")
    results = got["results"]
    check(len(results) == len(expected["results"]),
          f"{what}: {len(results)} gate results instead of {len(expected['results'])}")
    for i, (g, e) in enumerate(zip(results, expected["results"])):
        check(set(g) == RESULT_KEYS, f"{what}: result {i} should have exactly the keys {sorted(RESULT_KEYS)}")
        check((g["metric"], g["gate"]) == (e["metric"], e["gate"]), f"{what}: result {i} is the wrong gate (order?)")
        check(g["passed"] is e["passed"], f"{what}: result {i} ({e['gate']} on {e['metric']}) has the wrong 'passed'")
        check(same_number(g["value"], e["value"]), f"{what}: result {i} ({e['gate']} on {e['metric']}) has the wrong 'value'")
        check(same_number(g["limit"], e["limit"]), f"{what}: result {i} ({e['gate']} on {e['metric']}) has the wrong 'limit'")
        check(isinstance(g["reason"], str) and (g["reason"] == "") == e["passed"],
              f"{what}: result {i} ({e['gate']} on {e['metric']}): 'reason' should be '' when passed, non-empty when failed")


def dyadic(rng, lo, hi):
    """A multiple of 1/64 in [lo, hi]: every comparison is exact."""
    return rng.randint(round(lo * 64), round(hi * 64)) / 64


# ---- a working folder in the student's reach -------------------------------------------------------------


class Work:
    def __init__(self, lab, tmp_path):
        self.lab, self.tmp = lab, tmp_path
        self.root = f"reg-{uuid.uuid4().hex[:12]}"

    def artifact(self, data: bytes, name: str = "model.bin") -> str:
        path = self.tmp / f"{uuid.uuid4().hex[:8]}-{name}"
        path.write_bytes(data)
        return self.lab.put_file(path)

    def artifacts(self, version: str, n: int = 2) -> tuple[dict, dict]:
        """Artifact name -> worker path, and name -> the bytes."""
        data = {f"weights-{k}.bin": f"{version}:{k}:".encode() * (k + 3) for k in range(n)}
        data["config.json"] = json.dumps({"version": version}).encode()
        return {name: self.artifact(blob, name) for name, blob in data.items()}, data

    def read(self, rel: str) -> bytes:
        return self.lab.get_file(f"{self.root}/{rel}")

    def registry(self) -> dict:
        return json.loads(self.read("registry.json"))

    def release(self, version, metrics, gates=GATES, tests=None, name="model"):
        paths, _ = self.artifacts(version, 1)
        return self.lab.run_release(self.root, version, paths, metrics, gates, tests, name)


@pytest.fixture
def work(lab, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # in-process mode: the student's relative paths land here
    return Work(lab, tmp_path)


class Model:
    """The registry rules: releases, the promotion history, the current release."""

    def __init__(self):
        self.records, self.promotions = {}, []

    @property
    def current(self):
        return self.promotions[-1] if self.promotions else None

    def release(self, version, metrics, gates=GATES, tests=None):
        base = self.current
        baseline = self.records[base]["metrics"] if base else None
        decision = oracle_gates(metrics, baseline, gates, tests)
        self.records[version] = {"metrics": dict(metrics), "passed": decision["passed"], "baseline": base}
        if decision["passed"]:
            self.promotions.append(version)
        return decision, base

    def promote(self, version):
        if not self.records[version]["passed"]:
            return ValueError
        if self.current != version:
            self.promotions.append(version)
        return None

    def rollback(self):
        if len(self.promotions) < 2:
            return ValueError
        self.promotions.pop()
        return None


def check_registry(reg, model, what):
    check(isinstance(reg, dict) and set(reg) == {"releases", "promotions", "current"},
          f"{what}: the registry should have exactly the keys 'releases', 'promotions', 'current'")
    check(reg["promotions"] == model.promotions, f"{what}: wrong promotion history")
    check(reg["current"] == model.current, f"{what}: wrong current release")
    check([r["version"] for r in reg["releases"]] == list(model.records),
          f"{what}: 'releases' should list every attempted release in order")


# ---- checksums -----------------------------------------------------------------------------------------------


@pytest.mark.points(3)
def test_sha256_matches_hashlib(lab, tmp_path):
    """sha256_file equals hashlib.sha256 for empty, small and multi-megabyte files."""
    rng = np.random.default_rng(0)
    for size in (0, 1, 63, 64, 65, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 17):
        data = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
        path = tmp_path / f"blob-{size}.bin"
        path.write_bytes(data)
        got = lab.sha256_file(lab.put_file(path))
        check(got == hashlib.sha256(data).hexdigest(), f"wrong digest of a {size}-byte file (64 lower-case hex digits?)")


@pytest.mark.points(1)
def test_sha256_missing_file(lab, tmp_path):
    """sha256_file raises FileNotFoundError for a missing file."""
    (tmp_path / "there.bin").write_bytes(b"x")
    check(lab.sha256_file(lab.put_file(tmp_path / "there.bin")) == hashlib.sha256(b"x").hexdigest(), "wrong digest")
    with pytest.raises(FileNotFoundError):
        lab.sha256_file(f"no-such-dir-{uuid.uuid4().hex}/model.bin")


# ---- gates ---------------------------------------------------------------------------------------------------


@pytest.mark.points(4)
def test_gates_thresholds_both_directions(lab):
    """Thresholds: higher is better needs >=, lower is better needs <=, the bound itself passes."""
    gates = {"acc": {"direction": "higher", "threshold": 0.75}, "lat": {"direction": "lower", "threshold": 200.0}}
    cases = [{"acc": a, "lat": t} for a in (0.5, 0.75, 0.75 + 2**-20, 0.75 - 2**-20, 1.0)
             for t in (100.0, 200.0, 200.0 + 2**-10, 199.5, 1e12)]
    got = lab.map(lab.evaluate_gates, [(c, None, gates) for c in cases])
    for c, g in zip(cases, got):
        check_gates(g, oracle_gates(c, None, gates), f"thresholds at acc={c['acc']}, lat={c['lat']}")
    cases = [({"m": v}, {"m": {"direction": d, "threshold": -3.0}}) for v in (-3.0, -2.5, -3.5, 0) for d in ("higher", "lower")]
    got = lab.map(lab.evaluate_gates, [(c, None, g) for c, g in cases])
    for (c, g), r in zip(cases, got):
        check_gates(r, oracle_gates(c, None, g), f"a negative threshold ({g['m']['direction']} is better)")


@pytest.mark.points(5)
def test_gates_regression_against_baseline(lab):
    """Regression: value >= baseline - tolerance (higher) or <= baseline + tolerance (lower), bound included."""
    gates = {"acc": {"direction": "higher", "tolerance": 0.25}, "lat": {"direction": "lower", "tolerance": 8.0}}
    base = {"acc": 0.75, "lat": 40.0}
    cases = [{"acc": a, "lat": t} for a in (0.75, 0.5, 0.5 - 2**-30, 0.9, 0.25) for t in (40.0, 48.0, 48.0 + 2**-40, 32.0, 60.0)]
    got = lab.map(lab.evaluate_gates, [(c, base, gates) for c in cases])
    for c, g in zip(cases, got):
        check_gates(g, oracle_gates(c, base, gates), f"regression at acc={c['acc']}, lat={c['lat']}")
    zero = {"acc": {"direction": "higher", "tolerance": 0.0}, "lat": {"direction": "lower", "tolerance": 0}}
    for c in ({"acc": 0.75, "lat": 40.0}, {"acc": 0.75 - 2**-40, "lat": 40.0 + 2**-40}):
        check_gates(lab.evaluate_gates(c, base, zero), oracle_gates(c, base, zero), "a zero tolerance (no regression allowed)")
    # no baseline, or a baseline without the metric: passes, with no limit
    for b in (None, {"lat": 40.0}, {}):
        c = {"acc": 0.0, "lat": 1e9}
        check_gates(lab.evaluate_gates(c, b, gates), oracle_gates(c, b, gates), f"regression with the baseline {b}")
    # large magnitudes: tolerance relative to a large baseline
    big = {"tok": {"direction": "higher", "tolerance": 1024.0}}
    for v in (1e15 - 1024, 1e15 - 1026, 1e15 + 2):
        check_gates(lab.evaluate_gates({"tok": v}, {"tok": 1e15}, big), oracle_gates({"tok": v}, {"tok": 1e15}, big),
                    "regression at values near 1e15")


@pytest.mark.points(4)
def test_gates_all_reported_in_order(lab):
    """Every gate is evaluated and reported in the stated order; a failure does not stop the others."""
    gates = {"z_loss": {"direction": "lower", "threshold": 1.0, "tolerance": 0.5},
             "acc": {"direction": "higher", "threshold": 0.9, "tolerance": 0.01},
             "lat": {"direction": "lower", "threshold": 10.0},
             "f1": {"direction": "higher", "tolerance": 0.02}}
    cand = {"z_loss": 3.0, "acc": 0.5, "lat": 20.0, "f1": 0.1, "unrelated": -7.0}
    base = {"z_loss": 0.5, "acc": 0.95, "lat": 5.0, "f1": 0.8}
    tests = {"passed": 10, "failed": 2}
    check_gates(lab.evaluate_gates(cand, base, gates, tests), oracle_gates(cand, base, gates, tests),
                "a candidate failing every gate")
    good = {"z_loss": 0.25, "acc": 0.95, "lat": 1.0, "f1": 0.9}
    for k in good:   # one gate fails at a time, in every position
        bad = dict(good, **{k: cand[k]})
        check_gates(lab.evaluate_gates(bad, base, gates, {"passed": 3, "failed": 0}),
                    oracle_gates(bad, base, gates, {"passed": 3, "failed": 0}), f"only '{k}' bad")
    check_gates(lab.evaluate_gates(good, base, gates), oracle_gates(good, base, gates), "a candidate passing every gate")
    check_gates(lab.evaluate_gates(cand, base, {}), {"passed": True, "results": []}, "no gates at all")


@pytest.mark.points(3)
def test_gates_missing_metric_and_nan(lab):
    """A metric not measured gives one failed 'missing' result; NaN fails every gate it meets."""
    gates = {"acc": {"direction": "higher", "threshold": 0.5, "tolerance": 0.1},
             "lat": {"direction": "lower", "threshold": 2.0, "tolerance": 1.0},
             "bleu": {"direction": "higher", "tolerance": 1.0}}
    base = {"acc": 0.5, "lat": 2.0}
    cases = [({"lat": 1.0, "bleu": 3.0}, base), ({}, base), ({"acc": NAN, "lat": NAN, "bleu": NAN}, base),
             ({"acc": NAN, "lat": 1.0, "bleu": 2.0}, None), ({"acc": 0.75, "lat": NAN}, None),
             ({"acc": 0.75, "lat": 1.0, "bleu": NAN}, {"bleu": 2.0})]
    for c, b in cases:
        check_gates(lab.evaluate_gates(c, b, gates), oracle_gates(c, b, gates), f"metrics {sorted(c)} with NaN or missing values")


@pytest.mark.points(3)
def test_gates_tests_result(lab):
    """The tests gate comes first: no failed test and at least one passed."""
    gates = {"acc": {"direction": "higher", "threshold": 0.5}}
    for tests in ({"passed": 12, "failed": 0}, {"passed": 12, "failed": 1}, {"passed": 0, "failed": 0},
                  {"passed": 0, "failed": 3}, {"passed": 1, "failed": 0}):
        for c in ({"acc": 0.75}, {"acc": 0.25}):
            check_gates(lab.evaluate_gates(c, None, gates, tests), oracle_gates(c, None, gates, tests),
                        f"tests {tests} with acc={c['acc']}")
    check_gates(lab.evaluate_gates({}, None, {}, {"passed": 5, "failed": 0}),
                oracle_gates({}, None, {}, {"passed": 5, "failed": 0}), "tests only")


@pytest.mark.points(4)
def test_gates_random_against_rules(lab):
    """evaluate_gates agrees with the rules on 300 random candidates, baselines and gate sets."""
    rng = random.Random(62)
    args, expected = [], []
    names = ["acc", "f1", "lat", "cost", "ppl"]
    for _ in range(300):
        gates = {}
        for m in rng.sample(names, rng.randint(0, 4)):
            spec = {"direction": rng.choice(["higher", "lower"])}
            if rng.random() < 0.7:
                spec["threshold"] = dyadic(rng, 0, 2)
            elif rng.random() < 0.5:
                spec["threshold"] = None
            if rng.random() < 0.7:
                spec["tolerance"] = dyadic(rng, 0, 0.5)
            gates[m] = spec
        cand = {m: dyadic(rng, 0, 2) for m in names if rng.random() < 0.9}
        base = None if rng.random() < 0.2 else {m: dyadic(rng, 0, 2) for m in names if rng.random() < 0.9}
        tests = None if rng.random() < 0.5 else {"passed": rng.randint(0, 3), "failed": rng.choice([0, 0, 1])}
        args.append((cand, base, gates, tests))
        expected.append(oracle_gates(cand, base, gates, tests))
    for i, (g, e) in enumerate(zip(lab.map(lab.evaluate_gates, args), expected)):
        check_gates(g, e, f"random case {i}")


@pytest.mark.points(2)
def test_gates_errors(lab):
    """A direction other than 'higher'/'lower' or a negative tolerance raises ValueError."""
    ok = {"acc": {"direction": "lower", "tolerance": 0.0}}
    check(lab.evaluate_gates({"acc": 1.0}, {"acc": 1.0}, ok)["passed"] is True, "a zero tolerance is valid")
    for bad in ({"acc": {"direction": "up", "threshold": 0.5}}, {"acc": {"threshold": 0.5}},
                {"acc": {"direction": "Higher"}}, {"acc": {"direction": "higher", "tolerance": -0.01}},
                {"ok": {"direction": "lower"}, "acc": {"direction": "lower", "tolerance": -1}}):
        with pytest.raises(ValueError):
            lab.evaluate_gates({"acc": 1.0, "ok": 1.0}, {"acc": 1.0}, bad)


# ---- releases, packaging, the registry -----------------------------------------------------------------------


@pytest.mark.points(4)
def test_release_packages_artifacts(work):
    """run_release copies the artifacts, writes SHA256SUMS in sha256sum's format and records everything."""
    lab = work.lab
    paths, data = work.artifacts("1.0.0", 3)
    metrics = {"accuracy": 0.75, "latency_ms": 1.0, "loss": 0.5, "extra": 3}
    tests = {"passed": 7, "failed": 0}
    record = lab.run_release(work.root, "1.0.0", paths, metrics, GATES, tests, "tiny-gpt")
    check(isinstance(record, dict) and set(record) == RECORD_KEYS, f"the record should have exactly the keys {sorted(RECORD_KEYS)}")
    digests = {name: hashlib.sha256(blob).hexdigest() for name, blob in data.items()}
    check(record["artifacts"] == digests, "'artifacts' should map each artifact name to the sha256 of its bytes")
    for name, blob in data.items():
        check(work.read(f"1.0.0/{name}") == blob, "each artifact should be copied, byte for byte, to root/<version>/<name>")
    sums = "".join(f"{digests[n]}  {n}\n" for n in sorted(digests)).encode()
    check(work.read("1.0.0/SHA256SUMS") == sums, "SHA256SUMS should hold '<digest>  <name>' lines sorted by name")
    check(record["version"] == "1.0.0" and record["tests"] == tests and record["baseline"] is None, "wrong version, tests or baseline")
    check(record["metrics"] == {k: float(v) for k, v in metrics.items()} and all(isinstance(v, float) for v in record["metrics"].values()),
          "'metrics' should be the candidate's metrics as floats")
    check_gates(record["gates"], oracle_gates(metrics, None, GATES, tests), "the record's gates")
    check(record["promoted"] is True, "a release passing every gate is promoted")
    reg = work.registry()
    check(set(reg) == {"releases", "promotions", "current"}, "the registry has exactly three keys")
    check(reg["releases"] == [record], "the registry should store the same record as returned")
    check(reg["promotions"] == ["1.0.0"] and reg["current"] == "1.0.0", "the first passing release becomes current")
    check(lab.load_registry(work.root) == reg, "load_registry should return the registry file's content")
    check(lab.verify_release(work.root, "1.0.0") == [], "a fresh release verifies")


@pytest.mark.points(2)
def test_load_registry_empty(work):
    """load_registry of a folder without a registry is the empty registry and creates nothing."""
    lab = work.lab
    empty = {"releases": [], "promotions": [], "current": None}
    check(lab.load_registry(work.root) == empty, "a missing registry reads as the empty registry")
    with pytest.raises(Exception):
        work.read("registry.json")
    work.release("a", {"accuracy": 0.25, "latency_ms": 1.0, "loss": 0.0})
    reg = lab.load_registry(work.root)
    check(reg["current"] is None and reg["promotions"] == [] and len(reg["releases"]) == 1,
          "a rejected first release is recorded but nothing is current")


@pytest.mark.points(5)
def test_baseline_is_the_current_release(work):
    """The regression gate compares with the current release, not the first one."""
    m = {"latency_ms": 1.0, "loss": 0.5}
    r1 = work.release("v1", dict(m, accuracy=0.625))
    r2 = work.release("v2", dict(m, accuracy=0.75))
    r3 = work.release("v3", dict(m, accuracy=0.6875))     # fine against v1, a regression of 1/16 against v2
    check(r1["promoted"] and r2["promoted"], "v1 and v2 pass every gate")
    check(r2["baseline"] == {"version": "v1", "metrics": r1["metrics"]}, "v2's baseline should be v1 with its metrics")
    check(r3["baseline"] is not None and r3["baseline"]["version"] == "v2", "v3's baseline should be v2, the current release")
    check(r3["promoted"] is False, "v3 regressed against v2 by more than the tolerance and must be rejected")
    check_gates(r3["gates"], oracle_gates(r3["metrics"], r2["metrics"], GATES), "v3's gates")
    r4 = work.release("v4", dict(m, accuracy=0.71875))   # exactly at the tolerance below v2
    check(r4["promoted"] is True and r4["baseline"]["version"] == "v2", "v4 sits exactly at the tolerance below v2: it passes")
    r5 = work.release("v5", dict(m, accuracy=0.6875))    # v4 is current now: within 1/32 of 0.71875
    check(r5["baseline"]["version"] == "v4" and r5["promoted"] is True, "v5 is compared with v4, the latest promotion")
    reg = work.registry()
    check(reg["promotions"] == ["v1", "v2", "v4", "v5"] and reg["current"] == "v5", "wrong promotions after five releases")


@pytest.mark.points(4)
def test_baseline_skips_rejected_candidates(work):
    """A rejected candidate is never a baseline; after a rollback the baseline is the release rolled back to."""
    lab = work.lab
    work.release("r1", {"accuracy": 0.75, "latency_ms": 1.0, "loss": 0.5})
    r2 = work.release("r2", {"accuracy": 0.875, "latency_ms": 2.0, "loss": 0.5})   # too slow: rejected
    r3 = work.release("r3", {"accuracy": 0.75, "latency_ms": 1.0, "loss": 0.5})    # a regression against r2, not r1
    check(r2["promoted"] is False and r3["baseline"]["version"] == "r1" and r3["promoted"] is True,
          "r3 should be compared with r1 (current), not with the rejected r2")
    r4 = work.release("r4", {"accuracy": 0.8125, "latency_ms": 1.0, "loss": 0.5})
    check(r4["promoted"], "r4 improves on r3")
    lab.rollback(work.root)
    r5 = work.release("r5", {"accuracy": 0.75, "latency_ms": 1.0, "loss": 0.5})    # a regression against r4, fine against r3
    check(r5["baseline"]["version"] == "r3" and r5["promoted"] is True,
          "after rolling back r4, the baseline is r3 (the current release)")


@pytest.mark.points(5)
def test_promote_and_rollback(work):
    """Rollback goes to the previously promoted release; promotion of the current one changes nothing."""
    lab = work.lab
    good = {"accuracy": 0.75, "latency_ms": 1.0, "loss": 0.5}
    work.release("a", good)
    with pytest.raises(ValueError):
        lab.rollback(work.root)                     # one promotion only: nothing to roll back to
    before = work.read("registry.json")
    reg = lab.promote(work.root, "a")              # already current
    check(work.read("registry.json") == before and reg["promotions"] == ["a"], "promoting the current release changes nothing")
    work.release("b", dict(good, latency_ms=9.0))  # rejected
    work.release("c", good)
    work.release("d", dict(good, accuracy=0.5))    # rejected (regression)
    check(work.registry()["promotions"] == ["a", "c"], "only passing releases are promoted")
    reg = lab.rollback(work.root)
    check(reg["current"] == "a" and reg["promotions"] == ["a"], "rollback from c goes to a, the previous promotion (not b or d)")
    check(work.registry() == reg, "rollback should write the registry it returns")
    before = work.read("registry.json")
    with pytest.raises(ValueError):
        lab.rollback(work.root)
    check(work.read("registry.json") == before, "a rollback that raises changes nothing")
    with pytest.raises(ValueError):
        lab.promote(work.root, "b")                # failed its gates
    with pytest.raises(KeyError):
        lab.promote(work.root, "zzz")
    check(work.read("registry.json") == before, "a promotion that raises changes nothing")
    reg = lab.promote(work.root, "c")
    check(reg["promotions"] == ["a", "c"] and reg["current"] == "c", "promote c again")
    reg = lab.promote(work.root, "a")
    check(reg["promotions"] == ["a", "c", "a"] and reg["current"] == "a", "an older release may be promoted again")
    check(work.registry() == reg, "promote should write the registry it returns")
    reg = lab.rollback(work.root)
    check(reg["current"] == "c" and reg["promotions"] == ["a", "c"], "rolling back the re-promotion returns to c")
    reg = lab.rollback(work.root)
    check(reg["current"] == "a" and reg["promotions"] == ["a"], "each rollback goes back one more promotion")
    check([r["version"] for r in reg["releases"]] == ["a", "b", "c", "d"], "rollbacks keep every release record")


def history_steps(seed):
    rng = random.Random(seed)
    steps, versions, n = [], [], 0
    acc, lat, loss = 0.75, 1.0, 0.5
    for _ in range(16):
        u = rng.random()
        if u < 0.6 or not versions:
            n += 1
            acc = min(1.0, max(0.375, acc + dyadic(rng, -0.0625, 0.0625)))
            lat = max(0.25, lat + dyadic(rng, -0.25, 0.375))
            loss = max(0.0, loss + dyadic(rng, -0.09375, 0.09375))
            metrics = {"accuracy": acc, "latency_ms": lat, "loss": loss}
            tests = None if rng.random() < 0.5 else {"passed": 5, "failed": int(rng.random() < 0.2)}
            steps.append(("release", f"{seed}.{n}", metrics, tests))
            versions.append(f"{seed}.{n}")
        elif u < 0.8:
            steps.append(("rollback",))
        else:
            steps.append(("promote", rng.choice(versions)))
    return steps


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.points(3)
def test_scripted_history(work, seed):
    """A scripted history of releases, promotions and rollbacks gives the stated decision at each step."""
    lab, model = work.lab, Model()
    for i, step in enumerate(history_steps(seed)):
        what = f"step {i} ({step[0]}) of history {seed}"
        if step[0] == "release":
            _, version, metrics, tests = step
            decision, base = model.release(version, metrics, GATES, tests)
            paths, _ = work.artifacts(version, 1)
            record = lab.run_release(work.root, version, paths, metrics, GATES, tests, "m")
            check(record["promoted"] is decision["passed"], f"{what}: wrong decision")
            check((record["baseline"] or {}).get("version") == base, f"{what}: wrong baseline")
            check_gates(record["gates"], decision, what)
        elif step[0] == "rollback":
            if model.rollback() is ValueError:
                with pytest.raises(ValueError):
                    lab.rollback(work.root)
            else:
                lab.rollback(work.root)
        else:
            if model.promote(step[1]) is ValueError:
                with pytest.raises(ValueError):
                    lab.promote(work.root, step[1])
            else:
                lab.promote(work.root, step[1])
        check_registry(work.registry(), model, what)


@pytest.mark.points(4)
def test_run_release_errors(work):
    """Invalid versions, artifacts and gates raise before anything is written."""
    lab = work.lab
    good = {"accuracy": 0.75, "latency_ms": 1.0, "loss": 0.5}
    work.release("v1", good)
    before = work.read("registry.json")
    paths, _ = work.artifacts("x", 1)
    bad_calls = [
        (ValueError, ("v1", paths, good, GATES)),                        # duplicate version
        (ValueError, ("", paths, good, GATES)),
        (ValueError, (".hidden", paths, good, GATES)),
        (ValueError, ("v/2", paths, good, GATES)),
        (ValueError, ("v 2", paths, good, GATES)),
        (ValueError, ("v2", {}, good, GATES)),
        (ValueError, ("v2", {"SHA256SUMS": paths["config.json"]}, good, GATES)),
        (ValueError, ("v2", {"MODEL_CARD.md": paths["config.json"]}, good, GATES)),
        (ValueError, ("v2", {"sub/model.bin": paths["config.json"]}, good, GATES)),
        (ValueError, ("v2", paths, good, {"accuracy": {"direction": "best"}})),
        (ValueError, ("v2", paths, good, {"accuracy": {"direction": "higher", "tolerance": -0.5}})),
        (FileNotFoundError, ("v2", dict(paths, **{"gone.bin": f"missing-{uuid.uuid4().hex}.bin"}), good, GATES)),
    ]
    for exc, args in bad_calls:
        with pytest.raises(exc):
            lab.run_release(work.root, *args)
        check(work.read("registry.json") == before, f"a run_release that raises {exc.__name__} must not change the registry")
    with pytest.raises(Exception):
        work.read("v2/SHA256SUMS")
    check(lab.verify_release(work.root, "v1") == [], "a run_release that raises must not touch an existing release's files")
    rec = lab.run_release(work.root, "v2_rc-1.0", paths, good, GATES)
    check(rec["version"] == "v2_rc-1.0" and rec["promoted"], "a version with '_', '-' and '.' is valid")


@pytest.mark.points(5)
def test_tampered_artifacts(lab, tmp_path):
    """verify_release finds changed artifacts; promote and rollback refuse a tampered release."""
    area = tmp_path / "area"              # in-process, put_file leaves files here; the worker puts them in its own folder
    area.mkdir()
    probe = area / "probe.txt"
    probe.write_bytes(b"probe")
    inputs = lab.put_file(probe).replace("\\", "/").rsplit("/", 1)[0]   # the folder the test can write into
    root, version = inputs.rsplit("/", 1)                             # so root/<version> is that folder

    def put(name, data):
        (area / name).write_bytes(data)
        return lab.put_file(area / name)

    good = {"accuracy": 0.75, "latency_ms": 1.0, "loss": 0.5}
    first = f"first-{uuid.uuid4().hex[:6]}"
    lab.run_release(root, first, {"w.bin": put("src-w1.bin", b"one")}, good, GATES)
    lab.run_release(root, version, {"w.bin": put("src-w2.bin", b"two" * 9), "cfg.json": put("src-c.json", b"{}")}, good, GATES)
    with pytest.raises(KeyError):
        lab.verify_release(root, "no-such-version")
    check(lab.verify_release(root, version) == [], "an untouched release verifies")
    put("w.bin", b"two" * 8 + b"twO")                              # overwrite the packaged copy
    check(lab.verify_release(root, version) == ["w.bin"], "verify_release should list the changed artifact")
    put("cfg.json", b"{ }")
    check(lab.verify_release(root, version) == ["cfg.json", "w.bin"], "verify_release lists every changed artifact, sorted")
    check(lab.verify_release(root, first) == [], "the other release is intact")
    lab.rollback(root)
    with pytest.raises(ValueError):
        lab.promote(root, version)                                 # tampered: refused
    check(lab.load_registry(root)["current"] == first, "a refused promotion leaves the current release")
    put("w.bin", b"two" * 9)
    put("cfg.json", b"{}")
    check(lab.verify_release(root, version) == [], "restored artifacts verify again")
    reg = lab.promote(root, version)
    check(reg["current"] == version, "the restored release can be promoted")
    lab.run_release(root, "third", {"w.bin": put("src-w3.bin", b"three")}, good, GATES)
    put("w.bin", b"changed")                                       # the release 'third' would roll back to
    with pytest.raises(ValueError):
        lab.rollback(root)
    check(lab.load_registry(root)["promotions"][-2:] == [version, "third"], "a refused rollback changes nothing")
    put("w.bin", b"two" * 9)
    reg = lab.rollback(root)
    check(reg["current"] == version, "rollback from 'third' goes to the release promoted before it")


# ---- the model card ------------------------------------------------------------------------------------------


def parse_card(text):
    sections, order, title = {}, [], []
    current = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("# "):
            title.append(line[2:].strip())
        elif line.startswith("## "):
            current = line[3:].strip()
            order.append(current)
            sections[current] = []
        elif line and current is not None:
            sections[current].append(line)
    return title, order, sections


def table(lines, what):
    rows = [line for line in lines if line.startswith("|")]
    check(len(rows) >= 2 and all(r.endswith("|") for r in rows), f"{what}: expected a Markdown table with a header and a separator")
    cells = [[c.strip() for c in r[1:-1].split("|")] for r in rows]
    check(all(c and set(c) <= set("-:") for c in cells[1]), f"{what}: the second table line should be the |---| separator")
    return cells[0], cells[2:]


def fmt(v):
    return "-" if v is None else format(float(v), ".4f")


def card_record(promoted=True, with_baseline=True):
    metrics = {"accuracy": 0.8125, "latency_ms": 123.456789, "loss": NAN, "bleu": 21.0}
    gates = {"accuracy": {"direction": "higher", "threshold": 0.5, "tolerance": 0.03125},
             "latency_ms": {"direction": "lower", "threshold": 150},
             "rouge": {"direction": "higher", "tolerance": 0.1},
             "loss": {"direction": "lower", "tolerance": 0.0625}}
    baseline = {"version": "0.9.1", "metrics": {"accuracy": 0.84375, "latency_ms": 99.0}} if with_baseline else None
    tests = {"passed": 4, "failed": 0}
    decision = oracle_gates(metrics, baseline and baseline["metrics"], gates, tests)
    for r in decision["results"]:
        r["reason"] = "" if r["passed"] else "failed"
    record = {"version": "1.0.0-rc1", "metrics": metrics, "tests": tests,
              "artifacts": {"weights.safetensors": "ab" * 32, "config.json": "0f" * 32, "tokenizer.json": "9e" * 32},
              "baseline": baseline, "gates": decision, "promoted": promoted}
    return record, gates


@pytest.mark.points(6)
def test_model_card_structure(lab):
    """The model card has the stated heading, sections and tables, with numbers written as .4f and '-' for absent values."""
    for promoted, with_baseline in ((True, True), (False, False)):
        record, gates = card_record(promoted, with_baseline)
        what = f"the model card ({'promoted' if promoted else 'rejected'}, {'with' if with_baseline else 'without'} a baseline)"
        title, order, sec = parse_card(lab.model_card(record, gates, "tiny-llm"))
        check(title == ["tiny-llm 1.0.0-rc1"], f"{what}: the level-1 heading should be '# <name> <version>'")
        check(order == ["Decision", "Metrics", "Gates", "Artifacts"], f"{what}: the sections and their order")
        check(sec["Decision"][:2] == [f"Status: {'PROMOTED' if promoted else 'REJECTED'}",
                                      f"Baseline: {'0.9.1' if with_baseline else 'none'}"], f"{what}: the Decision lines")
        header, rows = table(sec["Metrics"], f"{what}, Metrics")
        check(header == ["metric", "value", "baseline", "direction", "threshold", "tolerance"], f"{what}: the Metrics header")
        base = (record["baseline"] or {}).get("metrics", {})
        expected = [[m, fmt(record["metrics"].get(m)), fmt(base.get(m)), gates.get(m, {}).get("direction", "-"),
                     fmt(gates.get(m, {}).get("threshold")), fmt(gates.get(m, {}).get("tolerance"))]
                    for m in sorted(set(record["metrics"]) | set(gates))]
        check(rows == expected, f"{what}: the Metrics rows (every metric measured or gated, sorted; .4f; '-' when absent; nan)")
        header, rows = table(sec["Gates"], f"{what}, Gates")
        check(header == ["gate", "metric", "result", "value", "limit"], f"{what}: the Gates header")
        expected = [[r["gate"], r["metric"], "pass" if r["passed"] else "fail", fmt(r["value"]), fmt(r["limit"])]
                    for r in record["gates"]["results"]]
        check(rows == expected, f"{what}: the Gates rows (one per result, in order)")
        header, rows = table(sec["Artifacts"], f"{what}, Artifacts")
        check(header == ["file", "sha256"], f"{what}: the Artifacts header")
        check(rows == [[k, v] for k, v in sorted(record["artifacts"].items())], f"{what}: the Artifacts rows, sorted by file")


@pytest.mark.points(2)
def test_model_card_written_by_release(work):
    """run_release writes MODEL_CARD.md equal to model_card(record, gates, name)."""
    lab = work.lab
    work.release("v1", {"accuracy": 0.75, "latency_ms": 1.0, "loss": 0.5}, name="card-model")
    rec = work.release("v2", {"accuracy": 0.5, "latency_ms": 1.25}, tests={"passed": 2, "failed": 1}, name="card-model")
    text = work.read("v2/MODEL_CARD.md").decode()
    check(text == lab.model_card(rec, GATES, "card-model"), "MODEL_CARD.md should be model_card(record, gates, name)")
    title, order, sec = parse_card(text)
    check(title == ["card-model v2"] and sec["Decision"][:2] == ["Status: REJECTED", "Baseline: v1"], "the written card's decision")


# ---- the CI workflow -----------------------------------------------------------------------------------------


def expected_workflow(versions, test_cmds, release_cmds, name="model-release", branch="main", runs_on="ubuntu-latest"):
    checkout, install = {"uses": "actions/checkout@v4"}, {"run": "python -m pip install -r requirements.txt"}
    return {
        "name": name,
        "on": {"push": {"branches": [branch]}, "pull_request": {"branches": [branch]}},
        "jobs": {
            "test": {"runs-on": runs_on, "strategy": {"fail-fast": False, "matrix": {"python-version": list(versions)}},
                     "steps": [checkout, {"uses": "actions/setup-python@v5", "with": {"python-version": "${{ matrix.python-version }}"}},
                               install, *[{"run": c} for c in test_cmds]]},
            "release": {"needs": "test", "if": "github.event_name == 'push'", "runs-on": runs_on,
                        "steps": [checkout, {"uses": "actions/setup-python@v5", "with": {"python-version": versions[-1]}},
                                  install, *[{"run": c} for c in release_cmds]]},
        },
    }


WORKFLOW_CASES = [
    (["3.10", "3.11", "3.12"], ["pytest -q"], ["python -m release --promote"], {}),
    (["3.9"], ["ruff check .", "pytest -q -k 'not slow'  # the fast ones", 'echo "a: b" && echo x'],
     ["python scripts/release.py --gate thresholds.json", "python -c \"print('{x}')\""],
     {"name": "llm: release", "branch": "release/v2", "runs_on": "self-hosted"}),
    (["3.12", "3.10"], ["pytest\n  -q tests/", "echo '${{ secrets.TOKEN }}'"], ["make release\nmake card"],
     {"name": "on", "branch": "yes"}),
    (["3.13", "3.1", "3.10"], ["tox -e py"], ["- not a list item", "@at", "true", "null", "0.5"], {"runs_on": "ubuntu-24.04"}),
]


@pytest.mark.points(2)
@pytest.mark.parametrize("case", range(len(WORKFLOW_CASES)))
def test_workflow_structure(lab, case):
    """make_workflow's YAML loads (yaml.safe_load) into exactly the stated workflow, commands unchanged."""
    versions, test_cmds, release_cmds, kw = WORKFLOW_CASES[case]
    text = lab.make_workflow(versions, test_cmds, release_cmds, **kw)
    check(isinstance(text, str), "make_workflow should return the YAML text")
    doc = yaml.safe_load(text)
    check(isinstance(doc, dict), "the workflow should load as a mapping")
    check(True not in doc and "on" in doc, "the key 'on' must load as the string 'on' (quote it: a bare on: loads as True)")
    jobs = doc.get("jobs", {})
    got_versions = jobs.get("test", {}).get("strategy", {}).get("matrix", {}).get("python-version")
    check(got_versions == list(versions), "the Python versions must load as the strings given ('3.10', not 3.1)")
    check(doc == expected_workflow(versions, test_cmds, release_cmds, **kw),
          "the loaded workflow differs from the stated structure (names, steps, commands with quotes, ':' '#' and newlines?)")


@pytest.mark.points(2)
def test_workflow_errors(lab):
    """make_workflow rejects empty, duplicate or malformed Python versions and empty command lists."""
    check(isinstance(lab.make_workflow(["3.11"], ["pytest"], ["make release"]), str), "a valid call returns text")
    many = [f"3.{k}" for k in range(300)]
    doc = yaml.safe_load(lab.make_workflow(many, ["pytest"], ["make release"]))
    check(doc["jobs"]["test"]["strategy"]["matrix"]["python-version"] == many, "300 distinct versions are valid")
    for args in ([[], ["pytest"], ["r"]], [["3.11", "3.11"], ["pytest"], ["r"]], [["3"], ["pytest"], ["r"]],
                 [["3.11", "py3.12"], ["pytest"], ["r"]], [["3.11 "], ["p"], ["r"]], [["3.11"], [], ["r"]], [["3.11"], ["p"], []]):
        with pytest.raises(ValueError):
            lab.make_workflow(*args)
    with pytest.raises(TypeError):
        lab.make_workflow(["3.11"], ["pytest"], ["make release"], "a-name")   # name, branch, runs_on are keyword-only


def base_doc():
    return {"name": "ci", "on": {"push": {"branches": ["main"]}},
            "jobs": {"build": {"runs-on": "ubuntu-latest",
                               "steps": [{"uses": "actions/checkout@v4"}, {"name": "test", "run": "pytest -q"}]}}}


def edit(path_value_pairs=(), delete=()):
    doc = base_doc()
    for path, value in path_value_pairs:
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    for path in delete:
        node = doc
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return doc


JOB = ("jobs", "build")
STEP0, STEP1 = (*JOB, "steps", 0), (*JOB, "steps", 1)

VALID_DOCS = [
    base_doc(),
    edit([(("on",), "push")]),
    edit([(("on",), ["push", "pull_request"])]),
    edit([(("on",), {"workflow_dispatch": None, "schedule": [{"cron": "0 3 * * *"}]})]),
    edit([(("env",), {"A": "1", "B": 2, "C": True, "D": 0.5})], delete=[("name",)]),
    edit([((*JOB, "runs-on"), ["self-hosted", "gpu"]), ((*JOB, "needs"), "lint"), ((*JOB, "if"), "always()"),
          ((*JOB, "name"), "Build"), ((*JOB, "env"), {"X": "y"}), ((*JOB, "timeout-minutes"), 30)]),
    edit([((*JOB, "needs"), ["lint", "unit"]), ((*JOB, "timeout-minutes"), 0.5)]),
    edit([(("on",), ["push"]), ((*JOB, "runs-on"), ["self-hosted"]), ((*JOB, "needs"), ["lint"]),
          ((*JOB, "strategy"), {"matrix": {"py": ["3.12"]}, "max-parallel": 1})]),
    edit([((*JOB, "strategy"), {"matrix": {"python-version": ["3.10", "3.11"], "os": ["ubuntu-latest"],
                                           "include": [{"python-version": "3.12", "experimental": True}]},
                                "fail-fast": True, "max-parallel": 2})]),
    edit([((*JOB, "steps"), [{"uses": "./.github/actions/setup"}, {"uses": "docker://alpine:3.19", "with": {"args": "echo hi"}},
                             {"uses": "owner/repo/path@main", "id": "p", "if": "success()", "name": "n",
                              "with": {"a": "x", "b": 3, "c": False, "d": 1.5}, "env": {"K": "v", "N": 1}},
                             {"run": "echo a\necho b\n"}])]),
    {"on": "push", "jobs": {"_x": {"runs-on": "a", "steps": [{"run": "x"}]},
                            "build-1": {"runs-on": "b", "steps": [{"uses": "a/b@c"}]},
                            "Test_2": {"runs-on": "c", "steps": [{"run": ""}]}}},
]

# (name, document, acceptable error paths: "p" exactly p, "p/*" p or under it)
INVALID_DOCS = [
    ("a list at the top", ["on", "jobs"], ("",)),
    ("no 'on'", edit(delete=[("on",)]), ("",)),
    ("no 'jobs'", edit(delete=[("jobs",)]), ("",)),
    ("an unknown top-level key", edit([(("permissions",), "read-all")]), ("",)),
    ("'on' a number", edit([(("on",), 5)]), ("", "/on/*")),
    ("'on' an empty list", edit([(("on",), [])]), ("", "/on/*")),
    ("'on' a list with a number", edit([(("on",), ["push", 3])]), ("", "/on/*")),
    ("'name' a number", edit([(("name",), 3)]), ("", "/name/*")),
    ("a top-level env value null", edit([(("env",), {"A": None})]), ("/env/*",)),
    ("no jobs", edit([(("jobs",), {})]), ("/jobs/*",)),
    ("'jobs' a string", edit([(("jobs",), "build")]), ("/jobs/*",)),
    ("a bad job id", {"on": "push", "jobs": {"1build": {"runs-on": "x", "steps": [{"run": "x"}]}}}, ("/jobs/*",)),
    ("a job id with a space", {"on": "push", "jobs": {"my job": {"runs-on": "x", "steps": [{"run": "x"}]}}}, ("/jobs/*",)),
    ("a job without runs-on", edit(delete=[(*JOB, "runs-on")]), ("/jobs/build",)),
    ("a job without steps", edit(delete=[(*JOB, "steps")]), ("/jobs/build",)),
    ("an unknown job key", edit([((*JOB, "run-on"), "x")]), ("/jobs/build",)),
    ("a job that is a list", edit([(JOB, ["runs-on"])]), ("/jobs/build/*",)),
    ("runs-on a number", edit([((*JOB, "runs-on"), 5)]), ("/jobs/build", "/jobs/build/runs-on/*")),
    ("runs-on an empty list", edit([((*JOB, "runs-on"), [])]), ("/jobs/build", "/jobs/build/runs-on/*")),
    ("runs-on a list with a number", edit([((*JOB, "runs-on"), ["x", 3])]), ("/jobs/build", "/jobs/build/runs-on/*")),
    ("needs an empty list", edit([((*JOB, "needs"), [])]), ("/jobs/build", "/jobs/build/needs/*")),
    ("needs a number", edit([((*JOB, "needs"), 3)]), ("/jobs/build", "/jobs/build/needs/*")),
    ("a job 'if' that is a boolean", edit([((*JOB, "if"), True)]), ("/jobs/build", "/jobs/build/if/*")),
    ("a job name that is a number", edit([((*JOB, "name"), 1)]), ("/jobs/build", "/jobs/build/name/*")),
    ("timeout-minutes 0", edit([((*JOB, "timeout-minutes"), 0)]), ("/jobs/build", "/jobs/build/timeout-minutes/*")),
    ("timeout-minutes a string", edit([((*JOB, "timeout-minutes"), "10")]), ("/jobs/build", "/jobs/build/timeout-minutes/*")),
    ("a job env value that is a list", edit([((*JOB, "env"), {"A": ["x"]})]), ("/jobs/build/env/*",)),
    ("empty steps", edit([((*JOB, "steps"), [])]), ("/jobs/build/steps/*",)),
    ("steps a mapping", edit([((*JOB, "steps"), {"run": "x"})]), ("/jobs/build/steps/*",)),
    ("a step with uses and run", edit([((*STEP1, "uses"), "actions/cache@v4")]), ("/jobs/build/steps/1/*",)),
    ("a step with neither uses nor run", edit(delete=[(*STEP1, "run")]), ("/jobs/build/steps/1/*",)),
    ("a step with an unknown key", edit([((*STEP1, "shell"), "bash")]), ("/jobs/build/steps/1/*",)),
    ("a step that is a string", edit([(STEP1, "pytest")]), ("/jobs/build/steps/1/*",)),
    ("uses without a ref", edit([((*STEP0, "uses"), "actions/checkout")]), ("/jobs/build/steps/0/*",)),
    ("uses without an owner", edit([((*STEP0, "uses"), "checkout@v4")]), ("/jobs/build/steps/0/*",)),
    ("uses with a space", edit([((*STEP0, "uses"), "actions/check out@v4")]), ("/jobs/build/steps/0/*",)),
    ("run a number", edit([((*STEP1, "run"), 5)]), ("/jobs/build/steps/1/*",)),
    ("a step name that is a number", edit([((*STEP1, "name"), 5)]), ("/jobs/build/steps/1/*",)),
    ("a step id that is a number", edit([((*STEP1, "id"), 5)]), ("/jobs/build/steps/1/*",)),
    ("a step 'if' that is a boolean", edit([((*STEP1, "if"), False)]), ("/jobs/build/steps/1/*",)),
    ("'with' a list value", edit([((*STEP0, "with"), {"python-version": ["3.10"]})]), ("/jobs/build/steps/0/*",)),
    ("'with' a string", edit([((*STEP0, "with"), "x")]), ("/jobs/build/steps/0/*",)),
    ("'with' a null value", edit([((*STEP0, "with"), {"x": None})]), ("/jobs/build/steps/0/*",)),
    ("a step env value that is a mapping", edit([((*STEP1, "env"), {"A": {"b": 1}})]), ("/jobs/build/steps/1/*",)),
    ("a strategy without matrix", edit([((*JOB, "strategy"), {"fail-fast": False})]), ("/jobs/build/strategy",)),
    ("an empty matrix", edit([((*JOB, "strategy"), {"matrix": {}})]), ("/jobs/build/strategy/*",)),
    ("a matrix with an empty list", edit([((*JOB, "strategy"), {"matrix": {"py": []}})]), ("/jobs/build/strategy/*",)),
    ("a matrix value that is a string", edit([((*JOB, "strategy"), {"matrix": {"py": "3.10"}})]), ("/jobs/build/strategy/*",)),
    ("fail-fast a string", edit([((*JOB, "strategy"), {"matrix": {"py": ["3"]}, "fail-fast": "no"})]), ("/jobs/build/strategy/*",)),
    ("max-parallel 0", edit([((*JOB, "strategy"), {"matrix": {"py": ["3"]}, "max-parallel": 0})]), ("/jobs/build/strategy/*",)),
    ("max-parallel 1.5", edit([((*JOB, "strategy"), {"matrix": {"py": ["3"]}, "max-parallel": 1.5})]), ("/jobs/build/strategy/*",)),
    ("an unknown strategy key", edit([((*JOB, "strategy"), {"matrix": {"py": ["3"]}, "parallel": 2})]), ("/jobs/build/strategy",)),
]


def pointer(path):
    return "".join(f"/{p}" for p in path)


def path_ok(path, accepted):
    for a in accepted:
        if a.endswith("/*"):
            if path == a[:-2] or path.startswith(a[:-1]):
                return True
        elif path == a:
            return True
    return False


def student_validator(lab):
    schema = lab.workflow_schema()
    check(isinstance(schema, dict), "workflow_schema should return a dict")
    json.dumps(schema)
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError:
        check(False, "workflow_schema() is not a valid draft 2020-12 JSON Schema")
    return schema, jsonschema.Draft202012Validator(schema)


@pytest.mark.points(4)
def test_schema_accepts_valid_workflows(lab):
    """workflow_schema is a valid JSON Schema that accepts the generated workflows and the allowed forms."""
    _, validator = student_validator(lab)
    for versions, test_cmds, release_cmds, kw in WORKFLOW_CASES:
        doc = expected_workflow(versions, test_cmds, release_cmds, **kw)
        check(not list(validator.iter_errors(doc)), "the schema rejects a workflow that make_workflow is stated to write")
    for i, doc in enumerate(VALID_DOCS):
        check(not list(validator.iter_errors(doc)), f"the schema rejects valid workflow number {i} (an allowed form)")


@pytest.mark.points(6)
def test_schema_rejects_with_the_path(lab):
    """workflow_schema rejects each invalid workflow, with an error at the stated path."""
    _, validator = student_validator(lab)
    missed, misplaced = [], []
    for name, doc, accepted in INVALID_DOCS:
        paths = [pointer(e.absolute_path) for e in validator.iter_errors(doc)]
        if not paths:
            missed.append(name)
        elif not any(path_ok(p, accepted) for p in paths):
            misplaced.append(name)
    check(not missed, f"the schema accepts invalid workflows: {missed[:6]}")
    check(not misplaced, f"the errors are reported at the wrong path for: {misplaced[:6]}")


def oracle_validate(schema, text):
    doc = yaml.safe_load(text)
    if isinstance(doc, dict) and any(k is True for k in doc):
        doc = {("on" if k is True else k): v for k, v in doc.items()}
    return sorted((pointer(e.absolute_path), e.message) for e in jsonschema.Draft202012Validator(schema).iter_errors(doc))


@pytest.mark.points(5)
def test_validate_workflow_matches_jsonschema(lab):
    """validate_workflow gives jsonschema's errors (path, message), sorted; bare 'on:' is read as 'on'."""
    schema, _ = student_validator(lab)
    texts = [lab.make_workflow(["3.10", "3.11"], ["pytest"], ["make release"]),
             "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n",
             "on: [push]\njobs:\n  b:\n    runs-on: x\n    steps: []\n",
             "", "- a\n- b\n", "just text\n",
             "'on': push\n1: [3]\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: a\n"]
    texts += [yaml.safe_dump(doc, sort_keys=False) for _, doc, _ in INVALID_DOCS[1:]]
    texts += [yaml.safe_dump(copy.deepcopy(doc)) for doc in VALID_DOCS[:3]]
    got = lab.map(lab.validate_workflow, [(t,) for t in texts])
    for i, (t, g) in enumerate(zip(texts, got)):
        expected = oracle_validate(schema, t)
        check(isinstance(g, list) and all(isinstance(e, (list, tuple)) and len(e) == 2 for e in g),
              "validate_workflow should return a list of (path, message) pairs")
        check([tuple(e) for e in g] == expected,
              f"workflow text {i}: the errors differ from jsonschema's (every top-level error, JSON-pointer paths, sorted)")
    check(lab.validate_workflow(texts[1]) == [], "a bare 'on:' key is read as 'on'")
    for bad in ("jobs: [unclosed\n", "on: push\n  jobs: {\n", "a: 'b\n"):
        errors = lab.validate_workflow(bad)
        check(len(errors) == 1 and errors[0][0] == "" and errors[0][1].startswith("invalid YAML: "),
              "text that YAML cannot parse gives one error: ('', 'invalid YAML: ...')")
