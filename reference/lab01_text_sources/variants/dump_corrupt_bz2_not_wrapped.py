"""iter_wikipedia_dump wraps XML errors and truncation (EOFError) but lets the OSError of a corrupt bz2 stream escape."""


def iter_wikipedia_dump(source):
    with _open_raw(source) as raw:
        compressed = raw.read(len(BZ2_MAGIC)) == BZ2_MAGIC
        raw.seek(0)
        with bz2.BZ2File(raw) if compressed else contextlib.nullcontext(raw) as stream:
            root = None
            try:
                for event, elem in ET.iterparse(stream, events=("start", "end")):
                    if root is None:
                        root = elem
                    if event == "end" and _local(elem.tag) == "page":
                        document = _page_document(elem)
                        root.clear()
                        if document is not None:
                            yield document
            except (ET.ParseError, EOFError) as exc:
                raise MalformedSourceError(f"the dump is truncated or not well-formed: {exc}") from exc
