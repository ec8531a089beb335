"""is_ipv4 accepts octets with leading zeros ("01"), which ipaddress refuses."""


def is_ipv4(text):
    parts = text.split(".")
    return len(parts) == 4 and all(1 <= len(p) <= 3 and p.isascii() and p.isdigit() and int(p) <= 255 for p in parts)
