"""Lets parse_event's exceptions escape the handler (API Gateway would answer 502)."""


def lambda_handler(event: dict, context: Any) -> dict:
    request = parse_event(event)
    status, payload, headers = dispatch(request)
    headers = {**headers, "x-request-id": request["request_id"]}
    return make_response(status, payload, headers, gzip_body=accepts_gzip(request["headers"].get("accept-encoding")))
