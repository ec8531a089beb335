"""The course on disk: where labs live and what their manifests say."""

from __future__ import annotations

import ast
import json
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from autograder import settings
from autograder.errors import CourseError  # noqa: F401 - defined with the engine's other errors; importable from here


def course_root(start: Path | None = None) -> Path:
    """The course checkout: $AUTOGRADER_COURSE, else the nearest folder above
    ``start`` (default: the current folder) that has assignments/ or reference/."""
    configured = settings.get(settings.COURSE_ENV)
    if configured:
        return Path(configured).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "assignments").is_dir() or (folder / "reference").is_dir():
            return folder
    raise CourseError(f"no course found at or above {here} (set AUTOGRADER_COURSE)")


def load_schema(name: str) -> dict:
    return json.loads(resources.files("autograder.schemas").joinpath(name).read_text())


@dataclass(frozen=True)
class Band:
    max_ratio: float
    fraction: float


@dataclass(frozen=True)
class Kernel:
    name: str
    function: str
    inputs: str
    points: float
    bands: tuple[Band, ...]
    backward: bool = False
    requires: tuple[str, ...] = ()
    repeats: int = 15
    number: int = 3
    rtol: float = 1e-3

    def fraction_for(self, ratio: float) -> float:
        for band in sorted(self.bands, key=lambda b: b.max_ratio):
            if ratio <= band.max_ratio:
                return band.fraction
        return 0.0


@dataclass(frozen=True)
class Limits:
    call_s: float = 10.0
    test_s: float = 30.0
    total_s: float = 120.0
    memory_mb: int = 4096


@dataclass
class Lab:
    """One lab: its manifest and its folders."""

    root: Path
    manifest_path: Path
    data: dict = field(repr=False)

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def title(self) -> str:
        return self.data["title"]

    @property
    def week(self) -> int:
        return self.data["week"]

    @property
    def module(self) -> str:
        return self.data["module"]

    @property
    def entry(self) -> str:
        return self.data["entry"]

    @property
    def files(self) -> list[str]:
        return list(self.data["files"])

    @property
    def preload(self) -> list[str]:
        return list(self.data.get("preload", []))

    @cached_property
    def runner_preload(self) -> list[str]:
        """What a runner's zygote imports before forking it: the worker's ``preload``
        and the libraries the hidden tests import at their top level (``"pkg:Name"``
        for ``from pkg import Name``, which also loads a lazy package's submodule).
        transformers' model classes alone are 2-3 s of CPU per runner otherwise.
        Modules of the lab itself (the tests' helpers, the student's files) are
        never named: they must not be imported before the fork."""
        # from the raw data: manifest-sync reads a lab whose manifest may be incomplete
        submitted = {Path(f).stem for f in self.data.get("files", [])} | {str(self.data.get("entry", ""))}
        local = submitted | {p.stem for p in self.hidden_tests_dir.glob("*.py")} | {"conftest"}
        names = list(self.preload)
        for path in sorted(self.hidden_tests_dir.glob("*.py")):
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except (OSError, SyntaxError, ValueError):
                continue  # the runner reports it
            for node in tree.body:
                if isinstance(node, ast.Import):
                    found = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module != "__future__":
                    found = [f"{node.module}:{alias.name}" for alias in node.names if alias.name != "*"] or [node.module]
                else:
                    continue
                names += [n for n in found if n.split(":")[0].split(".")[0] not in local and n not in names]
        return names

    @property
    def points(self) -> float:
        return float(self.data["points"])

    @property
    def threads(self) -> int:
        """torch's intra-op threads in the worker: 1 unless the manifest says more. Graders
        run several workers side by side, each on its own CPU where they can; more threads
        than CPUs made the small-tensor labs 10-60x slower (lab11: 60 s -> 7 s, lab19:
        274 s -> 5 s of tests on 2 busy cores)."""
        return int(self.data.get("threads", 1))

    @property
    def gpu(self) -> bool:
        return bool(self.data.get("gpu", False))

    @property
    def tests(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.data["tests"].items()}

    @cached_property
    def limits(self) -> Limits:
        return Limits(**self.data.get("limits", {}))

    @cached_property
    def kernels(self) -> list[Kernel]:
        out = []
        for k in self.data.get("kernels", []):
            bands = tuple(Band(**b) for b in k["bands"])
            out.append(Kernel(**{**k, "bands": bands, "requires": tuple(k.get("requires", []))}))
        return out

    @cached_property
    def static_checks(self) -> list:
        from autograder.static_checks import StaticCheck

        return [StaticCheck.from_manifest(c) for c in self.data.get("static_checks", [])]

    # ---- folders ----------------------------------------------------------------------------------

    @property
    def reference_dir(self) -> Path:
        return self.root / "reference" / self.id

    @property
    def solution_dir(self) -> Path:
        return self.reference_dir / "solution"

    @property
    def hidden_tests_dir(self) -> Path:
        return self.reference_dir / "tests"

    @property
    def data_dir(self) -> Path:
        return self.reference_dir / "data"

    @property
    def variants_dir(self) -> Path:
        return self.reference_dir / "variants"

    @property
    def assignment_dir(self) -> Path:
        return self.root / "assignments" / self.id

    @property
    def public_tests_dir(self) -> Path:
        return self.assignment_dir / "tests"

    @property
    def handout_path(self) -> Path:
        return self.root / "handouts" / f"{self.id}.md"

    def variants(self) -> list[Path]:
        if not self.variants_dir.is_dir():
            return []
        return sorted(p for p in self.variants_dir.glob("*.py") if not p.name.startswith("_"))

    @property
    def timed_variants(self) -> list[str]:
        """Stems of the variants that are right but slow: they lose kernel points only."""
        return list(self.data.get("timed_variants", []))

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "week": self.week, "module": self.module, "points": self.points}


PUBLIC_INDEX = "assignments/labs.json"  # the student bundle's stand-in for the manifests


def load_toml(path: Path, schema: str) -> dict:
    """Parse a TOML course file and check it against one of our schemas;
    errors name the file, the place in it and the problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise CourseError(f"{path}: not valid TOML: {exc}") from None
    validator = jsonschema.Draft202012Validator(load_schema(schema))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    if errors:
        where = "/".join(str(p) for p in errors[0].path) or "(top level)"
        raise CourseError(f"{path}: {where}: {errors[0].message}")
    return data


def load_manifest(path: Path) -> dict:
    """Parse and validate one manifest; errors name the file and the problem."""
    data = load_toml(path, "manifest.schema.json")
    if data["id"] != path.parent.name:
        raise CourseError(f"{path}: id {data['id']!r} does not match its folder {path.parent.name!r}")
    total = sum(data["tests"].values()) + sum(k["points"] for k in data.get("kernels", []))
    if abs(total - data["points"]) > 1e-9:
        raise CourseError(f"{path}: points = {data['points']} but tests and kernels add up to {total}")
    for kernel in data.get("kernels", []):
        unknown = [t for t in kernel.get("requires", []) if t not in data["tests"]]
        if unknown:
            raise CourseError(f"{path}: kernel {kernel['name']!r} requires {unknown[0]!r}, which is not in [tests] (parametrized tests need their full id)")
    return data


class Course:
    """All labs of a course checkout."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = (root or course_root()).resolve()

    def lab_ids(self) -> list[str]:
        ref = self.root / "reference"
        return sorted(p.parent.name for p in ref.glob("lab*/manifest.toml"))

    def lab(self, lab_id: str) -> Lab:
        path = self.root / "reference" / lab_id / "manifest.toml"
        if not path.is_file():
            known = ", ".join(self.lab_ids()) or "none"
            raise CourseError(f"unknown lab {lab_id!r} (no {path}); labs: {known}")
        return Lab(self.root, path, load_manifest(path))

    def labs(self, ids: list[str] | None = None) -> list[Lab]:
        return [self.lab(i) for i in (ids or self.lab_ids())]

    def summaries(self) -> list[dict[str, Any]]:
        """Each lab's id, title, week, module and points: from the manifests, or
        in a student bundle (no reference/) from its public index."""
        if self.lab_ids():
            return [lab.summary() for lab in self.labs()]
        return [{k: lab[k] for k in ("id", "title", "week", "module", "points")} for lab in public_index(self.root)]


def public_index(root: Path) -> list[dict[str, Any]]:
    """The student bundle's lab index (``assignments/labs.json``), or [] when there is none."""
    try:
        data = json.loads((root / PUBLIC_INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return data if isinstance(data, list) else []
