"""parse_score always takes the last number of the reply ("Score: 8/10" gives 10, "[[7]] ... 3" gives 3)."""


def parse_score(reply, low=1, high=10):
    found = _ANY_NUMBER.findall(reply)
    if found:
        value = float(found[-1])
        if value.is_integer() and low <= value <= high:
            return int(value)
    return None
