"""The dump reader decompresses the whole file and builds the whole tree (ET.fromstring).

Correct results, but the memory grows with the dump (several times its size).
"""


def iter_wikipedia_dump(source):
    with _open_raw(source) as raw:
        data = raw.read()
    try:
        if data.startswith(BZ2_MAGIC):
            data = bz2.decompress(data)
        root = ET.fromstring(data)
    except (ET.ParseError, EOFError, OSError, ValueError) as exc:
        raise MalformedSourceError(str(exc)) from exc
    for page in root:
        if _local(page.tag) == "page":
            document = _page_document(page)
            if document is not None:
                yield document
