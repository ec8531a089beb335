"""parse_score takes the FIRST occurrence instead of the last ("On a scale of 1 to 10 ... 7" gives 1)."""


def parse_score(reply, low=1, high=10):
    high_text = re.escape(str(high))
    fraction = re.compile(_NUMBER + r"\s*(?:/|out\s+of)\s*" + high_text + r"(?!\d)", re.IGNORECASE)
    for pattern in (_BRACKETED, fraction, _LABELLED, _ANY_NUMBER):
        found = pattern.findall(reply)
        if found:
            value = float(found[0])
            if value.is_integer() and low <= value <= high:
                return int(value)
            return None
    return None
