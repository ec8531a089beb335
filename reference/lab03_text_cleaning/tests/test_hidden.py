"""Hidden tests for lab 03 (cleaning text).

Oracles: ``html.unescape`` decodes the entities of generated HTML, whose text
is otherwise known by construction; ``unicodedata`` (NFKC, categories) checks
``normalize_unicode`` on random text; a plain line-by-line rewrite of the
whitespace rules checks ``normalize_whitespace``. URLs, e-mails and the
streaming pipeline are checked on generated text whose cleaned form is known
piece by piece. Hand-written cases pin down the tricky rules (entities decoded
after the markup, skipped elements, block tags, broken markup, NFKC, trailing
punctuation after URLs, blank lines).
"""

from __future__ import annotations

import html
import random
import unicodedata
from pathlib import Path

import pytest

from autograder.testing import assert_equal, check

# ---- the specification's constants (the stub gives the same ones) ------------------------------------

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
CHAR_MAP = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u202f": " ",
}  # fmt: skip


# ---- oracles ------------------------------------------------------------------------------------------


def oracle_normalize_unicode(text: str) -> str:
    """The four steps of normalize_unicode, written out with unicodedata."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(
        c for c in text if c not in INVISIBLE and not (unicodedata.category(c) == "Cc" and c not in "\n\t")
    )
    text = unicodedata.normalize("NFKC", text)
    return "".join(CHAR_MAP.get(c, c) for c in text)


def oracle_normalize_whitespace(text: str) -> str:
    """The whitespace rules, line by line."""
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = " ".join(part for part in line.replace("\t", " ").split(" ") if part)
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def collapse_html_space(text: str) -> str:
    """Runs of HTML whitespace (space, tab, LF, CR, FF) become one space."""
    out, in_space = [], False
    for c in text:
        if c in " \t\n\r\f":
            if not in_space:
                out.append(" ")
            in_space = True
        else:
            out.append(c)
            in_space = False
    return "".join(out)


# ---- generated HTML with its text known by construction ------------------------------------------------

WORDS = (
    "the of and to in is that for it as was with be by on not this are or from at which but have an they you "
    "were her she there been one all we their has would when if more no out so said what up its about into"
).split()

# (raw HTML text, text after cleaning). The text after html_to_text is html.unescape(raw).
TEXT_ATOMS = [
    ("caf&eacute;", "café"), ("caf&#233;", "café"), ("caf&#xE9;", "café"), ("&amp;", "&"), ("AT&amp;T", "AT&T"),
    ("&lt;b&gt;", "<b>"), ("&amp;lt;", "&lt;"), ("&quot;hi&quot;", '"hi"'), ("&ldquo;hi&rdquo;", '"hi"'),
    ("&#8220;so&#8221;", '"so"'), ("don&rsquo;t", "don't"), ("a&mdash;b", "a-b"), ("1&ndash;2", "1-2"),
    ("x&nbsp;y", "x y"), ("&#xFB01;ne", "fine"), ("&#65313;&#65314;", "AB"), ("wait&hellip;", "wait..."),
    ("zero&#8203;width", "zerowidth"), ("&copy;", "©"), ("&#x1F600;", "😀"), ("naïve", "naïve"), ("ﬂow", "flow"),
    ("https://example.com/a?b=1&amp;c=2.", "<URL>."), ("(www.example.org/x)", "(<URL>)"),
    ("bob&#64;example.com", "<EMAIL>"), ("mail:jane.doe@mail.example.org,", "mail:<EMAIL>,"),
]  # fmt: skip
SPACES = [" ", " ", " ", "\n", "  \n\t ", "\r\n", "\t"]
INLINE_TAGS = ["b", "i", "em", "strong", "span", "small", "code", "mark", "u"]
BLOCK_CHOICES = ["p", "div", "section", "blockquote", "h1", "h2", "h3", "article", "header", "footer"]
SKIPPED = [
    '<script>if (a < b && c > d) { s = "<p>no</p>"; }</script>',
    '<script type="text/javascript">document.write("</div>hidden");</script>',
    "<style>p { color: red; } /* </p> */</style>",
    "<noscript><p>Please enable JavaScript</p></noscript>",
    "<template><div><b>template</b> text</div></template>",
    "<template><script>var t = 1;</script><p>inner</p></template>",
    "<!-- a comment with <p>markup</p> -->",
    "<!---->",
]


class HtmlGen:
    """Random HTML and the pieces its text is made of.

    ``clean=False``: the pieces are what html_to_text joins (before whitespace
    normalisation). ``clean=True``: each text atom is replaced by its cleaned
    form (then every text node starts and ends with a space, so that no URL or
    e-mail runs into its neighbour).
    """

    def __init__(self, seed: int, clean: bool = False) -> None:
        self.rng = random.Random(seed)
        self.clean = clean

    def text(self) -> tuple[str, list[str]]:
        rng = self.rng
        raws, pieces = [], []
        for _ in range(rng.randint(1, 6)):
            if rng.random() < 0.3:
                raw, cleaned = rng.choice(TEXT_ATOMS)
            else:
                raw = cleaned = rng.choice(WORDS)
            space = rng.choice(SPACES)
            raws.append(raw + space)
            pieces.append(cleaned if self.clean else collapse_html_space(html.unescape(raw)))
            pieces.append(" ")
        raw = "".join(raws)
        if self.clean:
            return " " + raw + " ", [" ", *pieces, " "]
        return raw, ["".join(pieces)]

    def node(self, depth: int) -> tuple[str, list[str]]:
        rng = self.rng
        kind = rng.random()
        if depth <= 0 or kind < 0.3:
            return self.text()
        if kind < 0.45:
            tag = rng.choice(INLINE_TAGS)
            inner, pieces = self.nodes(depth - 1, rng.randint(1, 3))
            attrs = rng.choice(["", ' class="x"', ' title="1 > 0"', " data-x='&lt;p&gt;'"])
            if tag == "span" and rng.random() < 0.5:
                return f'<a href="https://example.com/?a=1&amp;b=2"{attrs}>{inner}</a>', pieces
            close = "" if rng.random() < 0.1 else f"</{tag}>"  # unclosed inline tags change nothing
            return f"<{tag}{attrs}>{inner}{close}", pieces
        if kind < 0.7:
            tag = rng.choice(BLOCK_CHOICES)
            inner, pieces = self.nodes(depth - 1, rng.randint(1, 3))
            upper = rng.random() < 0.1
            open_, close = (f"<{tag.upper()}>", f"</{tag.upper()}>") if upper else (f"<{tag}>", f"</{tag}>")
            if rng.random() < 0.1:  # an unclosed block: only its start tag breaks the line
                return open_ + inner, ["\n", *pieces]
            return open_ + inner + close, ["\n", *pieces, "\n"]
        if kind < 0.78:
            items = [self.nodes(depth - 1, rng.randint(1, 2)) for _ in range(rng.randint(1, 3))]
            raw = "<ul>" + "".join(f"<li>{inner}</li>" for inner, _ in items) + "</ul>"
            pieces = ["\n"] + [p for _, ps in items for p in ["\n", *ps, "\n"]] + ["\n"]
            return raw, pieces
        if kind < 0.84:
            rows = [[self.text() for _ in range(rng.randint(1, 3))] for _ in range(rng.randint(1, 3))]
            raw = "<table>" + "".join("<tr>" + "".join(f"<td>{t}</td>" for t, _ in row) + "</tr>" for row in rows)
            raw += "</table>"
            pieces = ["\n"]
            for row in rows:
                pieces += ["\n"] + [p for _, ps in row for p in [" ", *ps]] + ["\n"]
            return raw, pieces + ["\n"]
        if kind < 0.92:
            return rng.choice(SKIPPED), []
        return rng.choice(["<br>", "<br/>", "<br />", "<hr>"]), ["\n"]

    def nodes(self, depth: int, n: int) -> tuple[str, list[str]]:
        raws, pieces = [], []
        for _ in range(n):
            raw, ps = self.node(depth)
            raws.append(raw)
            pieces += ps
            if self.rng.random() < 0.05:  # a stray end tag
                stray = self.rng.choice(["</p>", "</div>", "</b>", "</span>", "</script>", "</template>"])
                raws.append(stray)
                pieces += ["\n"] if stray in ("</p>", "</div>") else []
        return "".join(raws), pieces

    def document(self, n: int = 8) -> tuple[str, str]:
        """(html, the expected text)."""
        body, pieces = self.nodes(4, n)
        head = "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><style>body { margin: 0 }</style></head>\n<body>"
        expected = oracle_normalize_whitespace("".join(["\n", "\n", "\n", *pieces, "\n", "\n"]))
        return head + body + "</body></html>\n", expected


# ---- html_to_text --------------------------------------------------------------------------------------

HTML_CASES = {
    "scripts_and_styles": (
        '<p>Before</p><script>var s = "<p>not text</p>"; if (a < b) { x(); }</script>'
        "<style>p { color: red; } div > p { margin: 0 }</style><p>After</p>"
        '<SCRIPT type="module">import x from "y";</SCRIPT>',
        "Before\n\nAfter",
    ),
    "noscript_template_and_nesting": (
        "Visible<noscript><p>Enable JavaScript</p></noscript> text"
        "<template><div>row <script>var t = 1;</script><b>tail</b></div></template> more</script> end",
        "Visible text more end",
    ),
    "comments_and_declarations": (
        "<!DOCTYPE html><!-- header <p>old</p> -->one<!-- two -->three<?xml version='1.0'?> four<![CDATA[x]]>",
        "onethree four",
    ),
    "entities": (
        "caf&eacute; caf&#233; caf&#xE9; caf&#XE9; &copy; 2024 &mdash; fish &amp; chips, AT&amp;T &quot;q&quot; &#x1F600;",
        'café café café café © 2024 — fish & chips, AT&T "q" 😀',
    ),
    "escaped_markup": (
        "<p>Use &lt;b&gt;bold&lt;/b&gt; and &lt;script&gt;alert(1)&lt;/script&gt;.</p><p>&amp;lt; is &amp;amp;lt;</p>",
        "Use <b>bold</b> and <script>alert(1)</script>.\n\n&lt; is &amp;lt;",
    ),
    "block_tags": (
        "<h1>Title</h1><p>First paragraph.</p><div>A div</div><blockquote>Quote</blockquote>"
        "<section><h2>Sub</h2>Body</section>",
        "Title\n\nFirst paragraph.\n\nA div\n\nQuote\n\nSub\nBody",
    ),
    "line_breaks": (
        "one<br>two<br/>three<br />four</br>five<br><br>six<br><br><br><br>seven<hr>eight",
        "one\ntwo\nthree\nfour\nfive\n\nsix\n\nseven\neight",
    ),
    "inline_tags": (
        '<b>bold</b>face <i>it</i>alic <a href="https://example.com/?a=1&amp;b=2" title="1 > 0">link</a>'
        '<span class="x">ed</span> x<img src="a.png" alt="pic">y <custom-tag>z</custom-tag>',
        "boldface italic linked xy z",
    ),
    "lists_and_tables": (
        "<ul><li>one</li><li>two <b>2</b></li></ul><ol><li>x<li>y</ol>"
        "<table><tr><th>Name</th><th>Age</th></tr><tr><td>Ann</td><td>42</td></tr></table>",
        "one\n\ntwo 2\n\nx\ny\n\nName Age\n\nAnn 42",
    ),
    "source_whitespace": (
        "<p>\n   Hello,\n\tworld!   \r\n</p>\n\n\n<p>  a&nbsp;&nbsp;b &#160; c  </p>\n",
        "Hello, world!\n\na\xa0\xa0b \xa0 c",
    ),
    "broken_markup": (
        "<div>a<div>b</p>c</i> d<p>Unclosed <b>bold a < b and c > d <p>x</div>y",
        "a\nb\nc d\nUnclosed bold a < b and c > d\nx\ny",
    ),
    "deeply_nested_skipping": (
        "a<template><noscript><template>x</template>y</noscript>z</template>b "
        "<template><template><template><template>p</template>q</template>r</template>s</template>t",
        "ab t",
    ),
    "other_whitespace_kept": (
        "<p>a\u2003\u2003b\x0bc\u3000\u3000d &#x2028; e&#133;f</p>",
        "a\u2003\u2003b\x0bc\u3000\u3000d \u2028 e\u2026f",
    ),
}
HTML_POINTS = {"deeply_nested_skipping": 1, "other_whitespace_kept": 1}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.points(HTML_POINTS.get(c, 2))) for c in HTML_CASES])
def test_html_to_text_hand_cases(lab, case):
    """html_to_text follows the rules (skipped elements, entities after parsing, block and inline tags, broken markup)."""
    source, expected = HTML_CASES[case]
    assert_equal(lab.html_to_text(source), expected, what=f"html_to_text on the '{case}' example")


@pytest.mark.points(1)
def test_html_to_text_edge_cases(lab):
    """html_to_text of empty HTML, plain text, and a document that is all markup."""
    assert_equal(lab.html_to_text(""), "", what="html_to_text('')")
    assert_equal(lab.html_to_text("  plain   text \n"), "plain text", what="html_to_text of plain text")
    assert_equal(lab.html_to_text("<div><p></p><br></div><script>x</script>"), "", what="html_to_text without text")
    assert_equal(lab.html_to_text("<script>never closed <p>x</p>"), "", what="html_to_text of an unclosed <script>")


@pytest.mark.points(4)
def test_html_to_text_generated_documents(lab):
    """html_to_text of generated documents (nested blocks, lists, tables, scripts, entities) matches html.unescape."""
    cases = [HtmlGen(seed).document(n=10) for seed in range(30)]
    results = lab.map(lab.html_to_text, [(source,) for source, _ in cases])
    for seed, (result, (_, expected)) in enumerate(zip(results, cases)):
        assert_equal(result, expected, what=f"html_to_text of generated document #{seed}")


# ---- normalize_unicode ---------------------------------------------------------------------------------

UNICODE_CASES = {
    "nfkc_compatibility": (
        "ﬁne ﬂow ﬀ ＡＢＣ ｘｙｚ １２３！ x² H₂O ½ ™ ㎏ … Ⅻ ｶﾀｶﾅ Å",
        "fine flow ff ABC xyz 123! x2 H2O 1⁄2 TM kg ... XII カタカナ Å",
    ),
    "composition": ("cafe\u0301 n\u0303 A\u030a \u1100\u1161", "café ñ Å 가"),
    "invisible_characters": (
        "\ufeffzero\u200bwidth non\u200cjoiner jo\u200diner word\u2060joiner soft\u00adhyphen\ufeff",
        "zerowidth nonjoiner joiner wordjoiner softhyphen",
    ),
    "control_characters": (
        "a\x00b\x07c\x08d\x0be\x0cf\x1bg\x7fh\x85i\x9fj\tk\nl",
        "abcdefghij\tk\nl",
    ),
    "line_breaks": ("one\r\ntwo\rthree\n\r\nfour\r\r", "one\ntwo\nthree\n\nfour\n\n"),
    "quotes_and_dashes": (
        "\u201cHe said \u2018no\u2019\u201d \u201eso\u201f \u201aok\u201b 2\u20133 a\u2014b \u22121 x\u2010y "
        "non\u2011breaking \u2012 \u2015 \u00ab\u00bb",
        "\"He said 'no'\" \"so\" 'ok' 2-3 a-b -1 x-y non-breaking - - \u00ab\u00bb",
    ),
    "spaces": ("a\u00a0b\u2003c\u3000d\u202fe\u2009f\u00a0\u00a0g", "a b c d e f  g"),
    "deletion_before_nfkc": ("e\u200b\u0301 A\u00ad\u030a x\x07\u0327", "é Å x\u0327"),
    "kept_as_is": (
        "Case  KEPT\t\ttabs \u200eLTR mark \u2028 emoji 😀 Ωμέγα",
        "Case  KEPT\t\ttabs \u200eLTR mark \u2028 emoji 😀 Ωμέγα",
    ),
}
UNICODE_POINTS = {"invisible_characters": 2, "control_characters": 2}


@pytest.mark.parametrize(
    "case", [pytest.param(c, marks=pytest.mark.points(UNICODE_POINTS.get(c, 1))) for c in UNICODE_CASES]
)
def test_normalize_unicode_hand_cases(lab, case):
    """normalize_unicode: NFKC, invisible and control characters, quotes, dashes and spaces, in the stated order."""
    text, expected = UNICODE_CASES[case]
    check(oracle_normalize_unicode(text) == expected, "test self-check failed")
    assert_equal(lab.normalize_unicode(text), expected, what=f"normalize_unicode on the '{case}' example")


UNICODE_ALPHABET = (
    list("abcXYZ019 ,.!?'\"-\t\n") * 3
    + list("\r\u00e9\u00c5\u212b\ufb01\ufb02\uff21\uff5a\uff10\uff01\u2026\u00b2\u00bd\u2122\u338f\u2160")
    + list("\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2212\u2010\u00a0\u2003\u3000\u202f")
    + list(INVISIBLE + "\x00\x07\x0b\x0c\x1b\x7f\x85\x9f\u200e\u00ab") + ["😀", "\u0394", "\u03c9"]
)


def random_unicode_text(rng: random.Random, n: int) -> str:
    """Random text; a combining mark only ever follows a letter directly."""
    out = []
    for _ in range(n):
        char = rng.choice(UNICODE_ALPHABET)
        if char in "aeoAX" and rng.random() < 0.3:
            char += rng.choice("\u0301\u0303\u030a\u0327")
        out.append(char)
    return "".join(out)


@pytest.mark.points(3)
def test_normalize_unicode_random_text_matches_unicodedata(lab):
    """normalize_unicode of random text equals the stated steps done with unicodedata (categories, NFKC)."""
    rng = random.Random(3)
    texts = [random_unicode_text(rng, rng.choice([1, 5, 40, 300])) for _ in range(150)]
    results = lab.map(lab.normalize_unicode, [(t,) for t in texts])
    for i, (text, result) in enumerate(zip(texts, results)):
        assert_equal(result, oracle_normalize_unicode(text), what=f"normalize_unicode of random text #{i}")


# ---- replace_urls and replace_emails -------------------------------------------------------------------

URL_CASES = {
    "schemes_and_www": (
        "http://a.io https://b.org/x HTTPS://C.COM/Y Www.d.net www.e.com/f?g=h&i=j#k http://localhost:8000/p",
        "<URL> <URL> <URL> <URL> <URL> <URL>",
    ),
    "trailing_punctuation": (
        "See https://example.com/a?b=1. Or www.x.org, or http://y.io/z!? Also https://q.com/... "
        "and 'www.quoted.com' then www.c.com:",
        "See <URL>. Or <URL>, or <URL>!? Also <URL>... and '<URL>' then <URL>:",
    ),
    "brackets": (
        "(see www.python.org) https://en.wikipedia.org/wiki/Set_(mathematics)! [https://a.io/x] "
        "{www.b.com/y} (https://c.org/d_(e))). http://f.com/g]",
        "(see <URL>) <URL>! [<URL>] {<URL>} (<URL>)). <URL>]",
    ),
    "not_urls": (
        "Visit www. now, http:// or https://?! xhttp://a.io 2www.b.com ftp://c.org user@www.d.com mailto:e@f.com",
        "Visit www. now, http:// or https://?! xhttp://a.io 2www.b.com ftp://c.org user@www.d.com mailto:e@f.com",
    ),
    "boundaries": (
        'a <https://x.io/y> "http://q.org/r" http://s.com\tt www.u.v\nw https://x.y/a.b.c,d é(www.z.io)',
        'a <<URL>> "<URL>" <URL>\tt <URL>\nw <URL> é(<URL>)',
    ),
    "shortest_urls": (
        "https://a http://b www.c HTTP://D. x https://e) www.., www.! http://, https://; WWW.?",
        "<URL> <URL> <URL> <URL>. x <URL>) www.., www.! http://, https://; WWW.?",
    ),
    "more_opening_brackets": (
        "https://a.io/f((x) and www.b.org/[y]] then {www.c.com/{z} or http://d.io/((e)",
        "<URL> and <URL>] then {<URL> or <URL>",
    ),
}
URL_POINTS = {"trailing_punctuation": 2, "brackets": 2, "not_urls": 2}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.points(URL_POINTS.get(c, 1))) for c in URL_CASES])
def test_replace_urls_hand_cases(lab, case):
    """replace_urls: URL_PATTERN candidates, trailing punctuation and unbalanced brackets stay in the text."""
    text, expected = URL_CASES[case]
    assert_equal(lab.replace_urls(text), expected, what=f"replace_urls on the '{case}' example")


URL_ATOMS = [
    ("https://example.com/path/to/page.html", "<URL>"), ("http://a.b.io:8080/x?y=1&z=2#frag", "<URL>"),
    ("www.site.org", "<URL>"), ("WWW.SHOUT.COM/A", "<URL>"), ("https://w.org/wiki/A_(b)", "<URL>"),
]  # fmt: skip
URL_AFTER = ["", "", ".", ",", "!", "?", ")", "...", ";", ":", "'"]
EMAIL_ATOMS = ["bob@example.com", "jane.doe+news@mail.example.org", "x_y-z%1@sub-domain.co.uk", "A.B@C.DE"]


def random_url_sentences(seed: int) -> tuple[str, str, str]:
    """(text, text with URLs replaced, text with e-mails replaced)."""
    rng = random.Random(seed)
    text, urls, emails = [], [], []
    for _ in range(rng.randint(5, 40)):
        r = rng.random()
        if r < 0.2:
            raw, out = rng.choice(URL_ATOMS)
            after = rng.choice(URL_AFTER)
            if after == ")":
                raw, out, after = "(" + raw, "(" + out, ")"
            text.append(raw + after), urls.append(out + after), emails.append(raw + after)
        elif r < 0.35:
            raw, after = rng.choice(EMAIL_ATOMS), rng.choice(["", ".", ",", ";", ")"])
            text.append(raw + after), urls.append(raw + after), emails.append("<EMAIL>" + after)
        else:
            word = rng.choice(WORDS + ["www", "http", "@", "a.b", "x@y", "e.g."])
            text.append(word), urls.append(word), emails.append(word)
    seps = [rng.choice([" ", " ", "  ", "\n", "\t"]) for _ in text]
    join = lambda parts: "".join(p + s for p, s in zip(parts, seps))  # noqa: E731
    return join(text), join(urls), join(emails)


@pytest.mark.points(2)
def test_replace_urls_generated_sentences(lab):
    """replace_urls on generated sentences with URLs, punctuation and e-mails (e-mails stay)."""
    cases = [random_url_sentences(seed) for seed in range(60)]
    results = lab.map(lab.replace_urls, [(text,) for text, _, _ in cases])
    for i, (result, (_, expected, _)) in enumerate(zip(results, cases)):
        assert_equal(result, expected, what=f"replace_urls of generated text #{i}")


@pytest.mark.points(2)
def test_replace_emails(lab):
    """replace_emails replaces EMAIL_PATTERN matches (hand cases and generated sentences)."""
    text = "Write to jane.doe+news@mail.example.org. Or <bob@x.io>, (a_b@c-d.co.uk); x@y.z, @user, a@b, e@f.g1."
    expected = "Write to <EMAIL>. Or <<EMAIL>>, (<EMAIL>); x@y.z, @user, a@b, e@f.g1."
    assert_equal(lab.replace_emails(text), expected, what="replace_emails on a hand-written example")
    assert_equal(lab.replace_emails("no addresses here"), "no addresses here", what="replace_emails without e-mails")
    cases = [random_url_sentences(seed) for seed in range(100, 140)]
    results = lab.map(lab.replace_emails, [(text,) for text, _, _ in cases])
    for i, (result, (_, _, expected)) in enumerate(zip(results, cases)):
        assert_equal(result, expected, what=f"replace_emails of generated text #{i}")


# ---- normalize_whitespace ------------------------------------------------------------------------------

WHITESPACE_CASES = {
    "spaces_and_tabs": ("  a \t b\t\tc   d  ", "a b c d"),
    "blank_lines": ("\n\n \t\na\n\n\n\nb\n \n\t\n  c\nd\n\n \n", "a\n\nb\n\nc\nd"),
    "carriage_returns": ("a \r\n b\r\rc\r\n\r\n\r\nd\r", "a\nb\n\nc\n\nd"),
    "only_spaces_and_tabs_count": (
        " a\u00a0\u00a0b \x0c c\u3000d\x0be\u2028f\x85g\x1ch\u2003 \n\u00a0\n",
        "a\u00a0\u00a0b \x0c c\u3000d\x0be\u2028f\x85g\x1ch\u2003\n\u00a0",
    ),
}


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(WHITESPACE_CASES))
def test_normalize_whitespace_hand_cases(lab, case):
    """normalize_whitespace collapses spaces and tabs, strips lines, keeps at most one blank line."""
    text, expected = WHITESPACE_CASES[case]
    assert_equal(lab.normalize_whitespace(text), expected, what=f"normalize_whitespace on the '{case}' example")


@pytest.mark.points(2)
def test_normalize_whitespace_random_text(lab):
    """normalize_whitespace of random text with runs of spaces, tabs and line breaks."""
    rng = random.Random(5)
    texts = ["", " ", "\n\n", " \t \n"]
    for _ in range(100):
        texts.append("".join(rng.choice(["a", "bc", "d.", " ", "  ", "\t", "\n", "\n\n", " \n", "\r\n"]) for _ in range(rng.randint(1, 60))))
    results = lab.map(lab.normalize_whitespace, [(t,) for t in texts])
    for i, (text, result) in enumerate(zip(texts, results)):
        assert_equal(result, oracle_normalize_whitespace(text), what=f"normalize_whitespace of random text #{i}")


# ---- clean_text ----------------------------------------------------------------------------------------


@pytest.mark.points(2)
def test_clean_text_applies_steps_in_order(lab):
    """clean_text: NFKC before URLs, URLs before e-mails, whitespace last; html=False leaves markup alone."""
    cases = [
        ("Go to ｈｔｔｐｓ：／／ｅｘ．ｃｏｍ now", "Go to <URL> now"),  # NFKC first, then the URL
        ("“https://q.io/a”—and", '"<URL>"-and'),  # quotes and dashes mapped before URL matching
        ("see http://x.com/?to=bob@mail.com, bye", "see <URL>, bye"),  # the URL takes the address in it
        ("a\u00a0\u00a0b\t\t c\u200b \n\n\n\n  d  ", "a b c\n\nd"),  # spaces from NFKC are collapsed
        ("<p>not html</p>  &amp;", "<p>not html</p> &amp;"),  # html=False: markup is text
        ("mail\u200bme@exa\u00admple.com.", "<EMAIL>."),
    ]
    results = lab.map(lab.clean_text, [(text,) for text, _ in cases])
    for i, (result, (_, expected)) in enumerate(zip(results, cases)):
        assert_equal(result, expected, what=f"clean_text of hand-written example #{i}")
    assert_equal(lab.clean_text(text="<b>x</b>  y", html=True), "x y", what="clean_text(text=..., html=True)")
    assert_equal(lab.clean_text(text="<b>x</b>  y", html=False), "<b>x</b> y", what="clean_text(text=..., html=False)")


@pytest.mark.points(2)
def test_clean_text_html_documents(lab):
    """clean_text(html=True) on generated documents: HTML to text, then Unicode, URLs, e-mails, whitespace."""
    cases = [HtmlGen(seed, clean=True).document(n=8) for seed in range(100, 130)]
    for i, (source, expected) in enumerate(cases):
        result = lab.clean_text(source, html=True)
        assert_equal(result, expected, what=f"clean_text(html=True) of generated document #{i}")
    example = "<p>Mail&nbsp;me: bob&#64;example.com</p><p>&#xFB01;ne &lt;b&gt;</p>"
    assert_equal(lab.clean_text(example, html=True), "Mail me: <EMAIL>\n\nfine <b>", what="clean_text(html=True)")


# ---- clean_file: generated plain-text files whose cleaned lines are known -------------------------------

LINE_PIECES = [
    ("ﬁnal", "final"), ("ﬂow", "flow"), ("Ｆｕｌｌ", "Full"), ("１２３", "123"), ("“quoted”", '"quoted"'),
    ("‘single’", "'single'"), ("don’t", "don't"), ("cafe\u0301", "café"), ("café", "café"), ("naïve", "naïve"),
    ("—", "-"), ("–", "-"), ("1−2", "1-2"), ("zero\u200bwidth", "zerowidth"), ("soft\u00adhyphen", "softhyphen"),
    ("bell\x07char", "bellchar"), ("\ufeffbom", "bom"), ("wait…", "wait..."), ("x²", "x2"),
    ("https://example.com/path?q=1&r=2", "<URL>"), ("www.example.org/a_(b)", "<URL>"), ("http://x.io/y.", "<URL>."),
    ("(see https://ex.com/x)", "(see <URL>)"), ("bob@example.com", "<EMAIL>"), ("<jane.doe@mail.co.uk>", "<<EMAIL>>"),
    ("a\u00a0\u00a0b", "a b"), ("x\u3000y", "x y"), ("Ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ", "<URL>"), ("😀", "😀"),
]  # fmt: skip
LINE_SEPARATORS = [" "] * 12 + ["  ", "\t", " \t ", "\u00a0", "\u2003", "\u200b ", " \u00ad"]
LINE_EDGES = [""] * 8 + [" ", "\t", "  \t", "\u00a0", "\u200b", "\ufeff"]
BLANK_LINES = ["", "", "   ", "\t", "\u200b", " \u00a0 ", "\u2060\t", "\ufeff"]


def generated_lines(seed: int, n: int, special: float = 0.15) -> list[tuple[str, str]]:
    """``n`` (raw line without its line end, cleaned line) pairs; about 15 % of the lines clean to blank."""
    rng = random.Random(seed)
    lines = []
    for _ in range(n):
        if rng.random() < 0.15:
            lines.append((rng.choice(BLANK_LINES), ""))
            continue
        raws, cleans = [], []
        for _ in range(rng.randint(1, 25)):
            if rng.random() < special:
                raw, cleaned = rng.choice(LINE_PIECES)
            else:
                raw = cleaned = rng.choice(WORDS)
            raws.append(raw)
            cleans.append(cleaned)
        raw = "".join(r + rng.choice(LINE_SEPARATORS) for r in raws[:-1]) + raws[-1]
        lines.append((rng.choice(LINE_EDGES) + raw + rng.choice(LINE_EDGES), " ".join(cleans)))
    return lines


def expected_output(cleaned_lines: list[str]) -> str:
    """The cleaned file: blank runs collapsed, no blank lines at the ends, one final newline."""
    text = oracle_normalize_whitespace("\n".join(cleaned_lines))
    return text + "\n" if text else ""


def write_lines(path: Path, lines: list[tuple[str, str]], seed: int, final_newline: bool = True) -> bytes:
    """Write the raw lines with a mix of \\n and \\r\\n line ends; return the file's bytes."""
    rng = random.Random(seed)
    ends = [rng.choice(["\n"] * 9 + ["\r\n"]) for _ in lines]
    if not final_newline and ends:
        ends[-1] = ""
    data = "".join(raw + end for (raw, _), end in zip(lines, ends)).encode("utf-8")
    path.write_bytes(data)
    return data


def run_clean_file(lab, src: Path, monkeypatch, tmp_path: Path) -> tuple[dict, bytes]:
    """Call clean_file(src, "cleaned.txt") in a fresh working folder; return its stats and the output."""
    monkeypatch.chdir(tmp_path)  # in-process mode: "cleaned.txt" lands here
    stats = lab.clean_file(lab.put_file(src), "cleaned.txt")
    return stats, lab.get_file("cleaned.txt")


def check_stats(stats, expected: dict) -> None:
    check(isinstance(stats, dict), "clean_file should return a dict")
    assert_equal(sorted(stats), sorted(expected), what="the keys of clean_file's statistics")
    for key, value in expected.items():
        assert_equal(stats[key], value, what=f"clean_file statistics '{key}'")


PLAIN_SPACES = [" "] * 8 + ["  ", "\t", " \t "]
PLAIN_BLANKS = ["", "", " ", "\t", "  \t  "]


def plain_lines(seed: int, n: int) -> list[tuple[str, str]]:
    """ASCII lines that only need whitespace cleaning: (raw line, cleaned line); runs of blank lines."""
    rng = random.Random(seed)
    lines = []
    while len(lines) < n:
        if rng.random() < 0.2:
            lines += [(rng.choice(PLAIN_BLANKS), "") for _ in range(rng.randint(1, 4))]
            continue
        words = [rng.choice(WORDS) for _ in range(rng.randint(1, 15))]
        raw = "".join(w + rng.choice(PLAIN_SPACES) for w in words[:-1]) + words[-1]
        lines.append((rng.choice(["", "", " ", "\t "]) + raw + rng.choice(["", "", " ", " \t"]), " ".join(words)))
    return lines


@pytest.mark.points(3)
def test_clean_file_blank_lines_and_spaces(lab, tmp_path, monkeypatch):
    """clean_file on a generated ASCII file: stripped lines, one space between words, one blank line between paragraphs."""
    lines = [("", ""), ("  ", "")] + plain_lines(6, 10000) + [("\t", ""), ("", "")]
    src = tmp_path / "input.txt"
    write_lines(src, lines, seed=6)
    _, output = run_clean_file(lab, src, monkeypatch, tmp_path)
    expected = expected_output([cleaned for _, cleaned in lines])
    check(output.endswith(b"\n"), "the output file should end with a newline")
    assert_equal(output.decode("utf-8"), expected, what="the cleaned file")


@pytest.mark.points(2)
def test_clean_file_output(lab, tmp_path, monkeypatch):
    """clean_file writes exactly clean_text(whole input) + "\\n" for a generated 1 MB file (Unicode, URLs, e-mails)."""
    lines = [("", ""), (" \u200b", "")] + generated_lines(7, 12000) + [("\t", ""), ("", "")]
    src = tmp_path / "input.txt"
    write_lines(src, lines, seed=7)
    _, output = run_clean_file(lab, src, monkeypatch, tmp_path)
    expected = expected_output([cleaned for _, cleaned in lines])
    assert_equal(output.decode("utf-8"), expected, what="the cleaned file")


@pytest.mark.points(2)
def test_clean_file_statistics(lab, tmp_path, monkeypatch):
    """clean_file returns lines_in, lines_out, bytes_in and bytes_out of a generated file."""
    lines = plain_lines(8, 3000) + [("caf\u00e9 \u201cna\u00efve\u201d", 'caf\u00e9 "na\u00efve"')]
    src = tmp_path / "input.txt"
    data = write_lines(src, lines, seed=8, final_newline=False)
    stats, _ = run_clean_file(lab, src, monkeypatch, tmp_path)
    expected = expected_output([cleaned for _, cleaned in lines])
    check_stats(
        stats,
        {
            "lines_in": len(lines),
            "lines_out": expected.count("\n"),
            "bytes_in": len(data),
            "bytes_out": len(expected.encode("utf-8")),
        },
    )


FILE_EDGE_CASES = {
    "empty": (b"", b"", 0),
    "only_blank_lines": ("\n \n\t\n\u200b\n\ufeff\n".encode(), b"", 5),
    "no_final_newline": (b"  one  \n\n\ntwo", b"one\n\ntwo\n", 4),
    "crlf_and_blank_edges": (b"\r\n\r\n  a\tb \r\n\r\n\r\n c\r\n\r\n", b"a b\n\nc\n", 7),
    "byte_order_mark": ("\ufeffTitle\n\n\n“Body” – text\n".encode(), b"Title\n\n\"Body\" - text\n", 4),
    "invalid_utf8": (b"caf\xe9 ok\n\n\n\xff\xfe end \xc3\n", "caf\ufffd ok\n\n\ufffd\ufffd end \ufffd\n".encode(), 4),
    "lone_carriage_returns": (b"a\rb\r\r  c \r", b"a\nb\n\nc\n", 4),
}


@pytest.mark.points(1)
@pytest.mark.parametrize("case", list(FILE_EDGE_CASES))
def test_clean_file_edge_cases(lab, case, tmp_path, monkeypatch):
    """clean_file on small files: empty, only blank lines, no final newline, \\r\\n line ends, a byte order mark."""
    data, expected, lines_in = FILE_EDGE_CASES[case]
    src = tmp_path / "input.txt"
    src.write_bytes(data)
    stats, output = run_clean_file(lab, src, monkeypatch, tmp_path)
    assert_equal(output, expected, what=f"the cleaned file ('{case}')")
    check_stats(
        stats,
        {"lines_in": lines_in, "lines_out": expected.count(b"\n"), "bytes_in": len(data), "bytes_out": len(expected)},
    )


def huge_line(rng: random.Random, blank: bool, chars: int = 70_000) -> tuple[str, str]:
    """(raw, cleaned) line of at least ``chars`` characters: blank (spaces, tabs, invisible) or words."""
    if blank:
        return "".join(rng.choice([" ", "\t", "  ", "\u200b", "\u00a0"]) for _ in range(chars)), ""
    raws, cleans, size = [], [], 0
    while size < chars:
        raw, cleaned = rng.choice(LINE_PIECES) if rng.random() < 0.1 else (rng.choice(WORDS),) * 2
        raws.append(raw)
        cleans.append(cleaned)
        size += len(raw) + 1
    return " ".join(raws), " ".join(cleans)


@pytest.mark.points(2)
def test_clean_file_very_long_lines(lab, tmp_path, monkeypatch):
    """clean_file with lines of 70 000 characters: long blank lines between, before and after long paragraphs."""
    rng = random.Random(12)
    kinds = [True, False, True, False, True, True, False, False, True, False, True]
    lines = [huge_line(rng, blank) for blank in kinds]
    lines[7:7] = [("a", "a"), ("", ""), ("  b ", "b")]
    src = tmp_path / "input.txt"
    data = write_lines(src, lines, seed=12)
    stats, output = run_clean_file(lab, src, monkeypatch, tmp_path)
    expected = expected_output([cleaned for _, cleaned in lines])
    assert_equal(output.decode("utf-8"), expected, what="the cleaned file of very long lines")
    check_stats(
        stats,
        {
            "lines_in": len(lines),
            "lines_out": expected.count("\n"),
            "bytes_in": len(data),
            "bytes_out": len(expected.encode("utf-8")),
        },
    )


@pytest.mark.points(2)
def test_clean_file_twice_overwrites(lab, tmp_path, monkeypatch):
    """clean_file called twice with the same destination overwrites it (never appends) and returns the same statistics."""
    first = tmp_path / "first.txt"
    first.write_bytes("  One\u00a0line  \n\n\n\ttwo\n".encode())
    second = tmp_path / "second.txt"
    second.write_bytes(b"short\n")
    stats1, out1 = run_clean_file(lab, first, monkeypatch, tmp_path)
    stats2, out2 = run_clean_file(lab, first, monkeypatch, tmp_path)
    assert_equal(out1, b"One line\n\ntwo\n", what="the cleaned file (first call)")
    assert_equal(out2, b"One line\n\ntwo\n", what="the cleaned file (second call, same destination)")
    check(dict(stats1) == dict(stats2), "clean_file returned different statistics for the same input")
    stats3, out3 = run_clean_file(lab, second, monkeypatch, tmp_path)
    assert_equal(out3, b"short\n", what="the cleaned file (a shorter input into the same destination)")
    assert_equal(stats3["bytes_out"], 6, what="bytes_out after overwriting a longer file")


MEMORY_FILE_MB = 4
MEMORY_BOUND_MB = 4


@pytest.mark.points(5)
def test_clean_file_memory_stays_flat(lab, tmp_path, monkeypatch):
    """clean_file streams: a 4 MB file is cleaned with less than 4 MB of extra memory."""
    block = generated_lines(9, 4000, special=0.03)
    block_bytes = "".join(raw + "\n" for raw, _ in block).encode("utf-8")
    reps = MEMORY_FILE_MB * 2**20 // len(block_bytes) + 1
    src = tmp_path / "large.txt"
    src.write_bytes(block_bytes * reps)
    path = lab.put_file(src)
    monkeypatch.chdir(tmp_path)
    lab.reset_memory_peak()
    stats = lab.clean_file(path, "cleaned.txt")
    peak = lab.memory_peak_mb()
    check(isinstance(stats, dict), "clean_file should return a dict")
    assert_equal(stats.get("bytes_in"), len(block_bytes) * reps, what="bytes_in of the large file")
    check(stats.get("bytes_out", 0) > 0, "clean_file wrote nothing for the large file")
    check(
        peak < MEMORY_BOUND_MB,
        f"cleaning an {MEMORY_FILE_MB} MB file raised the memory by {peak:.1f} MB: "
        f"read and write it in small pieces (a line or a block of lines) and never hold the whole text",
    )
