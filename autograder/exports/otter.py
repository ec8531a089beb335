"""Export a lab for Otter-Grader 7: exception-based test files, otter_config.json,
requirements.txt and the checks as a package.

Layout written into the output folder (what ``otter generate`` reads there)::

    otter_config.json
    requirements.txt           the course's grader: the checks import autograder.plugin
    tests/qNN_<test>.py        one Otter test file per hidden test function;
                               one test_case per manifest test id, its points from [tests]
    <lab>_checks/              the checks, a namespace package (``otter generate ... <lab>_checks``
        checks.py              puts it next to the submission): check(env, test_id) runs
        config.json            the hidden suite once, in-process, and caches the outcomes
        grader/                the grader's source, which requirements.txt installs
        pytest.ini
        reference/<lab>/       manifest.toml, tests/, data/ (and solution/ only if the
                               hidden tests use the ``reference`` fixture)
    README.md                  how to build the zip and grade, and what Otter's model means

The package has no ``__init__.py`` on purpose: Otter makes the submission folder
and its parent packages, and pytest would import a regular package above the
hidden tests as ``autograder.submission.<lab>_checks``, clashing with our own
``autograder``.

Otter runs tests inside the student's process: everything in the checks
package is readable by student code and every outcome can be forged by it.
Kernels are not timed under Otter, so the Otter total is the tests' points.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from importlib import metadata, resources
from pathlib import Path

from autograder.course import Course, CourseError, Lab
from autograder.errors import OutputError
from autograder.exports.gradescope import TORCH
from autograder.shipping import copy_tree, package_root

DISTRIBUTION = "llm-course-autograder"
OTTER_SOURCE = "/autograder/source"  # where Otter's setup unpacks the zip on Gradescope
OWNED = ("otter_config.json", "requirements.txt", "README.md", "tests")  # plus <lab>_checks/


def export_lab(course: Course, lab: Lab, out_dir: Path) -> Path:
    """Write the Otter-Grader files for ``lab`` into ``out_dir`` and return it.

    ``out_dir`` must be absent, empty or a previous Otter export (whose files
    are replaced); anything else raises :class:`OutputError` naming it."""
    out_dir = Path(out_dir)
    package = checks_package_name(lab)
    _prepare(out_dir, package)
    questions = group_tests(lab)
    tests_dir = out_dir / "tests"
    tests_dir.mkdir()
    for name, cases in questions.items():
        (tests_dir / f"{name}.py").write_text(test_file_source(lab, package, name, cases), encoding="utf-8")
    ships_solution = write_checks_package(lab, out_dir / package)
    ships_grader = write_grader_source(out_dir / package / "grader")
    (out_dir / "otter_config.json").write_text(json.dumps(otter_config(), indent=2) + "\n", encoding="utf-8")
    (out_dir / "requirements.txt").write_text(requirements_text(package, ships_grader), encoding="utf-8")
    (out_dir / "README.md").write_text(readme_text(lab, package, ships_solution), encoding="utf-8")
    return out_dir


def checks_package_name(lab: Lab) -> str:
    return f"{lab.id}_checks"


def _prepare(out_dir: Path, package: str) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir} is a file; --out must be a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / "otter_config.json").is_file():
        raise OutputError(f"{out_dir} is not empty and is not an Otter export; choose an empty or new folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in (*OWNED, package):
        path = out_dir / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


# ---- test files ---------------------------------------------------------------------------------------


def group_tests(lab: Lab) -> dict[str, dict[str, float]]:
    """{question name: {manifest test id: points}}: one question per hidden test
    function, in manifest order; a parametrised test's cases share a question."""
    groups: dict[str, dict[str, float]] = {}
    several_files = len({test_id.split("::")[0] for test_id in lab.tests}) > 1
    for test_id, points in lab.tests.items():
        groups.setdefault(test_id.split("[")[0], {})[test_id] = points
    named = {}
    for number, (function_id, cases) in enumerate(groups.items(), start=1):
        parts = function_id.split("::")
        label = "_".join(p.removesuffix(".py") for p in parts) if several_files else "_".join(parts[1:])
        label = re.sub(r"\W+", "_", label.removeprefix("test_")).strip("_")
        named[f"q{number:02d}_{label}"] = cases
    return named


def _number(points: float) -> str:
    return str(int(points)) if float(points).is_integer() else repr(float(points))


def test_file_source(lab: Lab, package: str, name: str, cases: dict[str, float]) -> str:
    """An Otter exception-based test file: each case passes the student's
    globals (``env``) to the checks package, which raises AssertionError with
    our feedback when the hidden test failed."""
    lines = [
        f'"""Otter-Grader test file for {lab.id}, written by `autograder export otter`.',
        "",
        f"Each case is one hidden test of the lab; the checks live in the {package} package.",
        '"""',
        "",
        "OK_FORMAT = False",
        "",
        "from otter.test_files import test_case",
        "",
        f"name = {name!r}",
        f"points = {_number(sum(cases.values()))}",
    ]
    for number, (test_id, points) in enumerate(cases.items(), start=1):
        lines += [
            "",
            "",
            f"@test_case(name={test_id!r}, points={_number(points)}, hidden=True)",
            f"def case_{number}(env):",
            f"    from {package}.checks import check",
            "",
            f"    check(env, {test_id!r})",
        ]
    return "\n".join(lines) + "\n"


# ---- the checks package -------------------------------------------------------------------------------


def uses_reference_fixture(tests_dir: Path) -> bool:
    """Whether any function in the hidden tests takes the ``reference`` fixture."""
    for path in sorted(tests_dir.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError as exc:
            raise CourseError(f"{path}: not valid Python: {exc}") from None
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
                if any(a.arg == "reference" for a in args):
                    return True
    return False


def write_checks_package(lab: Lab, folder: Path) -> bool:
    """Write the checks package; return whether it ships the reference solution."""
    lab_dir = folder / "reference" / lab.id  # the plugin finds manifest, data and solution by this shape
    lab_dir.mkdir(parents=True)
    shutil.copy2(lab.manifest_path, lab_dir / "manifest.toml")
    copy_tree(lab.hidden_tests_dir, lab_dir / "tests")
    if lab.data_dir.is_dir():
        copy_tree(lab.data_dir, lab_dir / "data")
    ships_solution = uses_reference_fixture(lab.hidden_tests_dir)
    if ships_solution:
        copy_tree(lab.solution_dir, lab_dir / "solution")
    template = resources.files("autograder.exports").joinpath("otter_templates/checks.py")
    (folder / "checks.py").write_text(template.read_text(encoding="utf-8"), encoding="utf-8")
    config = {"lab": lab.id, "entry": lab.entry, "test_timeout_s": int(lab.limits.test_s * 2 + 30)}
    (folder / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return ships_solution


# ---- configuration and documentation ------------------------------------------------------------------


def otter_config() -> dict:
    """Hidden test cases, but their feedback is shown after grading, as in our reports."""
    return {"lang": "python", "show_hidden": True, "show_stdout": False}


def write_grader_source(folder: Path) -> bool:
    """Copy the grader's source (pyproject.toml, README.md, autograder/) into
    ``folder`` when this package runs from a course checkout; return whether it did."""
    root = package_root()
    if not all((root / name).is_file() for name in ("pyproject.toml", "README.md")):
        return False
    folder.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(root / name, folder / name)
    copy_tree(root / "autograder", folder / "autograder")
    return True


def requirements_text(package: str, ships_grader: bool) -> str:
    """requirements.txt for ``otter generate``: torch's CPU build (the course's pin) and the
    grader, from the copy shipped in the checks (where Otter unpacks it on Gradescope),
    else by name."""
    if ships_grader:
        grader = f"{DISTRIBUTION} @ file://{OTTER_SOURCE}/files/{package}/grader"
        how = "# The course's grader, shipped in the checks package (Otter unpacks it at this path).\n"
    else:
        try:
            grader = f"{DISTRIBUTION}=={metadata.version(DISTRIBUTION)}"
        except metadata.PackageNotFoundError:
            grader = DISTRIBUTION
        how = "# The course's grader. If it is not on your package index, replace this line with a git URL or a wheel.\n"
    return (
        how
        + "# The checks import autograder.plugin and autograder.testing; it brings the labs' oracle libraries.\n"
        + "--extra-index-url https://download.pytorch.org/whl/cpu\n"
        + f"{TORCH}\n"
        + f"{grader}\n"
    )


def readme_text(lab: Lab, package: str, ships_solution: bool) -> str:
    test_points = sum(lab.tests.values())
    kernel_points = sum(k.points for k in lab.kernels)
    kernels = (
        f"Timed kernels ({', '.join(k.name for k in lab.kernels)}; {kernel_points:g} points) are not graded "
        f"under Otter: it cannot time them fairly. The Otter total is {test_points:g}, not {lab.points:g}.\n"
        if lab.kernels
        else f"The Otter total is {test_points:g} points, as in the course's own grading.\n"
    )
    solution = (
        f"- `{package}/reference/{lab.id}/solution/`: the REFERENCE SOLUTION, because the hidden tests\n"
        "  compare against it (the `reference` fixture). Student code can read it while grading.\n"
        if ships_solution
        else ""
    )
    return f"""# {lab.id} for Otter-Grader 7

Written by `autograder export otter {lab.id}`. Students submit `{lab.files[0]}`
(one Python script) or a notebook that defines the same names.

## Build the autograder zip and grade

```sh
cd this-folder
otter generate {package}                   # autograder.zip for Gradescope (add --python-version 3.11 if needed)
otter run -a autograder.zip {lab.files[0]}     # grade one submission here, without Docker
```

`otter run` needs `otter-grader[grading]` (it executes the submission in a
Jupyter kernel) and the course's grader installed (`requirements.txt`).

## What is here

- `tests/qNN_*.py`: Otter exception-based test files, one per hidden test function;
  each test case is one test id of the manifest with its points.
- `{package}/`: the checks. The first test case runs the lab's hidden pytest suite
  once, in the student's process, against the student's global names, and every case
  reports its own test's outcome with the same feedback as the course's reports.
- `{package}/reference/{lab.id}/`: the manifest, the hidden tests and their data.
{solution}- `{package}/grader/` (when exported from a course checkout): the grader's source;
  `requirements.txt` installs it from where Otter unpacks it on Gradescope, with
  torch's CPU build. `otter run` installs nothing: it uses the grader installed here.

{kernels}
## Security: Otter's model, not ours

Otter runs the tests inside the student's process and copies them next to the
submission. Student code can therefore read the hidden tests and their data,
and can forge any outcome (patch `check`, the cached results, pytest, numpy).
None of the course grader's defences apply here: no separate worker process,
no sandbox, no time or memory limits beyond a per-test alarm. Use this export
where Otter's trust model is acceptable; grade with `autograder grade` where
it is not (see docs/architecture.md).
"""
