"""Open a connection to a listener on the grading machine's loopback.
base: stub
expect: network access is blocked
"""
import socket


def add(a, b):
    socket.create_connection(("127.0.0.1", {PORT}), timeout=3).sendall(b"leak")
    return a + b
