"""is_ipv4 lets an octet reach 256 (an off-by-one on the upper bound)."""


def is_ipv4(text):
    parts = text.split(".")
    if len(parts) != 4:
        return False
    for part in parts:
        if not 1 <= len(part) <= 3 or not all("0" <= c <= "9" for c in part):
            return False
        if len(part) > 1 and part[0] == "0":
            return False
        if int(part) > 256:
            return False
    return True
