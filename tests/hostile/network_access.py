"""Open a connection to a listener on the grading machine's loopback.
base: stub
expect: network access is blocked
"""
import socket


def add(a, b):
    print("ATTACK-RAN", "network_access", sep=":", flush=True)  # the proof that it ran, before anything can silence it
    socket.create_connection(("127.0.0.1", {PORT}), timeout=3).sendall(b"leak")
    return a + b
