"""Reads every event as a payload 1.0 event (httpMethod, path, headers, queryStringParameters): the v2 event read as v1."""


def parse_event(event: dict) -> dict:
    context = event["requestContext"]
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    query = {name: [value] for name, value in (event.get("queryStringParameters") or {}).items()}
    body = event.get("body")
    raw = b"" if body is None else base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else body.encode("utf-8")
    return {
        "version": "1.0",
        "method": (event.get("httpMethod") or "GET").upper(),
        "path": event.get("path") or "/",
        "headers": headers,
        "query": query,
        "body": raw,
        "request_id": context["requestId"],
        "source_ip": context.get("identity", {}).get("sourceIp"),
    }
