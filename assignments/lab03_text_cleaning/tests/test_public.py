"""Public sanity checks for lab 03 (cleaning text).

Run them with ``autograder test lab03_text_cleaning`` or
``pytest assignments/lab03_text_cleaning``. They only use the examples from
the docstrings; the graded tests are far more thorough (generated HTML and
text, every rule of the docstrings, a large file and its memory use).
"""

from __future__ import annotations


def test_html_paragraphs_and_entities(lab):
    result = lab.html_to_text("<p>One</p><p>Two &amp; three</p>")
    assert result == "One\n\nTwo & three", f"each <p> boundary ends a line and &amp; is decoded; got {result!r}"


def test_html_line_break_and_list(lab):
    assert lab.html_to_text("a<br>b") == "a\nb", "<br> inserts one line break"
    result = lab.html_to_text("<ul><li>x</li><li>y</li></ul>")
    assert result == "x\n\ny", f"start and end tags of block elements each insert a line break; got {result!r}"


def test_html_source_whitespace_and_script(lab):
    result = lab.html_to_text("<p>Hello\n   world</p><script>var x;</script>")
    assert result == "Hello world", f"whitespace in the source collapses, scripts are dropped; got {result!r}"


def test_html_inline_tags_insert_nothing(lab):
    result = lab.html_to_text("<b>bold</b>face")
    assert result == "boldface", f"inline tags do not separate words; got {result!r}"


def test_normalize_unicode_docstring_example(lab):
    result = lab.normalize_unicode("\ufeff“Caf\u00e9 ﬁx” – ＯＫ\u200b!\r\n")
    assert result == '"Café fix" - OK!\n', f"BOM and zero-width space removed, NFKC, quotes and dash mapped; got {result!r}"


def test_replace_urls_docstring_examples(lab):
    assert lab.replace_urls("See https://example.com/a?b=1.") == "See <URL>.", "the final period is not part of the URL"
    assert lab.replace_urls("(see www.python.org)") == "(see <URL>)", "an unbalanced ')' is not part of the URL"
    result = lab.replace_urls("https://en.wikipedia.org/wiki/Set_(mathematics)!")
    assert result == "<URL>!", f"a balanced ')' is part of the URL; got {result!r}"
    assert lab.replace_urls("Visit www. now") == "Visit www. now", "a bare 'www.' is not a URL"


def test_replace_emails_docstring_example(lab):
    result = lab.replace_emails("Write to jane.doe+news@mail.example.org.")
    assert result == "Write to <EMAIL>.", f"got {result!r}"


def test_normalize_whitespace_docstring_example(lab):
    result = lab.normalize_whitespace("  a \t b \n\n \n\tc\n\n")
    assert result == "a b\n\nc", f"spaces collapse, lines are stripped, at most one blank line; got {result!r}"


def test_clean_text_docstring_example(lab):
    result = lab.clean_text("<p>Mail\u00a0me: bob@example.com</p><p>ﬁne</p>", html=True)
    assert result == "Mail me: <EMAIL>\n\nfine", f"got {result!r}"


def test_clean_file_small(lab, tmp_path, monkeypatch):
    src = tmp_path / "input.txt"
    src.write_text("  Hello\u200b   world  \n\n\n\nﬁne\n\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    stats = lab.clean_file(lab.put_file(src), "cleaned.txt")
    output = lab.get_file("cleaned.txt").decode("utf-8")
    assert output == "Hello world\n\nfine\n", f"the file should hold clean_text(input) + a newline; got {output!r}"
    assert stats["lines_in"] == 6 and stats["lines_out"] == 3, f"lines_in is 6 and lines_out is 3; got {stats}"
