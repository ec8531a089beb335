"""Forgets the x-request-id header."""


def lambda_handler(event: dict, context: Any) -> dict:
    try:
        request = parse_event(event)
    except (KeyError, TypeError, ValueError):
        return make_response(400, {"error": "not an API Gateway proxy event"})
    status, payload, headers = dispatch(request)
    return make_response(status, payload, headers, gzip_body=accepts_gzip(request["headers"].get("accept-encoding")))
