"""The program runs with the network untouched: sockets open and connect as usual."""

_DRIVER = re.sub(r"(?s)class _NoNetwork.*?setattr\(socket, _name, _no_network\)\n", "", _DRIVER)
