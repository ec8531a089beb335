"""Reads the Cloud Functions query with request.args.to_dict() (the first value of each name only)."""


def gcf_entry(request: flask.Request) -> flask.Response:
    normalised = {
        "method": request.method.upper(),
        "path": request.path,
        "headers": {name.lower(): value for name, value in request.headers.items()},
        "query": {name: [value] for name, value in request.args.to_dict().items()},
        "body": request.get_data(),
    }
    status, payload, headers = dispatch(normalised)
    return flask.Response(json.dumps(payload), status=status, headers=headers, content_type=JSON_TYPE)
