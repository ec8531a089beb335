"""The handouts as a static HTML site: one page per lab and a course index.

Each lab page is the lab's markdown handout (``handouts/labNN_slug.md``) plus
three sections generated from the course files, so they cannot drift from
what is graded:

- **API**: the public functions, classes, methods and constants of the stub
  (``assignments/LAB/<file>.py``), with their signatures and docstrings. The
  stub is parsed with :mod:`ast`, never imported.
- **Graded tests**: the manifest's point breakdown, one row per hidden test
  function (the points of its parametrised cases summed), and the timed
  kernels with their bands. Only test *names* and points come from the
  hidden side; never test source or reference code.
- **Testing locally**, when the handout has no such section.

Pages are self-contained (inline CSS, no scripts, no external assets) and
link to each other relatively, so the site works from ``file://`` and
inside a zip.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from autograder.course import Course, CourseError, Lab

#: Module titles from the syllabus, shown in the index and on each page.
MODULE_TITLES = {
    "I": "Foundations of NLP and Text Data",
    "II": "Word Embeddings and Language Modeling",
    "III": "Transformer Architectures and their Components",
    "IV": "Understanding Key LLM Architectures",
    "V": "Pre-training Large Language Models",
    "VI": "Fine-tuning LLMs for Downstream Tasks",
    "VII": "Parameter-Efficient Fine-Tuning (PEFT) and RLHF",
    "VIII": "Optimizing LLM Training",
    "IX": "LLM Inference and Optimization",
    "X": "Deploying LLMs",
    "XI": "LLM Applications",
    "XII": "Advanced Topics and Future Directions",
}

_CONSTANT = re.compile(r"^[A-Z][A-Z0-9_]*$")
_MAX_VALUE_CHARS = 300


class HandoutError(CourseError):
    """A course file the site cannot be built from; the message names the file."""


# ---- the stub's API, read with ast -----------------------------------------------------------------


@dataclass
class ApiItem:
    """One public name of a stub: ``kind`` is function, class, method or constant."""

    kind: str
    name: str
    signature: str
    doc: str = ""
    members: list[ApiItem] = field(default_factory=list)


@dataclass
class StubApi:
    file: str
    doc: str
    items: list[ApiItem]


def _signature(node: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[str]) -> str:
    """The def as written in the stub (decorators and line breaks kept), without the colon."""
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    body_line = node.body[0].lineno
    if body_line > node.lineno:
        text = textwrap.dedent("\n".join(lines[first - 1 : body_line - 1])).rstrip()
        text = "\n".join(line for line in text.splitlines() if line.strip())
        if text.endswith(":"):
            return text[:-1]
    # a one-line def: rebuild it
    decorators = "".join(f"@{ast.unparse(d)}\n" for d in node.decorator_list)
    prefix = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
    return f"{decorators}{prefix} {node.name}({ast.unparse(node.args)}){returns}"


def _public_method(name: str) -> bool:
    return not name.startswith("_") or name in ("__init__", "__call__", "__len__", "__iter__", "__getitem__")


def _constant_doc(lines: list[str], lineno: int) -> str:
    """The ``#:`` comment lines right above line ``lineno`` (1-based), as text."""
    doc: list[str] = []
    i = lineno - 2
    while i >= 0 and lines[i].lstrip().startswith("#:"):
        doc.insert(0, lines[i].lstrip()[2:].strip())
        i -= 1
    return " ".join(doc)


def _constant(node: ast.stmt, source: str, lines: list[str]) -> ApiItem | None:
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target, value, annotation = node.targets[0], node.value, None
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        target, value, annotation = node.target, node.value, node.annotation
    else:
        return None
    if not (isinstance(target, ast.Name) and _CONSTANT.match(target.id)):
        return None
    text = ast.get_source_segment(source, value) or ast.unparse(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[:_MAX_VALUE_CHARS].rstrip() + " ..."
    hint = f": {ast.unparse(annotation)}" if annotation is not None else ""
    return ApiItem("constant", target.id, f"{target.id}{hint} = {text}", _constant_doc(lines, node.lineno))


def stub_api(path: Path) -> StubApi:
    """The public API of one stub file, parsed (never imported).

    Public means: module-level functions and classes whose name does not start
    with ``_``, their public methods (plus ``__init__``, ``__call__`` and the
    container protocol), and UPPER_CASE module constants.
    """
    try:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, filename=str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise HandoutError(f"{path}: cannot read the stub: {exc}") from None
    except SyntaxError as exc:
        raise HandoutError(f"{path}:{exc.lineno}: the stub is not valid Python: {exc.msg}") from None
    lines = source.splitlines()
    items: list[ApiItem] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_"):
            items.append(ApiItem("function", node.name, _signature(node, lines), ast.get_docstring(node) or ""))
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            bases = [ast.unparse(b) for b in node.bases] + [ast.unparse(k) for k in node.keywords]
            header = f"class {node.name}({', '.join(bases)})" if bases else f"class {node.name}"
            methods = [
                ApiItem("method", m.name, _signature(m, lines), ast.get_docstring(m) or "")
                for m in node.body
                if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and _public_method(m.name)
            ]
            items.append(ApiItem("class", node.name, header, ast.get_docstring(node) or "", methods))
        else:
            constant = _constant(node, source, lines)
            if constant:
                items.append(constant)
    return StubApi(path.name, ast.get_docstring(tree) or "", items)


def lab_api(lab: Lab) -> list[StubApi]:
    """The API of every submitted Python file of ``lab``, in manifest order."""
    out = []
    for name in lab.files:
        path = lab.assignment_dir / name
        if name.endswith(".py"):
            if not path.is_file():
                raise HandoutError(f"{path}: the manifest lists {name} but the stub is missing")
            out.append(stub_api(path))
    return out


# ---- the point breakdown from the manifest ---------------------------------------------------------


@dataclass
class TestGroup:
    name: str  # "test_hidden.py::test_words_hand_cases"
    cases: int
    points: float


def test_groups(lab: Lab) -> list[TestGroup]:
    """The manifest's tests grouped by test function (parametrised ids summed), in manifest order."""
    groups: dict[str, TestGroup] = {}
    for test_id, points in lab.tests.items():
        name = test_id.split("[", 1)[0]
        group = groups.setdefault(name, TestGroup(name, 0, 0.0))
        group.cases += 1
        group.points += points
    return list(groups.values())


def _percent(fraction: float) -> str:
    return f"{100 * fraction:g} %"


def kernel_rows(lab: Lab) -> list[dict]:
    rows = []
    for k in lab.kernels:
        bands = [
            f"≤ {b.max_ratio:g}× the reference's time: {_percent(b.fraction)}"
            for b in sorted(k.bands, key=lambda b: b.max_ratio)
        ]
        rows.append(
            {
                "name": k.name,
                "function": k.function,
                "backward": k.backward,
                "points": k.points,
                "bands": bands,
                "requires": [r.split("::")[-1] for r in k.requires],
            }
        )
    return rows


# ---- rendering ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _env():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("autograder", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _markdown():
    """A converter that treats raw HTML in a handout as text, so pages stay self-contained."""
    import markdown

    md = markdown.Markdown(extensions=["fenced_code", "tables", "sane_lists", "toc"])
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def page_name(lab: Lab) -> str:
    return f"{lab.id}.html"


def module_label(module: str) -> str:
    title = MODULE_TITLES.get(module)
    return f"Module {module}: {title}" if title else f"Module {module}"


_H1 = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_H2 = re.compile(r'(?=<h2[ >])')
_H2_TITLE = re.compile(r'<h2(?: id="([^"]*)")?>(.*?)</h2>', re.S)
_TAG = re.compile(r"<[^>]+>")


def _split_title(text: str) -> tuple[str | None, str]:
    """The handout's leading ``# Title`` (if any) and the rest of the text."""
    lines = text.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and (m := _H1.match(lines[0])):
        return m.group(1), "\n".join(lines[1:])
    return None, "\n".join(lines)


def handout_sections(text: str) -> tuple[str | None, list[dict]]:
    """Render a handout; return its title and its parts split at each ``##`` heading.

    Each part is ``{"id", "title", "html"}``; the first (text before any
    ``##``) has an empty title.
    """
    from markupsafe import Markup

    title, body = _split_title(text)
    html = _markdown().convert(body)
    parts = []
    for chunk in _H2.split(html):
        if not chunk.strip():
            continue
        m = _H2_TITLE.match(chunk)
        heading = _TAG.sub("", m.group(2)).strip() if m else ""
        parts.append({"id": (m.group(1) or "") if m else "", "title": heading, "html": Markup(chunk)})
    return title, parts


def _place_generated(parts: list[dict]) -> list[dict]:
    """The page's sections in order: the handout's, with the generated ones placed in.

    API goes after Tasks, the graded tests after Points; either goes before
    Testing/Submitting when the handout lacks its anchor, else at the end.
    A generated "Testing locally" is added (before Submitting) when the
    handout has none.
    """
    out: list[dict] = []
    placed: set[str] = set()
    has_testing = any("testing" in p["title"].lower() for p in parts)

    def place(*kinds: str) -> None:
        for kind in kinds:
            if kind not in placed and not (kind == "testing" and has_testing):
                out.append({"kind": kind})
                placed.add(kind)

    for part in parts:
        name = part["title"].lower()
        if name.startswith("point"):
            place("api")
        if "testing" in name:
            place("api", "points")
        if name.startswith("submit"):
            place("api", "points", "testing")
        out.append({"kind": "handout", **part})
        if name.startswith("task"):
            place("api")
        if name.startswith("point"):
            place("points")
    place("api", "points", "testing")
    return out


GENERATED_TITLES = {"api": "API (from the stub)", "points": "Graded tests", "testing": "Testing locally"}


def render_lab(course: Course, lab: Lab, labs: list[Lab]) -> str:
    """One lab's page as HTML."""
    path = lab.handout_path
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise HandoutError(f"{path}: cannot read the handout: {exc}") from None
        title, parts = handout_sections(text)
        missing = False
    else:
        title, parts, missing = None, [], True
    sections = _place_generated(parts)
    for s in sections:
        if s["kind"] != "handout":
            s["id"] = f"generated-{s['kind']}"
            s["title"] = GENERATED_TITLES[s["kind"]]
    i = labs.index(lab)
    return _env().get_template("handout.html.j2").render(
        lab=lab,
        title=title or f"{lab.id}: {lab.title}",
        module=module_label(lab.module),
        sections=sections,
        missing_handout=missing,
        api=lab_api(lab),
        groups=test_groups(lab),
        kernels=kernel_rows(lab),
        tests_total=sum(lab.tests.values()),
        prev=labs[i - 1] if i > 0 else None,
        next=labs[i + 1] if i + 1 < len(labs) else None,
        page_name=page_name,
    )


def course_modules(labs: list[Lab]) -> list[dict]:
    """Labs grouped by module (modules in order of their first week), each sorted by week."""
    by_module: dict[str, list[Lab]] = {}
    for lab in sorted(labs, key=lambda l: (l.week, l.id)):
        by_module.setdefault(lab.module, []).append(lab)
    return [{"label": module_label(m), "labs": ls, "points": sum(l.points for l in ls)} for m, ls in by_module.items()]


def render_index(labs: list[Lab]) -> str:
    return _env().get_template("course_index.html.j2").render(
        modules=course_modules(labs), total=sum(l.points for l in labs), count=len(labs), page_name=page_name
    )


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise HandoutError(f"{path}: cannot write: {exc}") from None


def build_site(course: Course, out_dir: Path) -> Path:
    """Render every lab's page and the course index into ``out_dir``; return the index's path.

    Writes ``index.html`` and one ``labNN_slug.html`` per lab, side by side;
    other files in ``out_dir`` are left alone.
    """
    try:
        labs = sorted(course.labs(), key=lambda l: (l.week, l.id))
    except CourseError as exc:
        raise HandoutError(str(exc)) from None
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HandoutError(f"{out_dir}: cannot create: {exc}") from None
    for lab in labs:
        _write(out_dir / page_name(lab), render_lab(course, lab, labs))
    index = out_dir / "index.html"
    _write(index, render_index(labs))
    return index
