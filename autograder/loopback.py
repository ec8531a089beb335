"""Sockets on the student's own loopback, made and served by the trusted side.

A worker runs in a network namespace of its own (:mod:`autograder.sandbox`):
only its loopback exists, and the grading machine's network is out of reach.
A lab whose code talks to a server (an LLM API client) or is one (a FastAPI
app) is tested over that loopback, with the test's end of the conversation in
the runner, where the student's code cannot tamper with it:

- :func:`socket_in` makes a socket *inside the worker's namespace* and hands it
  to the runner (a short helper process joins the namespace, brings its
  loopback up, creates the socket and passes it back over a Unix socket).
  Bound to 127.0.0.1 it serves the student's client; connected to
  127.0.0.1:port it reaches a server the student's code runs.
- :class:`HTTPServer` serves a test's ``http.server`` handler on such a
  socket, in a thread of the runner.
- :func:`http_client` is an ``httpx.Client`` whose every connection is such a
  socket: the test drives the student's server with a real HTTP client.
- :func:`gradio_client` is a ``gradio_client.Client`` whose requests go
  through such a client: the test drives the student's Gradio app.

In-process (students debugging, no worker) both are ordinary local sockets.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

# Joins the namespaces of the process whose pid is argv[1], brings "lo" up,
# and sends a new socket (family argv[2], type argv[3]) over fd argv[4].
# Stdlib only and single-threaded: joining a user namespace requires both.
_JOIN = r"""
import ctypes, fcntl, os, socket, struct, sys
pid, family, kind, fd = (int(a) for a in sys.argv[1:5])
libc = ctypes.CDLL(None, use_errno=True)
def join(name, flag):
    if os.stat(f"/proc/{pid}/ns/{name}").st_ino == os.stat(f"/proc/self/ns/{name}").st_ino:
        return
    ns = os.open(f"/proc/{pid}/ns/{name}", os.O_RDONLY)
    if libc.setns(ns, flag) != 0:
        raise OSError(ctypes.get_errno(), f"joining the worker's {name} namespace")
    os.close(ns)
join("user", 0x10000000)
join("net", 0x40000000)
probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
flags = struct.unpack("16sH", fcntl.ioctl(probe, 0x8913, struct.pack("16sH", b"lo", 0)))[1]
if not flags & 1:
    fcntl.ioctl(probe, 0x8914, struct.pack("16sH", b"lo", flags | 1))
made = socket.socket(family, kind)
socket.send_fds(socket.socket(fileno=fd), [b"ok"], [made.fileno()])
"""


class LoopbackError(OSError):
    """No socket could be made in the worker's network namespace."""


def socket_in(pid: int | None, family: int = socket.AF_INET, kind: int = socket.SOCK_STREAM) -> socket.socket:
    """A new socket in the network namespace of process ``pid`` (None: this one's)."""
    if pid is None:
        return socket.socket(family, kind)
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with ours, theirs:
        done = subprocess.run(
            [sys.executable, "-I", "-S", "-c", _JOIN, str(pid), str(int(family)), str(int(kind)), str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=30,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        )
        if done.returncode != 0:
            reason = done.stderr.decode(errors="replace").strip().splitlines()
            raise LoopbackError(f"cannot open a socket beside your code's worker: {reason[-1] if reason else done.returncode}")
        _msg, fds, _flags, _addr = socket.recv_fds(ours, 16, 1)
    if not fds:
        raise LoopbackError("cannot open a socket beside your code's worker: nothing came back")
    return socket.socket(fileno=fds[0])


class HTTPServer:
    """Serve ``handler`` (a ``BaseHTTPRequestHandler`` subclass) on ``sock``
    bound to 127.0.0.1, in a daemon thread; a context manager.

    ``url`` is ``http://127.0.0.1:PORT``; ``server`` is the underlying
    ``ThreadingHTTPServer`` (a handler reaches it as ``self.server``, e.g. to
    record the requests it saw). Leaving the block stops serving without
    waiting for handlers that still stall."""

    def __init__(self, sock: socket.socket, handler: type[BaseHTTPRequestHandler]) -> None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler, bind_and_activate=False)
        server.socket.close()
        server.socket = sock
        server.server_address = sock.getsockname()[:2]
        server.daemon_threads = True
        server.block_on_close = False
        self.server = server
        self.port: int = server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> HTTPServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._thread.is_alive():
            self.server.shutdown()
            self._thread.join(timeout=5)
        self.server.server_close()


def http_client(new_socket: Callable[[], socket.socket], base_url: str = "", **client_kwargs: Any) -> httpx.Client:
    """An ``httpx.Client`` that opens each connection on a socket from
    ``new_socket()`` (e.g. one made in the worker's namespace), so that
    ``http://127.0.0.1:PORT`` means the worker's loopback.

    Keep-alive connections are reused as usual, so a socket is made per
    connection, not per request. The client is thread-safe: concurrent
    requests from several threads open several connections. ``client_kwargs``
    go to ``httpx.Client`` (``timeout``, ``headers``...). Needs httpx (the
    ``module10`` extra)."""
    import httpcore
    import httpx
    from httpcore._backends.sync import SyncStream

    class _Backend(httpcore.SyncBackend):
        def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):  # noqa: ANN001
            sock = new_socket()
            try:
                sock.settimeout(timeout)
                sock.connect((host, port))
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except TimeoutError as e:
                sock.close()
                raise httpcore.ConnectTimeout(str(e)) from e
            except OSError as e:
                sock.close()
                raise httpcore.ConnectError(str(e)) from e
            return SyncStream(sock)

    transport = httpx.HTTPTransport()
    # httpx builds its pool without a way to pass a network backend; this pool
    # is the same one with ours (the rest of the transport is unchanged).
    transport._pool = httpcore.ConnectionPool(network_backend=_Backend(), max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
    return httpx.Client(transport=transport, base_url=base_url, **client_kwargs)


class _LoopbackHttpx:
    """What ``gradio_client.client`` sees as its ``httpx`` module: the real one,
    except that every request (``get``, ``post``, ``stream`` and new
    ``Client``\\ s) goes out through :func:`http_client`'s sockets."""

    _PER_CLIENT = ("verify", "trust_env", "proxy")  # client settings, not request ones

    def __init__(self, new_socket: Callable[[], socket.socket], httpx: Any) -> None:
        self._new_socket, self._httpx = new_socket, httpx
        self._http = http_client(new_socket, timeout=60)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._httpx, name)

    def _request_kwargs(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in kwargs.items() if k not in self._PER_CLIENT}

    def get(self, url: str, **kwargs: Any) -> Any:
        return self._http.get(url, **self._request_kwargs(kwargs))

    def post(self, url: str, **kwargs: Any) -> Any:
        return self._http.post(url, **self._request_kwargs(kwargs))

    def stream(self, method: str, url: str, **kwargs: Any) -> Any:
        return self._http.stream(method, url, **self._request_kwargs(kwargs))

    def Client(self, **kwargs: Any) -> Any:  # noqa: N802 - httpx's name
        return http_client(self._new_socket, **self._request_kwargs(kwargs))

    def close(self) -> None:
        self._http.close()


_gradio_lock = threading.Lock()


@contextlib.contextmanager
def gradio_client(new_socket: Callable[[], socket.socket], src: str, **client_kwargs: Any) -> Iterator[Any]:
    """A ``gradio_client.Client`` for the Gradio app at ``src``
    (``http://127.0.0.1:PORT/``) whose requests open on sockets from
    ``new_socket()``, i.e. on the worker's loopback.

    gradio_client calls ``httpx.get/post/stream`` as module functions, which
    take no transport, so while the block runs ``gradio_client.client``'s
    ``httpx`` is a stand-in that routes them (one such block at a time in a
    process). Analytics are off (``GRADIO_ANALYTICS_ENABLED=False``, which the
    Client's own flag does not fully stop); ``client_kwargs`` go to the Client
    (``verbose=False`` and ``download_files=False`` unless given). Needs
    gradio_client (the ``module11`` extra)."""
    import gradio_client.client as gc

    with _gradio_lock:
        saved_httpx, saved_env = gc.httpx, os.environ.get("GRADIO_ANALYTICS_ENABLED")
        os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
        shim = gc.httpx = _LoopbackHttpx(new_socket, saved_httpx)
        client = None
        try:
            options = {"verbose": False, "download_files": False, "analytics_enabled": False, **client_kwargs}
            client = gc.Client(src, **options)
            yield client
        finally:
            if client is not None:
                with contextlib.suppress(Exception):
                    client.close()
            gc.httpx = saved_httpx
            shim.close()
            if saved_env is None:
                os.environ.pop("GRADIO_ANALYTICS_ENABLED", None)
            else:
                os.environ["GRADIO_ANALYTICS_ENABLED"] = saved_env
