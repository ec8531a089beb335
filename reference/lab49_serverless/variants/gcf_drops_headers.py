"""Returns (body, status) from the Cloud Functions entry point: the allow header and the JSON content-type are lost."""


def gcf_entry(request: flask.Request):
    normalised = {
        "method": request.method.upper(),
        "path": request.path,
        "headers": {name.lower(): value for name, value in request.headers.items()},
        "query": {name: request.args.getlist(name) for name in request.args.keys()},
        "body": request.get_data(),
    }
    status, payload, _ = dispatch(normalised)
    return json.dumps(payload), status
