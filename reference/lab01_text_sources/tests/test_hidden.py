"""Hidden tests for lab 01 (text data sources and formats).

There is no oracle library for these formats, so the expected values are
known by construction: the Gutenberg books in ``data/gutenberg`` were
written by wrapping a known body in each header/footer style
(``data/make_data.py``), the wiki dumps are built here or hand-written with
their clean texts listed below, and the Twitter pages are small recorded
responses whose expansion is easy to check by eye.

The streaming test builds a dump of about 16 MB of XML at test time out of a
few bz2 streams repeated (Wikipedia's multistream dumps are also
concatenated bz2 streams), and bounds the peak memory of the student's
``dump_statistics`` on it.
"""

from __future__ import annotations

import bz2
import html
import json
import random
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from autograder.testing import assert_equal, check

DOCUMENT_FIELDS = ("id", "title", "text", "source", "metadata")


def fields(doc, what: str) -> dict:
    """A Document (object or handle) as a dict of its five fields."""
    try:
        return {name: getattr(doc, name) for name in DOCUMENT_FIELDS}
    except AttributeError:
        raise AssertionError(f"{what}: expected a Document with fields {', '.join(DOCUMENT_FIELDS)}") from None


def error_name(exc: BaseException) -> str:
    """The class name of the student's exception (in grading mode, carried by the proxy)."""
    return getattr(exc, "type_name", None) or type(exc).__name__


def expect_error(fn, *args, expected: str = "MalformedSourceError", what: str) -> BaseException:
    """Call fn(*args); it must raise ``expected`` (a ValueError subclass defined in the module)."""
    try:
        result = fn(*args)
        if isinstance(result, Iterator):
            list(result)  # a generator raises while it is consumed
    except ValueError as exc:
        check(error_name(exc) == expected, f"{what}: raised {error_name(exc)}, expected {expected}")
        return exc
    raise AssertionError(f"{what}: nothing was raised, expected {expected}")


# ==== Project Gutenberg ===================================================================================

BOOKS = {
    # name: (file stem, metadata)
    "this_bom_crlf": (
        "pg1001",
        {"title": "The Lighthouse Keeper A Story of the Northern Coast", "author": "Margaret Ellery", "language": "English"},
    ),
    "the_new_style": ("pg1002", {"title": "The Blue Door", "author": "Thomas Whitcombe", "language": "English"}),
    "no_space_no_title": ("pg1003", {"title": "Letters from a Mill Town", "author": "Various", "language": "English"}),
    "old_small_print": ("orwal10", {"title": None, "author": None, "language": None}),
    "mixed_case": ("pg1005", {"title": "The Quiet Harbour", "author": "Clara Venn", "language": "English"}),
}


def book(lab, lab_data: Path, stem: str):
    return lab.read_gutenberg(lab.put_file(lab_data / "gutenberg" / f"{stem}.txt"))


def expected_body(lab_data: Path, stem: str) -> str:
    return (lab_data / "gutenberg" / f"{stem}.body.txt").read_text(encoding="utf-8").strip()


@pytest.mark.points(2)
@pytest.mark.parametrize("variant", list(BOOKS))
def test_gutenberg_marker_variant(lab, lab_data, variant):
    """read_gutenberg keeps exactly the body between the START and END markers of each marker style."""
    stem, _ = BOOKS[variant]
    doc = fields(book(lab, lab_data, stem), f"read_gutenberg of the '{variant}' book")
    assert_equal(doc["text"], expected_body(lab_data, stem), what=f"body of the '{variant}' book")


START_FORMS = [
    "*** START OF THIS PROJECT GUTENBERG EBOOK {T} ***",
    "*** START OF THE PROJECT GUTENBERG EBOOK {T} ***",
    "***START OF THE PROJECT GUTENBERG EBOOK {T}***",
    "***START OF THE PROJECT GUTENBERG EBOOK",
    "*** Start of this Project Gutenberg eBook {t} ***",
    "*** START OF THIS PROJECT GUTENBERG ETEXT {T} ***",
    "   *** START OF THE PROJECT GUTENBERG EBOOK {T} ***   ",
    "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*",
    "*END*THE SMALL PRINT! FOR COPYRIGHTED ETEXTS*Ver.02/11/02*END*",
]
END_FORMS = [
    "*** END OF THIS PROJECT GUTENBERG EBOOK {T} ***",
    "*** END OF THE PROJECT GUTENBERG EBOOK {T} ***",
    "***END OF THE PROJECT GUTENBERG EBOOK {T}***",
    "*** end of the project gutenberg ebook {t} ***",
    "End of the Project Gutenberg EBook of {t}, by Ann Author\n\n*** END OF THIS PROJECT GUTENBERG EBOOK {T} ***",
    "End of Project Gutenberg's {t}, by Ann Author",
    "End of The Project Gutenberg Etext of {t}",
    "END OF THE PROJECT GUTENBERG EBOOK {T}",
]
BODY_LINES = [
    "It was a bright cold day, and the clocks were silent.",
    "      *       *       *       *       *",
    "* * *",
    "She had read the whole Project Gutenberg catalogue twice.",
    "CHAPTER IV",
    "",
    "The end of the story is not the end of the book.",
    '"Start of what?" he asked.',
]
HEADER = "The Project Gutenberg EBook of {t}, by Ann Author\n\nTitle: {t}\n\nAuthor: Ann Author\n\nLanguage: English\n"
LICENSE = "\n*** START: FULL LICENSE ***\n\nTHE FULL PROJECT GUTENBERG LICENSE\n*** END: FULL LICENSE ***\n"


def generated_books() -> list[tuple[str, str]]:
    """(text, body) for every start x end marker form, with random bodies."""
    rng = random.Random(7)
    cases = []
    for i, start in enumerate(START_FORMS):
        for j, end in enumerate(END_FORMS):
            title = f"Book {i}-{j} of the Sea"
            fill = dict(t=title, T=title.upper())
            lines = [rng.choice(BODY_LINES) for _ in range(rng.randint(1, 8))] + [f"Line {i}.{j}."]
            body = "\n".join(lines).strip()
            gap = "\n" * rng.randint(1, 4)
            text = f"{HEADER.format(**fill)}\n{start.format(**fill)}{gap}{body}{gap}{end.format(**fill)}\n{LICENSE}"
            cases.append((text, body))
    return cases


@pytest.mark.points(2)
def test_strip_gutenberg_every_marker_combination(lab):
    """strip_gutenberg handles every combination of start and end marker forms (case, spacing, old styles)."""
    cases = generated_books()
    results = lab.map(lab.strip_gutenberg, [(text,) for text, _ in cases])
    for k, ((_, body), result) in enumerate(zip(cases, results)):
        i, j = divmod(k, len(END_FORMS))
        assert_equal(result, body, what=f"body with start marker form #{i} and end marker form #{j}")


@pytest.mark.points(2)
def test_gutenberg_metadata_of_books(lab, lab_data):
    """read_gutenberg reads title, author and language from the header (continuation lines, any case, missing -> None)."""
    for variant, (stem, metadata) in BOOKS.items():
        doc = fields(book(lab, lab_data, stem), f"read_gutenberg of the '{variant}' book")
        assert_equal(dict(doc["metadata"]), metadata, what=f"metadata of the '{variant}' book")


METADATA_CASES = [
    (
        "Title: A Tale\n    of Two\n\tCities\nAuthor:Jane Doe\nLANGUAGE:   English  \nTitle: Not This One\n\n"
        "*** START OF THE PROJECT GUTENBERG EBOOK A TALE ***\nBody.\n*** END OF THE PROJECT GUTENBERG EBOOK A TALE ***\n",
        {"title": "A Tale of Two Cities", "author": "Jane Doe", "language": "English"},
    ),
    (
        "Title: Header Only\n  Release Date: none\n\n***START OF THE PROJECT GUTENBERG EBOOK\n"
        "Author: Someone In The Body\nLanguage: Body\n***END OF THE PROJECT GUTENBERG EBOOK\n"
        "Author: Someone In The Licence\n",
        {"title": "Header Only Release Date: none", "author": None, "language": None},
    ),
    (
        "Title:\n\n  Author: indented, not a field\nSubtitle: no\nLanguage: Latin\n"
        "*** START OF THIS PROJECT GUTENBERG EBOOK ***\nx\n*** END OF THIS PROJECT GUTENBERG EBOOK ***\n",
        {"title": None, "author": None, "language": "Latin"},
    ),
]


@pytest.mark.points(2)
def test_gutenberg_metadata_rules(lab):
    """gutenberg_metadata: first occurrence, continuation lines, header only, empty value is None."""
    for i, (text, expected) in enumerate(METADATA_CASES, 1):
        assert_equal(dict(lab.gutenberg_metadata(text)), expected, what=f"metadata of example {i}")


def marker_position_cases() -> list[tuple[str, str]]:
    """(text, body): end-marker-like lines before the start marker, an empty body, a marker on the next line."""
    start = "*** START OF THE PROJECT GUTENBERG EBOOK HARBOUR ***"
    end = "*** END OF THE PROJECT GUTENBERG EBOOK HARBOUR ***"
    early = ["End of Project Gutenberg's Preface", "END OF THE PROJECT GUTENBERG NOTICE", "*** END OF THIS PROJECT GUTENBERG EBOOK ***"]
    cases = []
    for n_before in range(1, 7):  # start marker on line n_before (odd and even)
        header = [early[k % len(early)] for k in range(n_before)]
        body = f"Body of a book whose header has {n_before} end-marker-like lines."
        cases.append(("\n".join(header + [start, body, end, "Licence."]), body))
    cases.append((f"Title: Nothing\n{start}\n{end}\nLicence.\nEnd of Project Gutenberg's licence\n", ""))
    cases.append((f"{start}\nOnly line.\n{end}", "Only line."))
    cases.append((f"{start}\n\n   \n{end}\nEND OF THE PROJECT GUTENBERG EBOOK again\n", ""))
    return cases


@pytest.mark.points(2)
def test_strip_gutenberg_marker_positions(lab):
    """strip_gutenberg looks for the END marker only after the START marker, and allows an empty body."""
    cases = marker_position_cases()
    results = lab.map(lab.strip_gutenberg, [(text,) for text, _ in cases])
    for k, ((_, body), result) in enumerate(zip(cases, results), 1):
        assert_equal(result, body, what=f"body of marker-position example {k}")


def long_header_book(n_lines: int) -> str:
    """An old-style book with a small-print header of n_lines lines before the start marker."""
    lines = ["The Project Gutenberg Etext of Salt Marsh Songs", "Title:   Salt Marsh", "  Songs"]
    lines += [f"  *small print* line {k}: the licence goes on." if k % 3 else "" for k in range(n_lines - 5)]
    lines += ["Language : Scots", "   continued here"]
    lines += ["    *END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*"]
    lines += ["Author: Someone In The Body", "Title: Not The Title", "Body text.", "End of Project Gutenberg's Salt Marsh Songs"]
    return "\n".join(lines) + "\n"


@pytest.mark.points(2)
def test_gutenberg_metadata_long_header(lab):
    """gutenberg_metadata reads a long (300-line) header up to the start marker, never past it, never into it."""
    for n_lines in (40, 300):
        text = long_header_book(n_lines)
        expected = {"title": "Salt Marsh Songs", "author": None, "language": "Scots continued here"}
        assert_equal(dict(lab.gutenberg_metadata(text)), expected, what=f"metadata of a book with a {n_lines}-line header")
        assert_equal(lab.strip_gutenberg(text), "Author: Someone In The Body\nTitle: Not The Title\nBody text.",
                     what=f"body of a book with a {n_lines}-line header")
    text = "Title: Near The Marker\n   *** START OF THE PROJECT GUTENBERG EBOOK ***\n  indented body\n*** END OF THE PROJECT GUTENBERG EBOOK ***\n"
    assert_equal(dict(lab.gutenberg_metadata(text)), {"title": "Near The Marker", "author": None, "language": None},
                 what="metadata of a field on the line before an indented start marker")
    text = "TITLE :\n\tThe Real Title\nauthor  :  A. N. Other\n*** START OF THE PROJECT GUTENBERG EBOOK ***\nx\n*** END OF THE PROJECT GUTENBERG EBOOK ***\n"
    assert_equal(dict(lab.gutenberg_metadata(text)), {"title": "The Real Title", "author": "A. N. Other", "language": None},
                 what="metadata of an empty field value continued on the next line")


@pytest.mark.points(2)
def test_read_gutenberg_document(lab, lab_data):
    """read_gutenberg fills the Document: id from the file name, title ('' if none), source 'gutenberg'."""
    for stem, title in (("pg1002", "The Blue Door"), ("orwal10", "")):
        doc = fields(book(lab, lab_data, stem), f"read_gutenberg of {stem}.txt")
        assert_equal(doc["id"], stem, what=f"id of {stem}.txt")
        assert_equal(doc["title"], title, what=f"title of {stem}.txt")
        assert_equal(doc["source"], "gutenberg", what=f"source of {stem}.txt")


@pytest.mark.points(2)
def test_read_gutenberg_latin1(lab, lab_data):
    """read_gutenberg falls back to Latin-1 for a book that is not valid UTF-8."""
    doc = fields(book(lab, lab_data, "pg1006"), "read_gutenberg of a Latin-1 book")
    assert_equal(doc["text"], expected_body(lab_data, "pg1006"), what="body of the Latin-1 book")
    assert_equal(doc["title"], "Les Jardins d'Été", what="title of the Latin-1 book")


@pytest.mark.points(2)
def test_gutenberg_without_markers_raises(lab, lab_data):
    """A book without a START marker, or without an END marker after it, raises MalformedSourceError (valid ones do not)."""
    doc = fields(book(lab, lab_data, "pg1002"), "read_gutenberg of a valid book")
    assert_equal(doc["text"], expected_body(lab_data, "pg1002"), what="body of a valid book")
    valid = "Title: X\n*** START OF THE PROJECT GUTENBERG EBOOK X ***\nBody.\n*** END OF THE PROJECT GUTENBERG EBOOK X ***\n"
    assert_equal(lab.strip_gutenberg(valid), "Body.", what="strip_gutenberg of a valid text")
    assert_equal(dict(lab.gutenberg_metadata(valid)), {"title": "X", "author": None, "language": None},
                 what="gutenberg_metadata of a valid text")
    for stem in ("no_markers", "truncated"):
        path = lab.put_file(lab_data / "gutenberg" / f"{stem}.txt")
        expect_error(lab.read_gutenberg, path, what=f"read_gutenberg of {stem}.txt")
    only_end = "Title: X\n\nSome text.\n*** END OF THIS PROJECT GUTENBERG EBOOK X ***\n"
    expect_error(lab.strip_gutenberg, only_end, what="strip_gutenberg of a text with an END marker only")
    expect_error(lab.strip_gutenberg, "", what="strip_gutenberg of an empty text")
    expect_error(lab.gutenberg_metadata, only_end, what="gutenberg_metadata of a text without START marker")
    end_before_start = "*** END OF THE PROJECT GUTENBERG EBOOK X ***\n*** START OF THE PROJECT GUTENBERG EBOOK X ***\nBody.\n"
    expect_error(lab.strip_gutenberg, end_before_start, what="strip_gutenberg of a text whose only END marker is before the START")


# ==== wikitext ============================================================================================

WIKITEXT_CASES = {
    "nested_templates": [
        ("A {{a|{{b|{{c}}}}|d}} B", "A B"),
        ("{{Infobox person\n| name = {{lang|fr|Jean}}\n| born = {{birth date|1900|1|1}}\n}}\nText.", "Text."),
        ("x{{a}}{{b|{{c}}}}y", "xy"),
        ("One {{a|\n{{b}}\n}}two {{c|{{d|{{e|{{f}}}}}}}}three", "One two three"),
    ],
    "links": [
        ("[[Paris]] is in [[France]].", "Paris is in France."),
        ("[[Paris, Texas|Paris]] is not [[Paris]].", "Paris is not Paris."),
        ("Many [[dog]]s and a [[Wikipedia:About|page about us]].", "Many dogs and a page about us."),
        ("See [[category theory]] and [[Image processing|images]].", "See category theory and images."),
    ],
    "dropped_namespaces": [
        ("[[File:X.jpg|thumb|A [[cat]] on a [[mat|rug]]]]Text", "Text"),
        ("Start [[Category:Cats|Sort key]]end [[category:dogs]]", "Start end"),
        ("[[Image:y.png|left|200px]]z [[FILE:w.svg]]!", "z !"),
    ],
    "references": [
        ('X<ref name="a"/> y <ref>b</ref> z.', "X y z."),
        ('A<ref name="n">B {{cite|x}}</ref>C<REF>D</REF>E', "ACE"),
        ("One<ref name=x />two <ref group=g>three\nlines</ref>four", "Onetwo four"),
        ("Notes.<references />", "Notes."),
    ],
    "tables": [
        ('Before\n{| class="wikitable"\n|-\n! A !! B\n|-\n| 1 || 2\n|}\nAfter', "Before\n\nAfter"),
        ("{|\n| outer\n{|\n| inner\n|}\n|}\nEnd", "End"),
    ],
    "emphasis_and_headings": [
        ("'''''Both''''' ''it'' '''b''' don't", "Both it b don't"),
        ("== History ==\nText", "History\nText"),
        ("=== ''Early'' life ===\n==== [[Paris|City]] ====", "Early life\nCity"),
    ],
    "comments_and_tags": [
        ("<!-- hidden\n[[x]] {{y}} -->Shown", "Shown"),
        ('a<br />b <small>c</small> <span style="x">d</span>', "ab c d"),
    ],
    "whitespace": [
        ("  lots   of\tspace  \n\n\n\nnext  ", "lots of space\n\nnext"),
        ("{{a}}\n\n{{b}}\nText\n\n\n{{c}}\n[[Category:X]]", "Text"),
        ("", ""),
    ],
}
WIKITEXT_POINTS = {"nested_templates": 2, "links": 2, "dropped_namespaces": 2, "references": 2, "tables": 2,
                   "emphasis_and_headings": 2, "comments_and_tags": 1, "whitespace": 1}


@pytest.mark.parametrize(
    "case", [pytest.param(name, marks=pytest.mark.points(WIKITEXT_POINTS[name])) for name in WIKITEXT_CASES]
)
def test_wikitext_hand_cases(lab, case):
    """wikitext_to_text applies each rule of its docstring (templates, links, refs, tables, emphasis, headings, ...)."""
    results = lab.map(lab.wikitext_to_text, [(text,) for text, _ in WIKITEXT_CASES[case]])
    for i, ((_, expected), result) in enumerate(zip(WIKITEXT_CASES[case], results), 1):
        assert_equal(result, expected, what=f"wikitext_to_text of '{case}' example {i}")


# (wikitext, clean text) paragraphs; "" when the paragraph is only markup.
PARAGRAPHS = [
    ("'''Bold''' and ''italic'' words", "Bold and italic words"),
    ("A [[link]] and a [[target page|label]].", "A link and a label."),
    ("Nested{{a|{{b|{{c}}}}}} template.", "Nested template."),
    ('Text<ref>note {{cite|x}}</ref> with<ref name="r"/> refs.', "Text with refs."),
    ("[[File:P.jpg|thumb|Caption with a [[link]]]]", ""),
    ("[[Category:Things]]", ""),
    ("== Heading ==", "Heading"),
    ("{|\n| a || b\n|}", ""),
    ("<!-- note -->Visible <small>small</small> text", "Visible small text"),
    ("Multiple   spaces\tand tabs", "Multiple spaces and tabs"),
    ("It's a [[Dog|dog's]] life{{citation needed}}.", "It's a dog's life."),
    ("{{Infobox|x={{y}}}}", ""),
]
WORDS = "the river harbour lamp island wind north stone bell rock ferry sea old new".split()


def random_article(rng: random.Random) -> tuple[str, str]:
    parts, clean = [], []
    for _ in range(rng.randint(3, 12)):
        if rng.random() < 0.3:
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12)))
            parts.append(words)
            clean.append(words)
        else:
            wikitext, text = rng.choice(PARAGRAPHS)
            parts.append(wikitext)
            if text:
                clean.append(text)
    wikitext = "".join(p + "\n" * rng.randint(2, 4) for p in parts)
    return wikitext, "\n\n".join(clean)


@pytest.mark.points(2)
def test_wikitext_generated_articles(lab):
    """wikitext_to_text on generated articles mixing every kind of markup."""
    rng = random.Random(11)
    cases = [random_article(rng) for _ in range(40)]
    results = lab.map(lab.wikitext_to_text, [(w,) for w, _ in cases])
    for i, ((_, expected), result) in enumerate(zip(cases, results)):
        assert_equal(result, expected, what=f"wikitext_to_text of generated article #{i}")


# ==== MediaWiki dumps =====================================================================================

SMALL_ARTICLES = [
    # (id, title, revision id, timestamp, text)
    (
        "12",
        "Anarchy Island",
        "1174543210",
        "2023-09-01T08:30:00Z",
        "Anarchy Island is a small island in the North Sea, off the coast of Scottish mainland. It has no government "
        "and no harbour master.\n\nHistory\nThe island was first settled by monks in the 9th century. It was abandoned "
        "in 1850 and resettled in 1972.\n\nPopulation\n\nThe population has grown slowly. Most inhabitants keep sheep."
        "\n\nSee also\n* List of islands of Scotland\n* Bell Rock",
    ),
    (
        "25",
        "Bell Rock",
        "1150000025",
        "2023-04-11T17:45:12Z",
        "The Bell Rock (also Inchcape) is a reef about off the coast of Angus. The Bell Rock Lighthouse on it is the "
        "world's oldest surviving sea-washed lighthouse.\n\nLegend\nThe rock's name comes from a legend about a bell "
        "fixed to it by an abbot.",
    ),
    ("31", "Empty stub", "1100000031", "2022-08-01T00:00:00Z", ""),
    (
        "41",
        "Cold Harbour",
        "1160000041",
        "2023-06-30T23:59:59Z",
        "Cold Harbour may refer to:\n\nPlaces\n* Cold Harbour, a hamlet in Kent\n* Cold Harbour, a street in London"
        "\n\nOther uses\n* Cold Harbour, a 2013 film",
    ),
]

EXPORT_HEADER = (
    '<mediawiki xmlns="http://www.mediawiki.org/xml/export-{v}/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="{v}" xml:lang="en">\n'
    "  <siteinfo>\n    <sitename>Wikipedia</sitename>\n    <namespaces>\n"
    '      <namespace key="0" case="first-letter" />\n      <namespace key="1" case="first-letter">Talk</namespace>\n'
    "    </namespaces>\n  </siteinfo>\n"
)
EXPORT_FOOTER = "</mediawiki>\n"


def page_xml(title: str, ns: int, page_id: int, wikitext: str, redirect: str | None = None) -> str:
    """One <page> element as a MediaWiki export writes it."""
    red = f'    <redirect title="{html.escape(redirect)}" />\n' if redirect is not None else ""
    return (
        f"  <page>\n    <title>{html.escape(title, quote=False)}</title>\n    <ns>{ns}</ns>\n    <id>{page_id}</id>\n{red}"
        f"    <revision>\n      <id>{page_id + 70000}</id>\n      <parentid>{page_id + 69999}</parentid>\n"
        f"      <timestamp>2024-02-{page_id % 28 + 1:02d}T12:00:00Z</timestamp>\n"
        f"      <contributor>\n        <username>Editor</username>\n        <id>{page_id + 900}</id>\n      </contributor>\n"
        f"      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
        f'      <text bytes="{len(wikitext.encode())}" xml:space="preserve">{html.escape(wikitext, quote=False)}</text>\n'
        f"      <sha1>0123456789abcdefghijklmnopqrstu</sha1>\n    </revision>\n  </page>\n"
    )


def dump_xml(pages: list[str], version: str = "0.10") -> bytes:
    return (EXPORT_HEADER.format(v=version) + "".join(pages) + EXPORT_FOOTER).encode("utf-8")


def titles_of(docs) -> list[str]:
    return [fields(d, "a dump article")["title"] for d in docs]


def read_dump(lab, source) -> list:
    return list(lab.iter_wikipedia_dump(source))


@pytest.fixture(scope="module")
def small_dump(lab, lab_data):
    return lab.put_file(lab_data / "wiki" / "small.xml.bz2")


@pytest.mark.points(2)
def test_small_dump_articles(lab, small_dump):
    """iter_wikipedia_dump yields the articles of a dump in order, skipping redirects, talk, user and category pages."""
    docs = [fields(d, "iter_wikipedia_dump item") for d in read_dump(lab, small_dump)]
    assert_equal(len(docs), len(SMALL_ARTICLES), what="number of articles in the small dump")
    assert_equal([d["title"] for d in docs], [a[1] for a in SMALL_ARTICLES], what="titles of the articles")
    assert_equal([d["id"] for d in docs], [a[0] for a in SMALL_ARTICLES], what="page ids of the articles")
    assert_equal([d["source"] for d in docs], ["wikipedia"] * len(docs), what="source of the articles")


@pytest.mark.points(2)
def test_small_dump_texts(lab, small_dump):
    """iter_wikipedia_dump turns each article's wikitext into plain text."""
    docs = [fields(d, "iter_wikipedia_dump item") for d in read_dump(lab, small_dump)]
    expected = {a[1]: a[4] for a in SMALL_ARTICLES}
    for doc in docs:
        if doc["title"] in expected:
            assert_equal(doc["text"], expected[doc["title"]], what=f"text of the article '{doc['title']}'")
    check(len(docs) > 0, "the small dump gave no articles")


@pytest.mark.points(2)
def test_small_dump_metadata(lab, small_dump):
    """iter_wikipedia_dump reports the revision's own id and its timestamp in metadata."""
    docs = [fields(d, "iter_wikipedia_dump item") for d in read_dump(lab, small_dump)]
    expected = {a[1]: {"revision_id": a[2], "timestamp": a[3]} for a in SMALL_ARTICLES}
    for doc in docs:
        if doc["title"] in expected:
            assert_equal(dict(doc["metadata"]), expected[doc["title"]], what=f"metadata of the article '{doc['title']}'")
    check(len(docs) > 0, "the small dump gave no articles")


@pytest.mark.points(2)
def test_dump_skips_redirects(lab):
    """iter_wikipedia_dump skips every page with a <redirect> element, whatever its text says."""
    pages = [
        page_xml("Lighthouse", 0, 1, "A '''lighthouse''' is a tower."),
        page_xml("Light house", 0, 2, "#REDIRECT [[Lighthouse]]", redirect="Lighthouse"),
        page_xml("Pharos", 0, 3, "#redirect [[Lighthouse]] {{R from synonym}}", redirect="Lighthouse"),
        page_xml("Leuchtturm", 0, 4, "#WEITERLEITUNG [[Lighthouse]]", redirect="Lighthouse"),
        page_xml("Redirect (disambiguation)", 0, 5, "A '''redirect''' may refer to a [[URL redirection]]."),
        page_xml("Beacon", 0, 6, "#REDIRECT [[Lighthouse#Beacons]]", redirect="Lighthouse"),
    ]
    docs = read_dump(lab, dump_xml(pages))
    assert_equal(titles_of(docs), ["Lighthouse", "Redirect (disambiguation)"], what="titles of a dump with redirects")


@pytest.mark.points(2)
def test_dump_skips_other_namespaces(lab):
    """iter_wikipedia_dump keeps only namespace 0 (a colon in an article title is fine)."""
    pages = [
        page_xml("Mission: Impossible", 0, 1, "A ''film''."),
        page_xml("Talk:Mission: Impossible", 1, 2, "Discuss here."),
        page_xml("User:Ann", 2, 3, "Hi."),
        page_xml("Wikipedia:About", 4, 4, "About us."),
        page_xml("Template:Infobox", 10, 5, "{{{name}}}"),
        page_xml("Category:Films", 14, 6, "Films."),
        page_xml("Draft:Mission", 118, 7, "Draft."),
        page_xml("Special:Random", -1, 9, "Special."),
        page_xml("Media:Sound.ogg", -2, 10, "Media."),
        page_xml("Harbour", 0, 8, "A '''harbour''' shelters [[ship]]s."),
    ]
    docs = read_dump(lab, dump_xml(pages))
    assert_equal(titles_of(docs), ["Mission: Impossible", "Harbour"], what="titles of a dump with several namespaces")


@pytest.mark.points(2)
def test_dump_sources(lab, lab_data):
    """iter_wikipedia_dump reads a plain XML file, and the bytes of a dump (bz2 or plain)."""
    expected = [a[1] for a in SMALL_ARTICLES]
    plain_path = lab.put_file(lab_data / "wiki" / "small.xml")
    assert_equal(titles_of(read_dump(lab, plain_path)), expected, what="titles from a plain XML file")
    raw = (lab_data / "wiki" / "small.xml").read_bytes()
    assert_equal(titles_of(read_dump(lab, raw)), expected, what="titles from plain XML bytes")
    assert_equal(titles_of(read_dump(lab, bz2.compress(raw))), expected, what="titles from bz2 bytes")


@pytest.mark.points(2)
def test_dump_multistream(lab, tmp_path):
    """iter_wikipedia_dump reads a multistream dump (several bz2 streams one after the other)."""
    pages = [page_xml(f"Island {i}", 0, 100 + i, f"'''Island {i}''' is an [[island]].") for i in range(9)]
    streams = [
        bz2.compress((EXPORT_HEADER.format(v="0.10") + "".join(pages[:3])).encode()),
        bz2.compress("".join(pages[3:6]).encode()),
        bz2.compress(("".join(pages[6:]) + EXPORT_FOOTER).encode()),
    ]
    path = tmp_path / "multistream.xml.bz2"
    path.write_bytes(b"".join(streams))
    docs = [fields(d, "iter_wikipedia_dump item") for d in read_dump(lab, lab.put_file(path))]
    assert_equal([d["title"] for d in docs], [f"Island {i}" for i in range(9)], what="titles from a multistream dump")
    assert_equal(docs[-1]["text"], "Island 8 is an island.", what="text of the last article")


@pytest.mark.points(2)
def test_dump_edge_pages(lab, tmp_path):
    """iter_wikipedia_dump: plain XML with a byte-order mark, an empty or missing <text>, and the same result when called twice."""
    empty_text = page_xml("Empty", 0, 2, "").replace('<text bytes="0" xml:space="preserve"></text>', '<text bytes="0" />')
    no_text = page_xml("No text", 0, 3, "x").replace('      <text bytes="1" xml:space="preserve">x</text>\n', "")
    check("<text" not in no_text and '<text bytes="0" />' in empty_text, "test data: the <text> edits did not apply")
    pages = [page_xml("Été", 0, 1, "L’''été'' à [[Paris|Paris]] — «chaud»."), empty_text, no_text]
    expected = [("1", "Été", "L’été à Paris — «chaud»."), ("2", "Empty", ""), ("3", "No text", "")]
    raw = b"\xef\xbb\xbf" + dump_xml(pages)
    path = tmp_path / "bom.xml"
    path.write_bytes(raw)
    for what, source in (("bytes", raw), ("a file", lab.put_file(path))):
        for call in ("first", "second"):
            docs = [fields(d, "iter_wikipedia_dump item") for d in read_dump(lab, source)]
            assert_equal([(d["id"], d["title"], d["text"]) for d in docs], expected,
                         what=f"articles of plain XML with a byte-order mark ({what}, {call} call)")
    check(dict(docs[2]["metadata"]) == {"revision_id": "70003", "timestamp": "2024-02-04T12:00:00Z"},
          "metadata of an article without <text>")


@pytest.mark.points(1)
def test_dump_other_export_version(lab):
    """iter_wikipedia_dump works whatever the export version in the XML namespace."""
    pages = [page_xml("Stone", 0, 1, "A [[rock]]."), page_xml("Talk:Stone", 1, 2, "?"), page_xml("Sand", 0, 3, "Grains.")]
    for version in ("0.11", "0.8"):
        docs = [fields(d, "iter_wikipedia_dump item") for d in read_dump(lab, dump_xml(pages, version))]
        assert_equal([(d["id"], d["title"], d["text"]) for d in docs], [("1", "Stone", "A rock."), ("3", "Sand", "Grains.")],
                     what=f"articles of an export-{version} dump")


@pytest.mark.points(2)
def test_damaged_dump_raises(lab, lab_data, tmp_path):
    """A truncated dump (XML or bz2), a corrupt bz2 stream or a file that is not XML raises MalformedSourceError."""
    raw = (lab_data / "wiki" / "small.xml").read_bytes()
    expected = [a[1] for a in SMALL_ARTICLES]
    assert_equal(titles_of(read_dump(lab, raw)), expected, what="titles of an undamaged dump")
    assert_equal(dict(lab.dump_statistics(raw))["articles"], len(expected), what="dump_statistics of an undamaged dump")
    compressed = bytearray(bz2.compress(raw))
    compressed[len(compressed) // 2] ^= 0xFF  # the block's CRC no longer matches: OSError from bz2
    expect_error(read_dump, lab, bytes(compressed), what="iter_wikipedia_dump of a corrupt bz2 stream")
    cut = tmp_path / "cut.xml"
    cut.write_bytes(raw[: len(raw) * 2 // 3])
    expect_error(read_dump, lab, lab.put_file(cut), what="iter_wikipedia_dump of a truncated XML file")
    cut_bz2 = tmp_path / "cut.xml.bz2"
    cut_bz2.write_bytes(bz2.compress(raw)[:-30])
    expect_error(read_dump, lab, lab.put_file(cut_bz2), what="iter_wikipedia_dump of a truncated bz2 file")
    expect_error(read_dump, lab, b"this is not XML", what="iter_wikipedia_dump of bytes that are not XML")
    expect_error(lab.dump_statistics, lab.put_file(cut), what="dump_statistics of a truncated XML file")


@pytest.mark.points(1)
def test_dump_statistics_small(lab, small_dump):
    """dump_statistics counts the articles and the characters of their texts."""
    expected = {"articles": len(SMALL_ARTICLES), "characters": sum(len(a[4]) for a in SMALL_ARTICLES)}
    result = lab.dump_statistics(small_dump)
    check(isinstance(result, dict), "dump_statistics should return a dict")
    assert_equal(dict(result), expected, what="dump_statistics of the small dump")


# ---- the big dump: streaming in constant memory --------------------------------------------------------

BIG_CHUNKS = 4  # distinct chunks of pages, each compressed once
BIG_COPIES = 36  # streams in the dump: the chunks repeated
CHUNK_PAGES = 24
MARKUP = [  # (wikitext, clean text) opening every article
    ("'''Alpha''' is a [[beta gamma|delta]] of [[Epsilon]].{{cn}}", "Alpha is a delta of Epsilon."),
    ('Zeta<ref name="z"/> eta<ref>Source {{cite|x}}</ref> theta.', "Zeta eta theta."),
    ("{{Infobox|a={{b|{{c}}}}}}\n[[File:x.png|thumb|A [[cat]]]]Iota [[Category:Kappa]]", "Iota"),
    ("== ''Lambda'' ==", "Lambda"),
]
FILLER = "the of and to in a is that for it as was with be by on not he this are or his from at which".split()


def big_chunk(seed: int) -> tuple[bytes, int, int]:
    """(XML of CHUNK_PAGES pages, number of articles, characters of their clean texts).

    As in real dumps, most of the bytes are in pages that are not articles
    (long talk and user pages); the articles are short, so that the test
    measures streaming rather than the speed of the wikitext cleaning.
    """
    rng = random.Random(seed)
    pool = [" ".join(rng.choice(FILLER) for _ in range(rng.randint(60, 140))).capitalize() + "." for _ in range(50)]
    pages, articles, characters = [], 0, 0
    for k in range(CHUNK_PAGES):
        page_id = seed * 1000 + k
        if k % 8 in (3, 5):
            discussion = "\n\n".join(rng.choice(pool) + " ~~~~" for _ in range(200))
            ns, prefix = (1, "Talk") if k % 8 == 3 else (2, "User")
            pages.append(page_xml(f"{prefix}:Page {page_id}", ns, page_id, discussion))
        elif k % 8 == 6:
            target = f"Page {page_id - 1}"
            pages.append(page_xml(f"Page {page_id} alias", 0, page_id, f"#REDIRECT [[{target}]]", redirect=target))
        else:
            wikitext, clean = MARKUP[k % len(MARKUP)]
            body = "\n\n".join(rng.choice(pool) for _ in range(3))
            pages.append(page_xml(f"Page {page_id}", 0, page_id, f"{wikitext}\n\n{body}"))
            articles += 1
            characters += len(f"{clean}\n\n{body}")
    return "".join(pages).encode("utf-8"), articles, characters


@pytest.fixture(scope="module")
def big_dump(tmp_path_factory) -> dict:
    """A multistream export-0.11 dump of about 16 MB of XML, with its expected statistics.

    Compression level 1 (100 kB blocks) keeps the bz2 decompressor itself
    small (about 0.5 MB instead of 3.7 MB at level 9), so that the bound
    below measures the reader, not the decompressor.
    """
    chunks = [big_chunk(seed) for seed in range(1, BIG_CHUNKS + 1)]
    compressed = [bz2.compress(xml, 1) for xml, _, _ in chunks]
    streams = [bz2.compress(EXPORT_HEADER.format(v="0.11").encode(), 1)]
    size = len(EXPORT_HEADER) + len(EXPORT_FOOTER)
    articles = characters = 0
    for copy in range(BIG_COPIES):
        xml, n, chars = chunks[copy % BIG_CHUNKS]
        streams.append(compressed[copy % BIG_CHUNKS])
        size += len(xml)
        articles += n
        characters += chars
    streams.append(bz2.compress(EXPORT_FOOTER.encode(), 1))
    path = tmp_path_factory.mktemp("dump") / "enwiki-pages-articles-multistream.xml.bz2"
    path.write_bytes(b"".join(streams))
    return {"path": path, "xml_mb": size / 2**20, "expected": {"articles": articles, "characters": characters}}


@pytest.fixture(scope="module")
def big_run(lab, big_dump, lab_data) -> dict:
    """dump_statistics on the big dump, once, with its peak memory."""
    path = lab.put_file(big_dump["path"])
    run = {"result": None, "error": None, "peak_mb": None}
    try:
        lab.dump_statistics((lab_data / "wiki" / "small.xml.bz2").read_bytes())  # warm up: imports, caches
    except Exception:  # noqa: BLE001 - the tests below report what went wrong
        pass
    lab.reset_memory_peak()
    try:
        run["result"] = lab.dump_statistics(path)
    except Exception as exc:  # noqa: BLE001
        run["error"] = f"{error_name(exc)}: {str(exc)[:200]}"
    run["peak_mb"] = lab.memory_peak_mb()
    tracemalloc.stop()  # in-process mode measured with tracemalloc; it would slow down the other tests
    return run


@pytest.mark.points(2)
def test_big_dump_statistics(big_run, big_dump):
    """dump_statistics counts every article of a large multistream dump correctly."""
    check(big_run["error"] is None, f"dump_statistics failed on the large dump: {big_run['error']}")
    assert_equal(dict(big_run["result"]), big_dump["expected"], what="dump_statistics of the large dump")


@pytest.mark.points(4)
def test_big_dump_streams_in_constant_memory(big_run, big_dump):
    """dump_statistics streams a 16 MB dump with a peak memory below a quarter of the dump's size."""
    check(big_run["error"] is None, f"dump_statistics failed on the large dump: {big_run['error']}")
    limit = big_dump["xml_mb"] / 4
    check(
        big_run["peak_mb"] < limit,
        f"peak memory {big_run['peak_mb']:.1f} MB while reading a {big_dump['xml_mb']:.0f} MB dump "
        f"(limit {limit:.1f} MB): read the file incrementally and clear each processed <page>",
    )


# ==== Twitter API v2 ======================================================================================


def twitter_page(lab_data: Path, name: str) -> dict:
    return json.loads((lab_data / "twitter" / f"{name}.json").read_text(encoding="utf-8"))


AUTHOR_TWEETS = [
    # (tweet id, author_id, username, name)
    ("1780001000000000005", "783214", "tidetables", "Tide Tables"),
    ("1780001000000000004", "2244994945", "harbourwatch", "Harbour Watch"),
    ("1780001000000000003", "783214", "tidetables", "Tide Tables"),
    ("1780001000000000002", "17874544", "gullclub", "Gull Club ⚓"),
    ("1780001000000000001", "2244994945", "harbourwatch", "Harbour Watch"),
]


@pytest.mark.points(2)
def test_parse_tweets_page_basics(lab, lab_data):
    """parse_tweets_page returns one Document per tweet, in order, from a dict or from JSON text."""
    page = twitter_page(lab_data, "authors")
    for what, arg in (("a page dict", page), ("a page as JSON text", json.dumps(page))):
        docs = [fields(d, "parse_tweets_page item") for d in lab.parse_tweets_page(arg)]
        assert_equal([d["id"] for d in docs], [t["id"] for t in page["data"]], what=f"tweet ids of {what}")
        assert_equal([d["text"] for d in docs], [t["text"] for t in page["data"]], what=f"tweet texts of {what}")
        titles_sources = [(d["title"], d["source"]) for d in docs]
        assert_equal(titles_sources, [("", "twitter")] * len(docs), what=f"title and source of {what}")


@pytest.mark.points(2)
def test_parse_tweets_page_expands_authors(lab, lab_data):
    """parse_tweets_page looks up each tweet's author_id in includes.users (username, name)."""
    docs = [fields(d, "parse_tweets_page item") for d in lab.parse_tweets_page(twitter_page(lab_data, "authors"))]
    check(len(docs) == len(AUTHOR_TWEETS), "wrong number of tweets")
    for doc, (tid, author_id, username, name) in zip(docs, AUTHOR_TWEETS):
        meta = doc["metadata"]
        got = (meta.get("author_id"), meta.get("username"), meta.get("name"))
        assert_equal(got, (author_id, username, name), what=f"author of tweet {tid}")


@pytest.mark.points(2)
def test_parse_tweets_page_missing_fields(lab, lab_data):
    """parse_tweets_page gives None for missing fields and for authors not in includes."""
    none5 = dict.fromkeys(("author_id", "username", "name", "created_at", "lang"))
    expected = {
        "sparse": [
            {**none5, "author_id": "95731075", "username": "ferrynews", "name": "Ferry News", "lang": "en"},
            {**none5, "author_id": "5550001", "created_at": "2024-04-16T10:00:00.000Z"},
            none5,
        ],
        "no_includes": [{**none5, "author_id": "2244994945", "created_at": "2024-04-17T12:00:00.000Z", "lang": "en"}],
    }
    for name, metas in expected.items():
        docs = [fields(d, "parse_tweets_page item") for d in lab.parse_tweets_page(twitter_page(lab_data, name))]
        assert_equal([dict(d["metadata"]) for d in docs], metas, what=f"metadata of the '{name}' page")


@pytest.mark.points(2)
def test_parse_tweets_page_input_types(lab, lab_data):
    """parse_tweets_page takes the page as JSON bytes (UTF-8) too, gives str ids for integer ids, and leaves a dict page unchanged."""
    page = twitter_page(lab_data, "authors")
    before = json.dumps(page, sort_keys=True)
    docs = [fields(d, "parse_tweets_page item") for d in lab.parse_tweets_page(json.dumps(page, ensure_ascii=False).encode("utf-8"))]
    assert_equal([(d["id"], d["metadata"].get("name")) for d in docs], [(t[0], t[3]) for t in AUTHOR_TWEETS],
                 what="ids and author names of a page given as UTF-8 bytes")
    lab.parse_tweets_page(page)
    check(json.dumps(page, sort_keys=True) == before, "parse_tweets_page changed the page it was given")
    numeric = {"data": [{"id": 1234567890123, "text": "Numeric id ⚓", "author_id": "7"}],
               "includes": {"users": [{"id": "7", "username": "seven", "name": "Séven"}]}}
    docs = [fields(d, "parse_tweets_page item") for d in lab.parse_tweets_page(numeric)]
    assert_equal([(d["id"], d["text"]) for d in docs], [("1234567890123", "Numeric id ⚓")], what="a tweet with an integer id")
    assert_equal(list(docs[0]["metadata"]), list(("author_id", "username", "name", "created_at", "lang")),
                 what="metadata keys, in TWEET_METADATA_KEYS order")


@pytest.mark.points(2)
def test_parse_tweets_page_without_data(lab, lab_data):
    """An empty result page gives []; a page with data and partial errors is parsed normally."""
    assert_equal(list(lab.parse_tweets_page(twitter_page(lab_data, "empty"))), [], what="tweets of an empty result page")
    docs = [fields(d, "parse_tweets_page item") for d in lab.parse_tweets_page(twitter_page(lab_data, "partial_errors"))]
    assert_equal([(d["id"], d["metadata"].get("username")) for d in docs], [("1780004000000000002", "ferrynews")],
                 what="tweets of a page with partial errors")


@pytest.mark.points(2)
def test_parse_tweets_page_errors(lab, lab_data):
    """An error response raises TwitterAPIError with the first error's detail (or title); bad pages raise MalformedSourceError."""
    docs = lab.parse_tweets_page(twitter_page(lab_data, "partial_errors"))
    check(len(docs) == 1, "a page with data and errors should be parsed normally")
    page = twitter_page(lab_data, "error")
    exc = expect_error(lab.parse_tweets_page, page, expected="TwitterAPIError", what="an error page")
    check(page["errors"][0]["detail"] in str(exc), "the TwitterAPIError message should contain the error's detail")
    page = twitter_page(lab_data, "error_title_only")
    exc = expect_error(lab.parse_tweets_page, json.dumps(page), expected="TwitterAPIError", what="an error page without detail")
    check(page["errors"][0]["title"] in str(exc), "without a detail, the TwitterAPIError message should contain the error's title")
    two = {"errors": [{"title": "Not Found Error", "detail": "Could not find user with id: [1]."},
                      {"title": "Forbidden", "detail": "You are not permitted to see this."}]}
    exc = expect_error(lab.parse_tweets_page, two, expected="TwitterAPIError", what="an error page with two errors")
    check(two["errors"][0]["detail"] in str(exc), "the TwitterAPIError message should contain the first error's detail")
    odd = {"errors": [{"title": "Only Title Here"}, "not an object"]}
    exc = expect_error(lab.parse_tweets_page, odd, expected="TwitterAPIError", what="an error page whose second error is not an object")
    check("Only Title Here" in str(exc), "the TwitterAPIError message should contain the first error's title")
    bad_pages = {"invalid JSON text": '{"data": [}', "a JSON list": "[1, 2]", "a 'data' that is not a list": {"data": "oops"},
                 "invalid JSON bytes": b'{"data": ', "bytes that are not UTF-8": b'{"data": [], "x": "\xff"}'}
    for what, bad in bad_pages.items():
        expect_error(lab.parse_tweets_page, bad, what=f"parse_tweets_page of {what}")


def session(lab_data: Path) -> dict:
    return json.loads((lab_data / "twitter" / "search_session.json").read_text(encoding="utf-8"))


SESSION_IDS = [f"17900000000000000{40 - i:02d}" for i in range(1, 10)]


@pytest.mark.points(2)
def test_collect_tweets_follows_next_token(lab, lab_data):
    """collect_tweets starts at pages[''] and follows meta.next_token to the last page, ignoring unreached pages."""
    docs = [fields(d, "collect_tweets item") for d in lab.collect_tweets(session(lab_data))]
    ids = list(dict.fromkeys(d["id"] for d in docs))  # repeated tweets are checked by the next test
    assert_equal(ids, SESSION_IDS, what="distinct tweet ids collected across the pages")
    by_id = {d["id"]: d["metadata"].get("username") for d in docs}
    assert_equal(by_id["1790000000000000034"], "ferrynews", what="author of a tweet on the second page")


@pytest.mark.points(1)
def test_collect_tweets_skips_repeated_tweets(lab, lab_data):
    """collect_tweets keeps only the first occurrence of a tweet that appears on two pages."""
    docs = [fields(d, "collect_tweets item") for d in lab.collect_tweets(session(lab_data))]
    assert_equal([d["id"] for d in docs], SESSION_IDS, what="tweet ids collected across the pages")


def p(tid: str, token: str | None) -> dict:
    meta = {"result_count": 1, **({"next_token": token} if token else {})}
    return {"data": [{"id": tid, "text": f"tweet {tid}"}], "meta": meta}


@pytest.mark.points(2)
def test_collect_tweets_state_and_page_types(lab, lab_data):
    """collect_tweets: the same result when called twice, pages unchanged, pages as JSON text or bytes, every way a token ends."""
    pages = session(lab_data)
    before = json.dumps(pages, sort_keys=True)
    for call in ("first", "second"):
        docs = [fields(d, "collect_tweets item") for d in lab.collect_tweets(pages)]
        assert_equal([d["id"] for d in docs], SESSION_IDS, what=f"tweet ids collected ({call} call)")
    check(json.dumps(pages, sort_keys=True) == before, "collect_tweets changed the pages it was given")
    as_text = {token: (json.dumps(page) if k % 2 else json.dumps(page).encode("utf-8")) for k, (token, page) in enumerate(pages.items())}
    docs = [fields(d, "collect_tweets item") for d in lab.collect_tweets(as_text)]
    assert_equal([d["id"] for d in docs], SESSION_IDS, what="tweet ids collected from pages given as JSON text and bytes")
    endings = {
        "a missing meta": {"": {"data": [{"id": "1", "text": "a"}]}},
        "next_token None": {"": {"data": [{"id": "1", "text": "a"}], "meta": {"next_token": None}}, "None": p("9", None)},
        'next_token ""': {"": {"data": [{"id": "1", "text": "a"}], "meta": {"result_count": 1, "next_token": ""}}},
        "a page without data": {"": p("1", "t"), "t": {"meta": {"result_count": 0}}},
    }
    for what, session_pages in endings.items():
        docs = [fields(d, "collect_tweets item") for d in lab.collect_tweets(session_pages)]
        assert_equal([d["id"] for d in docs], ["1"], what=f"tweet ids when the pagination ends with {what}")


@pytest.mark.points(1)
def test_collect_tweets_bad_pagination_raises(lab):
    """collect_tweets raises MalformedSourceError for a token that loops back or has no page (and not for a good chain)."""
    chain = {"": p("1", "a"), "a": p("2", "b"), "b": p("3", None), "unreached": p("4", "a")}
    docs = [fields(d, "collect_tweets item") for d in lab.collect_tweets(chain)]
    assert_equal([d["id"] for d in docs], ["1", "2", "3"], what="tweet ids of a three-page chain")

    loop = {"": p("1", "a"), "a": p("2", "b"), "b": p("3", "a")}
    expect_error(lab.collect_tweets, loop, what="collect_tweets of pages whose tokens form a loop")
    missing = {"": p("1", "a"), "a": p("2", "zzz")}
    expect_error(lab.collect_tweets, missing, what="collect_tweets with a next_token that has no page")
    expect_error(lab.collect_tweets, {"a": p("1", None)}, what="collect_tweets without a first page")
    self_loop = {"": p("1", "a"), "a": p("2", "a")}
    expect_error(lab.collect_tweets, self_loop, what="collect_tweets of a page whose next_token is its own token")


def rate_limit_fields(record) -> tuple:
    try:
        return (record.limit, record.remaining, record.reset)
    except AttributeError:
        raise AssertionError("parse_rate_limit should return a RateLimit") from None


@pytest.mark.points(2)
def test_parse_rate_limit(lab):
    """parse_rate_limit reads the three x-rate-limit headers as integers, header names in any case."""
    headers = {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "449", "x-rate-limit-reset": "1714560000"}
    assert_equal(rate_limit_fields(lab.parse_rate_limit(headers)), (450, 449, 1714560000), what="lower-case headers")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Rate-Limit-Limit": " 180 ",
        "X-RATE-LIMIT-REMAINING": "0",
        "x-Rate-limit-Reset": "1714563600",
        "X-Response-Time": "120",
    }
    assert_equal(rate_limit_fields(lab.parse_rate_limit(headers)), (180, 0, 1714563600), what="mixed-case headers")


@pytest.mark.points(1)
def test_parse_rate_limit_bad_headers(lab):
    """parse_rate_limit raises MalformedSourceError for a missing or non-integer header (and not for good headers)."""
    good = {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "-1", "x-rate-limit-reset": " 1714560000\n"}
    assert_equal(rate_limit_fields(lab.parse_rate_limit(good)), (450, -1, 1714560000), what="good headers")
    missing = {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "3"}
    expect_error(lab.parse_rate_limit, missing, what="headers without x-rate-limit-reset")
    bad = {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "many", "x-rate-limit-reset": "1714560000"}
    expect_error(lab.parse_rate_limit, bad, what="a non-integer x-rate-limit-remaining")
    for value in ("", "4.5", "1e3"):
        bad = {"x-rate-limit-limit": value, "x-rate-limit-remaining": "3", "x-rate-limit-reset": "1714560000"}
        expect_error(lab.parse_rate_limit, bad, what=f"x-rate-limit-limit {value!r}")


RESET = 1_714_560_000


@pytest.mark.points(1)
def test_rate_limit_wait_seconds(lab):
    """RateLimit.wait_seconds is 0 while requests remain, else the time until reset (never negative)."""
    exhausted = lab.RateLimit(450, 0, RESET)
    for now, expected in ((RESET - 9.5, 9.5), (float(RESET), 0.0), (RESET + 100.0, 0.0)):
        result = exhausted.wait_seconds(now)
        check(isinstance(result, float), "wait_seconds should return a float")
        check(abs(result - expected) < 1e-6, f"wait_seconds of an exhausted limit is wrong at reset {now - RESET:+g} s")
    remaining = lab.RateLimit(450, 3, RESET)
    assert_equal(remaining.wait_seconds(RESET - 1000.0), 0.0, what="wait_seconds while requests remain")
    assert_equal(lab.RateLimit(450, 1, RESET).wait_seconds(RESET - 1000.0), 0.0, what="wait_seconds with one request left")
    result = lab.RateLimit(450, -1, RESET).wait_seconds(RESET - 2.0)
    check(isinstance(result, float) and abs(result - 2.0) < 1e-6, "wait_seconds with remaining below 0 should wait until reset")
    result = lab.RateLimit(450, 0, RESET).wait_seconds(RESET - 7)
    check(isinstance(result, float) and abs(result - 7.0) < 1e-6, "wait_seconds at an integer time should be a float")
