"""parse_rate_limit converts header values with int(float(value)), accepting "4.5" and "1e3" (they must be decimal integers)."""


def parse_rate_limit(headers):
    lowered = {str(name).lower(): value for name, value in headers.items()}
    values = {}
    for key, header in RATE_LIMIT_HEADERS.items():
        if header not in lowered:
            raise MalformedSourceError(f"missing header {header}")
        try:
            values[key] = int(float(str(lowered[header]).strip()))
        except ValueError:
            raise MalformedSourceError(f"header {header} is not an integer") from None
    return RateLimit(**values)
