"""Lab 01: text data sources and formats.

Corpora arrive in many formats. This lab reads three typical ones into one
common record, :class:`Document`:

- **Project Gutenberg** plain-text books: strip the header and the footer
  (licence) around the ``*** START OF ...`` / ``*** END OF ...`` markers, in
  all their historical variants, and read the title, author and language
  from the header;
- **MediaWiki XML dumps** (Wikipedia's ``pages-articles.xml.bz2``): read the
  compressed dump as a *stream* in constant memory, keep only real articles
  (no redirects, no talk or user pages) and turn their wikitext markup into
  plain text;
- **Twitter API v2** JSON responses: expand each tweet's author from
  ``includes.users``, follow the pagination tokens across pages, and parse
  the rate-limit headers.

Every function is defined precisely by its docstring; read them first.
Malformed input raises :class:`MalformedSourceError` (a ``ValueError``) or,
for an error response of the Twitter API, :class:`TwitterAPIError`.

Given (keep them as they are): the :class:`Document` and :class:`RateLimit`
records, the two exception classes and the constants. To do: every body
that raises ``NotImplementedError``, including ``RateLimit.wait_seconds``.
You may add helper functions and module-level regular expressions.
"""

from __future__ import annotations

import bz2  # noqa: F401  (the standard library is all you need)
import contextlib  # noqa: F401
import io  # noqa: F401
import json  # noqa: F401
import os
import re  # noqa: F401
import xml.etree.ElementTree as ET  # noqa: F401
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path  # noqa: F401
from typing import Any

# ---- the common record and the errors (given: keep them as they are) ---------------------------------


@dataclass
class Document:
    """One text from any source.

    - ``id``: an identifier, unique within its source (always a ``str``);
    - ``title``: the title, ``""`` when the source has none;
    - ``text``: the clean plain text;
    - ``source``: ``"gutenberg"``, ``"wikipedia"`` or ``"twitter"``;
    - ``metadata``: source-specific fields (each reader's docstring lists
      the keys; a missing value is ``None``).
    """

    id: str
    title: str
    text: str
    source: str
    metadata: dict[str, Any] = field(default_factory=dict)


class MalformedSourceError(ValueError):
    """The input is not a well-formed file or page of the expected format."""


class TwitterAPIError(MalformedSourceError):
    """The Twitter API answered with errors and no data."""


@dataclass
class RateLimit:
    """The rate-limit state of an API endpoint, from the response headers.

    ``limit``: requests allowed per window; ``remaining``: requests left in
    the current window; ``reset``: when the window resets, in Unix epoch
    seconds (UTC).
    """

    limit: int
    remaining: int
    reset: int

    def wait_seconds(self, now: float) -> float:
        """Seconds to wait before the next request, at Unix time ``now``.

        ``0.0`` while ``remaining > 0``; otherwise the time until ``reset``,
        ``max(0.0, reset - now)`` (never negative), as a ``float``.
        """
        raise NotImplementedError("TODO: implement RateLimit.wait_seconds")


# ---- Project Gutenberg ---------------------------------------------------------------------------------


def strip_gutenberg(text: str) -> str:
    """The body of a Project Gutenberg text: everything between its markers.

    Lines are ``text.splitlines()``; a line is tested with surrounding
    whitespace removed (``line.strip()``), ignoring letter case, and words
    inside a marker may be separated by any whitespace.

    - A **start marker** is a line that begins with three asterisks, optional
      whitespace, then ``START OF THE PROJECT GUTENBERG EBOOK`` or ``START OF
      THIS PROJECT GUTENBERG EBOOK`` (``ETEXT`` instead of ``EBOOK`` also
      counts); anything may follow (usually the title and ``***``). Examples:
      ``*** START OF THIS PROJECT GUTENBERG EBOOK EMMA ***``,
      ``***START OF THE PROJECT GUTENBERG EBOOK``,
      ``*** Start of the Project Gutenberg eBook Emma ***``.
      The older "small print" header ends with a line that begins with
      ``*END*THE SMALL PRINT!`` (e.g. ``*END*THE SMALL PRINT! FOR PUBLIC
      DOMAIN ETEXTS*Ver.04.29.93*END*``): that line is a start marker too.
    - An **end marker** is a line that begins with three asterisks, optional
      whitespace, then ``END OF THE (or THIS) PROJECT GUTENBERG EBOOK`` (or
      ``ETEXT``), or a line that begins with ``END OF THE PROJECT GUTENBERG``
      or ``END OF PROJECT GUTENBERG`` (as in ``End of the Project Gutenberg
      EBook of Emma`` or ``End of Project Gutenberg's Emma``).

    The body is made of the lines strictly between the **first** start
    marker and the **first** end marker after it, joined with ``"\\n"`` and
    stripped of surrounding whitespace (``.strip()``). So the licence that
    follows the end marker is never part of the body, and neither is an
    ``End of the Project Gutenberg EBook of ...`` line just before the
    ``*** END OF ...`` line.

    Raises :class:`MalformedSourceError` if there is no start marker, or no
    end marker after it.
    """
    raise NotImplementedError("TODO: implement strip_gutenberg")


def gutenberg_metadata(text: str) -> dict[str, str | None]:
    """Title, author and language from the header of a Project Gutenberg text.

    The header is the lines (``text.splitlines()``) before the start marker
    (see :func:`strip_gutenberg`). A field line begins, with no leading
    whitespace, with ``Title``, ``Author`` or ``Language`` (any letter case),
    optional spaces and a colon; its value is the rest of the line, stripped.
    The value continues on the following lines as long as they begin with
    whitespace and are not blank: each such line is stripped and appended
    after a single space (``"Title: A Tale\\n    of Two Cities"`` gives
    ``"A Tale of Two Cities"``). If a field occurs more than once, its first
    occurrence counts.

    Returns ``{"title": ..., "author": ..., "language": ...}``; a field that
    is missing or has an empty value is ``None``.
    Raises :class:`MalformedSourceError` if there is no start marker.
    """
    raise NotImplementedError("TODO: implement gutenberg_metadata")


def read_gutenberg(path: str | os.PathLike) -> Document:
    """Read a Project Gutenberg ``.txt`` file into a :class:`Document`.

    The bytes are decoded as UTF-8, dropping a leading byte-order mark
    (``"utf-8-sig"``); if they are not valid UTF-8 (older books are often
    Latin-1), they are decoded as ``"latin-1"`` instead.

    - ``id``: the file name without its extension (``Path(path).stem``);
    - ``title``: the header's title, or ``""`` if it has none;
    - ``text``: :func:`strip_gutenberg` of the decoded text;
    - ``source``: ``"gutenberg"``;
    - ``metadata``: :func:`gutenberg_metadata` of the decoded text (keys
      ``"title"``, ``"author"``, ``"language"``).

    Raises :class:`MalformedSourceError` as :func:`strip_gutenberg` does.
    """
    raise NotImplementedError("TODO: implement read_gutenberg")


# ---- wikitext -------------------------------------------------------------------------------------------


#: Link namespaces whose links are dropped entirely (compared lower-cased).
DROPPED_LINK_NAMESPACES = frozenset({"file", "image", "category"})


def wikitext_to_text(wikitext: str) -> str:
    """Plain text from MediaWiki markup, by these steps in this order:

    1. comments ``<!-- ... -->`` are removed (they may span lines);
    2. references are removed with their content: first the self-closing
       ``<ref name="x" />``, then ``<ref>...</ref>`` and ``<ref name="x">...</ref>``
       (the tag name ``ref`` in any case, the content may span lines; a
       ``<references />`` tag is not a reference);
    3. templates ``{{ ... }}`` are removed, including nested ones
       (``{{a|{{b}}|c}}`` disappears entirely): repeatedly remove innermost
       templates until none is left;
    4. tables ``{| ... |}`` are removed the same way (innermost first);
    5. links ``[[ ... ]]``, innermost first: ``[[target|text]]`` becomes
       ``text`` (everything after the first ``|``), ``[[target]]`` becomes
       ``target``, and a link whose target starts with a namespace in
       :data:`DROPPED_LINK_NAMESPACES` (``File:``, ``Image:``, ``Category:``,
       any case) is removed entirely, caption included (so
       ``[[File:x.jpg|thumb|A [[cat]]]]`` disappears);
    6. every other tag ``<name ...>``, ``</name>`` or ``<name/>`` is removed,
       keeping the text between tags (``<small>x</small>`` -> ``x``);
    7. emphasis: every run of two or more apostrophes (``''``, ``'''``,
       ``'''''``) is removed; a single apostrophe stays;
    8. headings: a line made of ``=`` signs, the heading, and as many ``=``
       signs (``== History ==``, ``=== Early life ===``; spaces or tabs may
       surround the heading and end the line) becomes the heading alone
       (``History``);
    9. whitespace: lines are ``text.split("\\n")``; in every line, runs of
       whitespace become one space and the line is stripped (that is
       ``" ".join(line.split())``); runs of empty lines become a single empty
       line; the whole text is stripped.

    The input's braces and brackets are assumed balanced.
    Example: ``"'''Paris''' is the [[capital city|capital]] of [[France]].{{cn}}"``
    -> ``"Paris is the capital of France."``.
    """
    raise NotImplementedError("TODO: implement wikitext_to_text")


# ---- MediaWiki XML dumps ------------------------------------------------------------------------------

BZ2_MAGIC = b"BZh"


def iter_wikipedia_dump(source: str | os.PathLike | bytes) -> Iterator[Document]:
    """Stream the articles of a MediaWiki XML export, one :class:`Document` at a time.

    ``source`` is a path to the dump or the dump's bytes. It is
    bz2-compressed when it starts with the bytes :data:`BZ2_MAGIC`
    (``b"BZh"``), otherwise it is plain XML (which may begin with a UTF-8
    byte-order mark, ``b"\xef\xbb\xbf"``). Read it incrementally
    (``xml.etree.ElementTree.iterparse`` on a file object, e.g. from
    ``bz2.open``) and clear every processed ``<page>`` element, so that
    memory stays flat however large the dump is: never read the whole file,
    never build the whole tree.

    The export's XML namespace URI depends on its version (``export-0.10``,
    ``export-0.11``, ...): match elements by their local name (the part of
    the tag after ``}``). Each ``<page>`` has ``<title>``, ``<ns>``,
    ``<id>``, maybe ``<redirect title="..."/>``, and one ``<revision>`` with
    its own ``<id>``, a ``<timestamp>`` and the wikitext in ``<text>`` (a
    ``<contributor>`` inside it has yet another ``<id>``).

    A page is an article when its ``<ns>`` is ``0`` and it has no
    ``<redirect>`` child; other pages (talk pages, user pages, redirects,
    the virtual namespaces ``-1`` and ``-2``) are skipped. For each
    article, in dump order, yield

    - ``id``: the page's ``<id>`` (a direct child of ``<page>``), as text;
    - ``title``: the ``<title>`` text;
    - ``text``: :func:`wikitext_to_text` of the revision's ``<text>``
      (an empty or missing ``<text>`` gives ``""``);
    - ``source``: ``"wikipedia"``;
    - ``metadata``: ``{"revision_id": <the revision's own <id> text>,
      "timestamp": <the revision's <timestamp> text>}``.

    Raises :class:`MalformedSourceError` when the file is truncated or is
    not well-formed XML (while iterating, after the articles before the
    damage have been yielded); a missing file raises ``FileNotFoundError``.
    """
    raise NotImplementedError("TODO: implement iter_wikipedia_dump")


def dump_statistics(source: str | os.PathLike | bytes) -> dict[str, int]:
    """Totals over the articles of a dump, reading it in constant memory.

    Consume :func:`iter_wikipedia_dump` ``(source)`` without keeping the
    documents and return ``{"articles": number of articles, "characters":
    sum of len(text) over the articles}``.
    Raises like :func:`iter_wikipedia_dump`.
    """
    raise NotImplementedError("TODO: implement dump_statistics")


# ---- Twitter API v2 ------------------------------------------------------------------------------------

#: The metadata keys of a tweet's Document, in this order.
TWEET_METADATA_KEYS = ("author_id", "username", "name", "created_at", "lang")


def parse_tweets_page(page: Mapping[str, Any] | str | bytes) -> list[Document]:
    """The tweets of one Twitter API v2 response page, authors expanded.

    ``page`` is the decoded JSON object, or its JSON text (``str`` or
    ``bytes``). A page looks like ``{"data": [tweet, ...], "includes":
    {"users": [user, ...]}, "meta": {"result_count": ..., "next_token":
    ...}}``; a tweet has ``"id"``, ``"text"`` and usually ``"author_id"``,
    ``"created_at"``, ``"lang"``; a user has ``"id"``, ``"username"``,
    ``"name"``. A tweet's author is the user of the **same page's**
    ``includes.users`` whose ``"id"`` equals the tweet's ``"author_id"``.

    Returns one :class:`Document` per tweet, in page order: ``id`` and
    ``text`` from the tweet, ``title`` ``""``, ``source`` ``"twitter"``,
    ``metadata`` with exactly the keys of :data:`TWEET_METADATA_KEYS`:
    ``author_id``, ``created_at`` and ``lang`` from the tweet, ``username``
    and ``name`` from the author; whatever is missing (no such field, no
    ``includes``, an author not included) is ``None``.

    A page without ``"data"`` has no tweets and gives ``[]`` (the API sends
    ``{"meta": {"result_count": 0}}``), unless it has a non-empty
    ``"errors"`` list: then raise :class:`TwitterAPIError` whose message
    contains the first error's ``"detail"`` (or its ``"title"`` if it has no
    detail). A page with both ``"data"`` and ``"errors"`` (partial errors)
    is parsed normally. Raises :class:`MalformedSourceError` for invalid
    JSON text, a page that is not an object, or a ``"data"`` that is not a
    list.
    """
    raise NotImplementedError("TODO: implement parse_tweets_page")


def collect_tweets(pages: Mapping[str, Mapping[str, Any] | str | bytes]) -> list[Document]:
    """All tweets of a paginated search, following ``meta.next_token``.

    ``pages`` maps a pagination token to the response page the API returns
    for it; the first request has no token and its page is ``pages[""]``.
    Start there, then request the page of the current page's
    ``meta.next_token``; stop after a page without one (a missing ``meta``,
    or a ``next_token`` that is missing, ``None`` or ``""``). Pages not
    reached this way are ignored, whatever their order in ``pages``.

    Returns the :class:`Document` of every tweet (:func:`parse_tweets_page`)
    in the order fetched; a tweet id seen before (new tweets can shift a
    result set between requests) is skipped, keeping its first occurrence.

    Raises :class:`MalformedSourceError` if ``""`` or a token is missing
    from ``pages``, or if a token comes back that was already followed (the
    pagination would never end); errors of :func:`parse_tweets_page`
    propagate.
    """
    raise NotImplementedError("TODO: implement collect_tweets")


#: The rate-limit response headers (HTTP header names are case-insensitive).
RATE_LIMIT_HEADERS = {"limit": "x-rate-limit-limit", "remaining": "x-rate-limit-remaining", "reset": "x-rate-limit-reset"}


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimit:
    """The :class:`RateLimit` of a response from its HTTP headers.

    Reads the headers of :data:`RATE_LIMIT_HEADERS` (``x-rate-limit-limit``,
    ``x-rate-limit-remaining``, ``x-rate-limit-reset``). Header names are
    case-insensitive (``X-Rate-Limit-Limit`` is the same header); values
    are decimal integers, possibly with surrounding whitespace. Other
    headers are ignored.

    Raises :class:`MalformedSourceError` if one of the three is missing or
    is not an integer.
    """
    raise NotImplementedError("TODO: implement parse_rate_limit")
