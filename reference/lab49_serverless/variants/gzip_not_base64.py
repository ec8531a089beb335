"""Puts the gzip bytes in the body as latin-1 text and leaves isBase64Encoded false."""

_make_response = make_response


def make_response(status: int, payload: Any, headers: dict[str, str] | None = None, gzip_body: bool = False) -> dict:
    out = _make_response(status, payload, headers, gzip_body)
    if gzip_body:
        out["body"] = gzip.compress(json.dumps(payload).encode("utf-8")).decode("latin-1")
        out["isBase64Encoded"] = False
    return out
