"""serve reports the port it was asked for (0) instead of the one the system bound."""

_serve_orig = serve


def serve(app, host="127.0.0.1", port=0, timeout=10.0):
    running = _serve_orig(app, host, port, timeout)
    running.port = port
    return running
