"""The dump reader uses iterparse but never clears the processed pages.

It streams the input, yet the tree keeps every page: memory grows with the dump.
"""


def iter_wikipedia_dump(source):
    with _open_raw(source) as raw:
        compressed = raw.read(len(BZ2_MAGIC)) == BZ2_MAGIC
        raw.seek(0)
        stream = bz2.BZ2File(raw) if compressed else raw
        try:
            for _, elem in ET.iterparse(stream):
                if _local(elem.tag) == "page":
                    document = _page_document(elem)
                    if document is not None:
                        yield document
        except (ET.ParseError, EOFError, OSError) as exc:
            raise MalformedSourceError(str(exc)) from exc
