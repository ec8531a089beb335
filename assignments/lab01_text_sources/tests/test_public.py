"""Public sanity checks for lab 01 (text data sources and formats).

Run them with ``autograder test lab01_text_sources`` or
``pytest assignments/lab01_text_sources``. They use the small files in
``tests/data/`` and the docstrings' examples; the graded tests are more
thorough (every marker variant, every wikitext rule, damaged files, a large
dump read under a memory limit, pagination and rate limits).
"""

from __future__ import annotations

import bz2
import json
import random
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def test_read_gutenberg(lab):
    doc = lab.read_gutenberg(lab.put_file(DATA / "pg2001.txt"))
    assert doc.id == "pg2001", f"the id is the file name without extension; got {doc.id!r}"
    assert doc.source == "gutenberg"
    assert doc.title == "The Last Ferry", f"the title comes from the 'Title:' header line; got {doc.title!r}"
    assert doc.text.startswith("THE LAST FERRY"), "the body starts after the START marker (header removed)"
    last_line = "The pilot counted them twice and said nothing."
    assert doc.text.endswith(last_line), (
        "the body ends before the first END marker ('End of the Project Gutenberg EBook ...' counts)"
    )
    assert "LICENSE" not in doc.text, "the licence after the END marker is not part of the body"
    assert dict(doc.metadata) == {"title": "The Last Ferry", "author": "Owen Tarrant", "language": "English"}


def test_strip_gutenberg_markers(lab):
    text = (
        "Title: X\n\n***START OF THE PROJECT GUTENBERG EBOOK X***\n\n"
        "Hello.\n\n***END OF THE PROJECT GUTENBERG EBOOK X***\nLicence."
    )
    assert lab.strip_gutenberg(text) == "Hello.", "markers without a space after *** are markers too"
    with pytest.raises(ValueError):
        lab.strip_gutenberg("No markers at all.")


def test_wikitext_docstring_example(lab):
    text = lab.wikitext_to_text("'''Paris''' is the [[capital city|capital]] of [[France]].{{cn}}")
    assert text == "Paris is the capital of France.", f"got {text!r}"


def test_wikitext_nested_template(lab):
    assert lab.wikitext_to_text("A {{a|{{b}}|c}} B") == "A B", "nested templates disappear entirely"


def test_tiny_dump(lab):
    docs = list(lab.iter_wikipedia_dump(lab.put_file(DATA / "tiny.xml.bz2")))
    assert len(docs) == 1, f"the tiny dump has one article (plus a redirect and a talk page); got {len(docs)} documents"
    doc = docs[0]
    assert (doc.id, doc.title, doc.source) == ("7", "Ferry", "wikipedia")
    assert doc.text == "A ferry is a ship that carries people across water.", f"got {doc.text!r}"
    assert dict(doc.metadata) == {"revision_id": "7001", "timestamp": "2023-01-01T00:00:00Z"}
    stats = lab.dump_statistics((DATA / "tiny.xml.bz2").read_bytes())
    assert stats == {"articles": 1, "characters": len(doc.text)}, f"got {stats}"


def test_dump_streams(lab, tmp_path):
    """A 4 MB dump must be read with far less than 4 MB of memory (the graded test is larger)."""
    rng = random.Random(0)
    words = "the of and to in a is that for it as was".split()
    talk = "\n\n".join(" ".join(rng.choice(words) for _ in range(100)) for _ in range(200))
    page = (
        "<page><title>Talk:T{i}</title><ns>1</ns><id>{i}</id><revision><id>1</id>"
        "<timestamp>2024-01-01T00:00:00Z</timestamp><text>{t}</text></revision></page>\n"
        "<page><title>A{i}</title><ns>0</ns><id>{j}</id><revision><id>2</id>"
        "<timestamp>2024-01-01T00:00:00Z</timestamp><text>Article {i}.</text></revision></page>\n"
    )
    chunk = "".join(page.format(i=i, j=i + 1000, t=talk) for i in range(10))
    head = '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/">\n'
    streams = [bz2.compress(head.encode(), 1)] + [bz2.compress(chunk.encode(), 1)] * 4 + [bz2.compress(b"</mediawiki>\n", 1)]
    path = tmp_path / "dump.xml.bz2"
    path.write_bytes(b"".join(streams))
    size_mb = (len(head) + 4 * len(chunk)) / 2**20
    remote = lab.put_file(path)
    lab.dump_statistics((DATA / "tiny.xml.bz2").read_bytes())  # warm up
    lab.reset_memory_peak()
    stats = lab.dump_statistics(remote)
    peak = lab.memory_peak_mb()
    assert stats["articles"] == 40, f"expected 40 articles (4 streams of 10), got {stats['articles']}"
    assert peak < size_mb / 4, f"peak memory {peak:.1f} MB for a {size_mb:.1f} MB dump: stream it and clear each <page>"


def test_parse_tweets_page(lab):
    page = json.loads((DATA / "tweets_page.json").read_text(encoding="utf-8"))
    docs = lab.parse_tweets_page(page)
    assert [d.id for d in docs] == ["1600000000000000002", "1600000000000000001"]
    meta = dict(docs[0].metadata)
    assert meta["username"] == "ferrynews", "the author comes from includes.users, matched on author_id"
    assert set(meta) == {"author_id", "username", "name", "created_at", "lang"}, f"got keys {sorted(meta)}"


def test_collect_tweets_two_pages(lab):
    first = {"data": [{"id": "1", "text": "a"}], "meta": {"result_count": 1, "next_token": "t2"}}
    second = {"data": [{"id": "2", "text": "b"}], "meta": {"result_count": 1}}
    docs = lab.collect_tweets({"t2": second, "": first})
    assert [d.id for d in docs] == ["1", "2"], "start at pages[''] and follow meta.next_token"


def test_parse_rate_limit(lab):
    limit = lab.parse_rate_limit({"x-rate-limit-limit": "15", "x-rate-limit-remaining": "0", "x-rate-limit-reset": "100"})
    assert (limit.limit, limit.remaining, limit.reset) == (15, 0, 100)
    assert limit.wait_seconds(90.0) == 10.0, "no request left: wait until the reset time"
