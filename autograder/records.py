"""What the grading process and the runner tell each other, as typed records.

The grading process writes a :class:`RunnerConfig` for each runner; the
runner appends :data:`Record`\\ s to its results file, one JSON line each,
and the grading process reads them back with :func:`read_results` to build
the report. Both ends use these classes, so a field is named in one place
and every value is checked when it is read: a malformed line is an error
naming the file, never a ``KeyError`` deep in the report code.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar, Union

from autograder.errors import GraderError


class RecordError(GraderError):
    """A runner's config or results file does not hold what it must (a grader bug, never the student's)."""


def _check(cls: type, data: Any, where: str) -> dict:
    """The fields of ``cls`` from ``data``, each of the JSON type its annotation names."""
    if not isinstance(data, dict):
        raise RecordError(f"{where}: expected an object for {cls.__name__}, got {type(data).__name__}")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise RecordError(f"{where}: {cls.__name__} has no field(s) {', '.join(unknown)}")
    for name, f in known.items():
        if name not in data:
            if f.default is MISSING and f.default_factory is MISSING:
                raise RecordError(f"{where}: {cls.__name__} lacks {name}")
            continue
        expected = _JSON_TYPES.get(str(f.type))
        if expected is not None and not isinstance(data[name], expected):
            raise RecordError(f"{where}: {cls.__name__}.{name} should be {f.type}, not {type(data[name]).__name__}")
    return data

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "bool": (bool,),
    "int": (int,),
    "float": (int, float),
    "list[str]": (list,),
    "dict": (dict,),
    "list[dict]": (list,),
    "int | None": (int, type(None)),
    "float | None": (int, float, type(None)),
    "list[str] | None": (list, type(None)),
}


# ---- the runner's configuration ----------------------------------------------------------------


@dataclass
class RunnerConfig:
    """One runner's job: which lab, the student's files, where verdicts go, what to hide.

    The kernel seed is not here: it goes in a file of its own (:data:`SEED_FILE`
    beside the config) that the runner reads only after forking its fork
    server, so no worker can ever hold it."""

    course_root: str
    lab_id: str
    files_dir: str
    results_path: str
    hide: list[str] = field(default_factory=list)
    timing: bool = True
    cpu: int | None = None
    select: list[str] = field(default_factory=list)  # only these test ids (a regrade); empty: all
    first_failure: bool = False  # stop at the first test that fails (validate's variants)

    SEED_FILE: ClassVar[str] = "seed"

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)))

    @classmethod
    def read(cls, path: Path) -> "RunnerConfig":
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise RecordError(f"{path}: cannot read the runner's config: {exc}") from None
        return cls(**_check(cls, data, str(path)))


# ---- the results stream --------------------------------------------------------------------------


@dataclass
class Collected:
    ids: list[str]
    TAG: ClassVar[str] = "collected"


@dataclass
class IsolationRecord:
    warnings: list[str]
    TAG: ClassVar[str] = "isolation"


@dataclass
class DeviceRecord:
    """What the kernels ran on, as the runner saw it (a CPU model, or a GPU and its driver)."""

    description: str
    TAG: ClassVar[str] = "device"


@dataclass
class TestVerdict:
    id: str
    outcome: str  # "passed" or "failed"
    kind: str = "passed"
    description: str = ""
    feedback: str = ""
    time_s: float = 0.0
    details: str = ""  # pytest's long report: the staff log, never the student
    calls: int = 0
    TAG: ClassVar[str] = "test"


@dataclass
class PytestExit:
    code: int
    tests_s: float
    TAG: ClassVar[str] = "pytest_exit"


@dataclass
class KernelVerdict:
    result: dict  # timing.KernelResult.to_json()
    TAG: ClassVar[str] = "kernel"


@dataclass
class WorkerSummary:
    incidents: list[dict]
    restarts: int
    output: str
    busy_s: float
    requests: int
    TAG: ClassVar[str] = "worker"


@dataclass
class Done:
    runner_s: float
    TAG: ClassVar[str] = "done"


Record = Union[Collected, IsolationRecord, DeviceRecord, TestVerdict, PytestExit, KernelVerdict, WorkerSummary, Done]
_BY_TAG: dict[str, type] = {cls.TAG: cls for cls in (Collected, IsolationRecord, DeviceRecord, TestVerdict, PytestExit, KernelVerdict, WorkerSummary, Done)}


def encode(record: Record) -> str:
    """One line of the results file."""
    return json.dumps({"type": record.TAG, **asdict(record)})


def emit(path: Path, record: Record) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(encode(record) + "\n")


def decode(line: str, where: str = "results") -> Record:
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise RecordError(f"{where}: not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("type") not in _BY_TAG:
        raise RecordError(f"{where}: unknown record {str(data)[:80]!r}")
    cls = _BY_TAG[data.pop("type")]
    return cls(**_check(cls, data, where))


def read_results(path: Path) -> list[Record]:
    """Every record of a results file, in order; a half-written last line (the
    runner was killed while writing it) is dropped."""
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    out: list[Record] = []
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            out.append(decode(line, f"{path}:{i}"))
        except RecordError:
            if i == len(lines):
                break
            raise
    return out
