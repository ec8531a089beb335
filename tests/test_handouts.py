"""The handouts site: one self-contained page per lab, a course index, and the stub's API pulled from its code."""

import ast
import html
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.course import Course
from autograder.handouts import HandoutError, build_site
from conftest import REPO

LAB02 = "lab02_text_statistics"
HREF = re.compile(r'(?:href|src)="([^"]*)"')
ID = re.compile(r'\bid="([^"]*)"')


def text_of(page: str) -> str:
    """The page as a reader sees it: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    index = build_site(Course(REPO), tmp_path_factory.mktemp("site") / "site")
    assert index.name == "index.html" and index.is_file()
    return index.parent


@pytest.fixture(scope="module")
def lab02_page(site: Path) -> str:
    return (site / f"{LAB02}.html").read_text(encoding="utf-8")


def test_index_links_every_lab_by_module_and_week(site: Path):
    """The index links to one existing page per lab, grouped under module headings, weeks in order."""
    course = Course(REPO)
    index = (site / "index.html").read_text(encoding="utf-8")
    links = [h for h in HREF.findall(index) if not h.startswith("#")]
    assert sorted(links) == sorted(f"{lab_id}.html" for lab_id in course.lab_ids())
    for link in links:
        assert (site / link).is_file(), link
    assert "Module I: Foundations of NLP and Text Data" in index
    assert "Module III:" in index
    weeks = [course.lab(link.removesuffix(".html")).week for link in links]
    assert weeks == sorted(weeks)


def test_every_link_resolves_within_the_site(site: Path):
    """Links are relative and lead to a page of the site, anchors to an id on the page."""
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        ids = set(ID.findall(text))
        for href in HREF.findall(text):
            target, _, anchor = href.partition("#")
            if target:
                assert not re.match(r"^[a-z]+:|^/", target), f"{page.name}: non-relative link {href}"
                assert (site / target).is_file(), f"{page.name}: broken link {href}"
            elif anchor:
                assert anchor in ids, f"{page.name}: no id for #{anchor}"
        if page.name != "index.html":
            assert 'href="index.html"' in text


def test_pages_are_self_contained(site: Path):
    """No scripts, stylesheets, images, fonts or anything else fetched from outside the page."""
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<style>" in text, page.name
        for tag in ("<script", "<link", "<img", "<iframe", "@import", "url("):
            assert tag not in text, f"{page.name} has {tag}"
        for ref in HREF.findall(text):
            assert not re.match(r"^(https?:)?//", ref), f"{page.name} fetches {ref}"


def test_lab_page_shows_the_stub_api_from_its_code(lab02_page: str):
    """Every public function of the stub appears with its signature and the first line of its docstring."""
    stub = REPO / "assignments" / LAB02 / "text_stats.py"
    tree = ast.parse(stub.read_text(encoding="utf-8"))
    text = text_of(lab02_page)
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
    assert len(functions) >= 10
    for fn in functions:
        first_arg = fn.args.args[0].arg if fn.args.args else ""
        assert re.search(rf"def {fn.name}\({first_arg}", text), fn.name
        assert ast.get_docstring(fn).splitlines()[0] in text, fn.name
    assert "def top_k(frequencies: Mapping[str, int], k: int) -> list[tuple[str, int]]" in text
    assert 'WORD_PATTERN = r"[^\\W_]+' in text  # constants the tasks name


def test_lab_page_shows_the_points_from_the_manifest(lab02_page: str):
    """One row per hidden test function, parametrised cases summed, and the lab's total."""
    lab = Course(REPO).lab(LAB02)
    groups: dict[str, list[float]] = {}
    for test_id, points in lab.tests.items():
        groups.setdefault(test_id.split("[")[0], []).append(points)
    row = r'<tr><td><code>([^<]+)</code></td><td class="num">(\d+)</td><td class="num">([\d.]+)</td></tr>'
    rows = re.findall(row, lab02_page)
    assert {name: (int(cases), float(points)) for name, cases, points in rows} == {
        name: (len(p), sum(p)) for name, p in groups.items()
    }
    assert any(int(cases) > 1 for _, cases, _ in rows)  # a parametrised test is one row, its cases summed
    assert "Total: 100 points." in text_of(lab02_page)
    for heading in ("Goals", "Background", "Tasks", "API (from the stub)", "Graded tests", "Testing locally", "Submitting"):
        assert f">{heading}</h2>" in lab02_page, heading


def test_kernels_show_their_bands(site: Path):
    """A lab with a timed kernel lists it with its points and speed bands."""
    text = text_of((site / "lab15_self_attention.html").read_text(encoding="utf-8"))
    assert "Timed kernels" in text and "scaled_dot_product_attention" in text
    assert "≤ 1.5× the reference's time: 100 %" in text and "≤ 3× the reference's time: 50 %" in text


def test_no_hidden_test_or_solution_code_on_the_page(lab02_page: str):
    """Lines of the hidden tests and of the solution that the stub does not share never reach the page."""
    public = set()
    for path in (REPO / "assignments" / LAB02).rglob("*.py"):
        public |= {line.strip() for line in path.read_text(encoding="utf-8").splitlines()}
    page_lines = {line.strip() for line in text_of(lab02_page).splitlines()}
    ref = REPO / "reference" / LAB02
    for path in [*ref.glob("tests/*.py"), *ref.glob("solution/*.py")]:
        secret = {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) >= 30}
        assert not (secret - public) & page_lines, path.name


# ---- a lab without a handout, odd handouts and stubs (the toy course) ------------------------------


def test_lab_without_handout_still_gets_api_points_and_testing(toy_course: Course, tmp_path: Path):
    build_site(toy_course, tmp_path / "site")
    page = (tmp_path / "site" / "lab98_toy.html").read_text(encoding="utf-8")
    text = text_of(page)
    assert "handout is not written yet" in text
    assert "def describe(values)" in text and "class Counter" in text and "def __init__(self, start=0)" in text
    assert "test_hidden.py::test_matmul_and_grad" in text and "matmul" in text and "Total: 12 points." in text
    assert "autograder test lab98_toy" in text and "pytest assignments/lab98_toy" in text


def test_raw_html_in_a_handout_is_shown_as_text(toy_course: Course, tmp_path: Path):
    """A handout cannot pull in outside assets: raw HTML is escaped."""
    (toy_course.root / "handouts").mkdir()
    (toy_course.root / "handouts" / "lab98_toy.md").write_text(
        '# Toy\n\n## Goals\n\n<img src="https://example.com/x.png"> and <script src="http://x/y.js"></script>\n\n'
        "## Tasks\n\nDo it.\n\n## Testing locally\n\nRun the tests.\n"
    )
    build_site(toy_course, tmp_path / "site")
    page = (tmp_path / "site" / "lab98_toy.html").read_text(encoding="utf-8")
    assert "<img" not in page and "<script" not in page
    assert "&lt;img" in page
    assert page.index(">Tasks</h2>") < page.index(">API (from the stub)</h2>") < page.index(">Graded tests</h2>")
    assert page.count(">Testing locally</h2>") == 1  # the handout's own, no generated one


def test_stub_is_parsed_never_imported(toy_course: Course, tmp_path: Path):
    stub = toy_course.root / "assignments" / "lab98_toy" / "toy.py"
    stub.write_text('import sys\nsys.exit("imported!")\n\n\ndef add(a, b):\n    """Add."""\n    raise NotImplementedError\n')
    build_site(toy_course, tmp_path / "site")
    assert "def add(a, b)" in text_of((tmp_path / "site" / "lab98_toy.html").read_text(encoding="utf-8"))


def test_broken_stub_is_a_clear_error(toy_course: Course, tmp_path: Path, monkeypatch):
    stub = toy_course.root / "assignments" / "lab98_toy" / "toy.py"
    stub.write_text("def add(a, b:\n    pass\n")
    with pytest.raises(HandoutError, match=r"toy\.py:1: the stub is not valid Python"):
        build_site(toy_course, tmp_path / "site")
    monkeypatch.setenv("AUTOGRADER_COURSE", str(toy_course.root))
    result = CliRunner().invoke(main, ["handouts", "build", "--out", str(tmp_path / "cli")])
    assert result.exit_code == 1 and "toy.py" in result.output and "Traceback" not in result.output


def test_cli_builds_the_site(toy_course: Course, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("AUTOGRADER_COURSE", str(toy_course.root))
    result = CliRunner().invoke(main, ["handouts", "build", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "index.html").is_file() and (tmp_path / "out" / "lab98_toy.html").is_file()
