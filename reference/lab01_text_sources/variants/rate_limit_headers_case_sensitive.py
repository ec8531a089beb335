"""Rate-limit headers are looked up with their exact lower-case names (HTTP names are case-insensitive)."""


def parse_rate_limit(headers):
    values = {}
    for key, header in RATE_LIMIT_HEADERS.items():
        if header not in headers:
            raise MalformedSourceError(f"missing header {header}")
        try:
            values[key] = int(str(headers[header]).strip())
        except ValueError:
            raise MalformedSourceError(f"header {header} is not an integer") from None
    return RateLimit(**values)
