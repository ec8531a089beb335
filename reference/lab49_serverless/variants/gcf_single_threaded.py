"""Serves the Cloud Function with a single-threaded WSGI server: a cold start blocks every other request."""


def serve_gcf(port: int = 0) -> int:
    import functions_framework
    from werkzeug.serving import make_server

    app = functions_framework.create_app(target="gcf_entry", source=__file__)
    server = make_server("127.0.0.1", port, app)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_port
