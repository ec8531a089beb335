"""Looks for 'gzip' in Accept-Encoding as a substring: 'gzip;q=0' and 'x-gzip' count, '*' does not."""


def accepts_gzip(accept_encoding: str | None) -> bool:
    return "gzip" in (accept_encoding or "").lower()
