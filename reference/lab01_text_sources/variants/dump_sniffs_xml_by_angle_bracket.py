"""iter_wikipedia_dump treats the source as plain XML only when it starts with "<", and as bz2 otherwise.

Plain XML that begins with a UTF-8 byte-order mark is then handed to the
bz2 decompressor and rejected as damaged.
"""

_reference_iter_wikipedia_dump = iter_wikipedia_dump


def iter_wikipedia_dump(source):
    with _open_raw(source) as raw:
        head = raw.read(1)
        raw.seek(0)
        if head == b"<":
            yield from _reference_iter_wikipedia_dump(raw.read())
            return
        try:
            data = bz2.decompress(raw.read())
        except (OSError, EOFError, ValueError) as exc:
            raise MalformedSourceError(f"not a bz2 dump: {exc}") from exc
        yield from _reference_iter_wikipedia_dump(data)
