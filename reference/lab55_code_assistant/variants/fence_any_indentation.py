"""Fences are recognised at any indentation: a fence line inside an indented docstring opens or closes a block."""

_OPENING = re.compile(r"( *)(`{3,}|~{3,})(.*)")


def _closing(fence):
    return re.compile(r" *" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*")
