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

import bz2
import contextlib
import io
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

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
        if self.remaining > 0:
            return 0.0
        return max(0.0, float(self.reset - now))


# ---- Project Gutenberg ---------------------------------------------------------------------------------

_START_MARKER = re.compile(
    r"\*{3}\s*START\s+OF\s+(?:THE|THIS)\s+PROJECT\s+GUTENBERG\s+(?:EBOOK|ETEXT)|\*END\*THE\s+SMALL\s+PRINT!",
    re.IGNORECASE,
)
_END_MARKER = re.compile(
    r"\*{3}\s*END\s+OF\s+(?:THE|THIS)\s+PROJECT\s+GUTENBERG\s+(?:EBOOK|ETEXT)|END\s+OF\s+(?:THE\s+)?PROJECT\s+GUTENBERG",
    re.IGNORECASE,
)
_HEADER_FIELD = re.compile(r"(title|author|language)\s*:(.*)", re.IGNORECASE)


def _start_line(lines: list[str]) -> int:
    """Index of the first start marker line."""
    for i, line in enumerate(lines):
        if _START_MARKER.match(line.strip()):
            return i
    raise MalformedSourceError("no Project Gutenberg START marker found")


def _marker_lines(lines: list[str]) -> tuple[int, int]:
    """Indices of the start marker line and of the first end marker line after it."""
    start = _start_line(lines)
    for end in range(start + 1, len(lines)):
        if _END_MARKER.match(lines[end].strip()):
            return start, end
    raise MalformedSourceError("no Project Gutenberg END marker after the START marker")


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
    lines = text.splitlines()
    start, end = _marker_lines(lines)
    return "\n".join(lines[start + 1 : end]).strip()


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
    lines = text.splitlines()
    start = _start_line(lines)
    found: dict[str, str | None] = {}
    i = 0
    while i < start:
        match = _HEADER_FIELD.match(lines[i])
        i += 1
        if match is None:
            continue
        parts = [match.group(2).strip()]
        while i < start and lines[i][:1].isspace() and lines[i].strip():
            parts.append(lines[i].strip())
            i += 1
        found.setdefault(match.group(1).lower(), " ".join(p for p in parts if p) or None)
    return {name: found.get(name) for name in ("title", "author", "language")}


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
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    body = strip_gutenberg(text)
    metadata = gutenberg_metadata(text)
    return Document(id=Path(path).stem, title=metadata["title"] or "", text=body, source="gutenberg", metadata=metadata)


# ---- wikitext -------------------------------------------------------------------------------------------

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_REF_SELF_CLOSING = re.compile(r"<ref\b[^>]*/>", re.IGNORECASE)
_REF = re.compile(r"<ref\b[^>]*>.*?</ref\s*>", re.IGNORECASE | re.DOTALL)
_INNERMOST_TEMPLATE = re.compile(r"\{\{(?:(?!\{\{|\}\}).)*\}\}", re.DOTALL)
_INNERMOST_TABLE = re.compile(r"\{\|(?:(?!\{\||\|\}).)*\|\}", re.DOTALL)
_INNERMOST_LINK = re.compile(r"\[\[([^\[\]]*)\]\]")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_EMPHASIS = re.compile(r"''+")
_HEADING = re.compile(r"(=+)[ \t]*(.*?)[ \t]*\1[ \t]*")

#: Link namespaces whose links are dropped entirely (compared lower-cased).
DROPPED_LINK_NAMESPACES = frozenset({"file", "image", "category"})


def _remove_innermost(pattern: re.Pattern, text: str) -> str:
    """Delete matches of ``pattern`` until none is left (innermost first for nested markup)."""
    while True:
        text, n = pattern.subn("", text)
        if n == 0:
            return text


def _link_text(match: re.Match) -> str:
    target, pipe, label = match.group(1).partition("|")
    namespace, colon, _ = target.partition(":")
    if colon and namespace.strip().lower() in DROPPED_LINK_NAMESPACES:
        return ""
    return label if pipe else target


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
    text = _COMMENT.sub("", wikitext)
    text = _REF_SELF_CLOSING.sub("", text)
    text = _REF.sub("", text)
    text = _remove_innermost(_INNERMOST_TEMPLATE, text)
    text = _remove_innermost(_INNERMOST_TABLE, text)
    while True:
        text, n = _INNERMOST_LINK.subn(_link_text, text)
        if n == 0:
            break
    text = _TAG.sub("", text)
    text = _EMPHASIS.sub("", text)
    lines: list[str] = []
    for line in text.split("\n"):
        heading = _HEADING.fullmatch(line) if line.startswith("=") else None
        if heading:
            line = heading.group(2)
        line = " ".join(line.split())  # whitespace runs -> one space, stripped
        if line or (lines and lines[-1]):  # at most one blank line in a row, none at the start
            lines.append(line)
    return "\n".join(lines).strip()


# ---- MediaWiki XML dumps ------------------------------------------------------------------------------

BZ2_MAGIC = b"BZh"


def _local(tag: str) -> str:
    """``{namespace-uri}page`` -> ``page``."""
    return tag.rpartition("}")[2]


def _child(elem: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in elem if _local(c.tag) == name), None)


def _child_text(elem: ET.Element | None, name: str) -> str | None:
    child = None if elem is None else _child(elem, name)
    return None if child is None else (child.text or "")


def _open_raw(source: str | os.PathLike | bytes) -> BinaryIO:
    """A binary file object over the dump's bytes (compressed or not)."""
    if isinstance(source, (bytes, bytearray)):
        return io.BytesIO(source)
    return open(source, "rb")


def _page_document(page: ET.Element) -> Document | None:
    """The article of a ``<page>`` element, or None for redirects and other namespaces."""
    if (_child_text(page, "ns") or "").strip() != "0" or _child(page, "redirect") is not None:
        return None
    revision = _child(page, "revision")
    return Document(
        id=_child_text(page, "id") or "",
        title=_child_text(page, "title") or "",
        text=wikitext_to_text(_child_text(revision, "text") or ""),
        source="wikipedia",
        metadata={"revision_id": _child_text(revision, "id"), "timestamp": _child_text(revision, "timestamp")},
    )


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
    with _open_raw(source) as raw:
        compressed = raw.read(len(BZ2_MAGIC)) == BZ2_MAGIC
        raw.seek(0)
        with bz2.BZ2File(raw) if compressed else contextlib.nullcontext(raw) as stream:
            root = None
            try:
                for event, elem in ET.iterparse(stream, events=("start", "end")):
                    if root is None:
                        root = elem  # <mediawiki>: every <page> is its child
                    if event == "end" and _local(elem.tag) == "page":
                        document = _page_document(elem)
                        root.clear()  # forget this page (and the <siteinfo> before it)
                        if document is not None:
                            yield document
            except (ET.ParseError, EOFError, OSError) as exc:  # bad XML; truncated or corrupt bz2
                raise MalformedSourceError(f"the dump is truncated or not well-formed: {exc}") from exc


def dump_statistics(source: str | os.PathLike | bytes) -> dict[str, int]:
    """Totals over the articles of a dump, reading it in constant memory.

    Consume :func:`iter_wikipedia_dump` ``(source)`` without keeping the
    documents and return ``{"articles": number of articles, "characters":
    sum of len(text) over the articles}``.
    Raises like :func:`iter_wikipedia_dump`.
    """
    articles = characters = 0
    for document in iter_wikipedia_dump(source):
        articles += 1
        characters += len(document.text)
    return {"articles": articles, "characters": characters}


# ---- Twitter API v2 ------------------------------------------------------------------------------------

#: The metadata keys of a tweet's Document, in this order.
TWEET_METADATA_KEYS = ("author_id", "username", "name", "created_at", "lang")


def _page_object(page: Mapping[str, Any] | str | bytes) -> Mapping[str, Any]:
    if isinstance(page, (str, bytes)):
        try:
            page = json.loads(page)
        except ValueError as exc:  # json.JSONDecodeError and UnicodeDecodeError
            raise MalformedSourceError(f"the page is not valid JSON: {exc}") from exc
    if not isinstance(page, Mapping):
        raise MalformedSourceError("a response page must be a JSON object")
    return page


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
    page = _page_object(page)
    tweets = page.get("data")
    if tweets is None:
        errors = page.get("errors") or []
        if errors:
            first = errors[0] if isinstance(errors[0], Mapping) else {}
            raise TwitterAPIError(str(first.get("detail") or first.get("title") or "the API returned an error"))
        return []
    if not isinstance(tweets, list):
        raise MalformedSourceError('"data" must be a list of tweets')
    users = {user.get("id"): user for user in (page.get("includes") or {}).get("users") or []}
    documents = []
    for tweet in tweets:
        author = users.get(tweet.get("author_id"), {})
        metadata = {
            "author_id": tweet.get("author_id"),
            "username": author.get("username"),
            "name": author.get("name"),
            "created_at": tweet.get("created_at"),
            "lang": tweet.get("lang"),
        }
        documents.append(Document(id=str(tweet["id"]), title="", text=tweet["text"], source="twitter", metadata=metadata))
    return documents


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
    documents: list[Document] = []
    seen_ids: set[str] = set()
    followed: set[str] = set()
    token = ""
    while True:
        if token not in pages:
            raise MalformedSourceError(f"no page for pagination token {token!r}")
        followed.add(token)
        page = _page_object(pages[token])
        for document in parse_tweets_page(page):
            if document.id not in seen_ids:
                seen_ids.add(document.id)
                documents.append(document)
        token = (page.get("meta") or {}).get("next_token") or ""
        if not token:
            return documents
        if token in followed:
            raise MalformedSourceError(f"pagination token {token!r} came back: the pages form a loop")


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
    lowered = {str(name).lower(): value for name, value in headers.items()}
    values = {}
    for key, header in RATE_LIMIT_HEADERS.items():
        if header not in lowered:
            raise MalformedSourceError(f"missing header {header}")
        try:
            values[key] = int(str(lowered[header]).strip())
        except ValueError:
            raise MalformedSourceError(f"header {header} is not an integer") from None
    return RateLimit(**values)
